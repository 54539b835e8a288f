// Per-request glue: read the request, let the engine decide, act (spec 9.3, DESIGN.md section 5).
//   - Requests whose decision needs no body are decided in on_request_headers, as before (no latency).
//   - When Engine.needsBody says so (LLM rules), the headers callback pauses and the request is decided
//     once the whole body is buffered (on_request_body at end of stream; the host accumulates the paused
//     chunks, research/gateways.md 1.7), or answered 413 past max_request_body_bytes.
//   - A reject becomes a local reply before the upstream is contacted; an allow remembers its headers for
//     the response, its LLM reservations for reconciliation, and a throttle pauses until its wake time.
//   - The response side of a request with reservations is llm-response.ts.
//   - With the deployment option decision_info, every local reply and every allow also carries
//     X-Fairvisor-Decision-Info (decision-info.ts); without it nothing about it runs.
import { Action, Decision, Reservation } from "../engine/decision";
import { Engine } from "../engine";
import { ChunkVerdict } from "../stream";
import { decisionInfo, HEADER_DECISION_INFO } from "./decision-info";
import { Deployment } from "./deployment";
import { HostRequestView } from "./host-view";
import { HostCounterStore } from "./host-store";
import {
  BufferType, getBuffer, getHeader, LogLevel, MapType, nowNanos, removeHeader, replaceHeader, setBufferFrom, setProperty,
} from "./host-calls";
import { LlmResponse } from "./llm-response";
import { countDecision } from "./metrics";
import { replyBodyTooLarge, replyNoBundle, replyReject } from "./replies";
import { nextReservationId } from "./reservation-id";
import { streamLog } from "./stream-log";
import { StreamingRules } from "./streaming-rules";
import { forgetWait, holdForThrottle } from "./throttle";

/** proxy-wasm filter statuses (PW-SPEC): headers Continue / StopIteration, data Continue / StopIterationAndBuffer. */
const CONTINUE: i32 = 0;
const PAUSE: i32 = 1;

export const HEADER_RESERVATION = "X-Fairvisor-Reservation";
export const HEADER_DELAY_MS = "X-Fairvisor-Delay-Ms";

/** One decision object reused by every request of this VM (a VM runs one callback at a time). */
const decision = new Decision();

@final
export class StreamState {
  /** Headers to set on the upstream response after an allow, flat name/value pairs. */
  responseHeaders: string[] | null = null;
  replied: bool = false;
  /** The request waits for its body (Engine.needsBody); `view` holds the paused request's headers. */
  awaitingBody: bool = false;
  view: HostRequestView | null = null;
  /** Body bytes buffered so far (the host reports the accumulated size while we pause). */
  bodySize: u32 = 0;
  /** LLM reservations of the allow, until the response headers create `llm`. */
  reservations: Reservation[] | null = null;
  llm: LlmResponse | null = null;
  /** Deployment option decision_info as it was when the request arrived (deployment.ts). */
  decisionInfo: bool = false;
  constructor(public id: u32, public rootId: u32, public engine: Engine | null, public streaming: StreamingRules) {}
}

export function onRequestHeaders(stream: StreamState, deployment: Deployment, store: HostCounterStore, endOfStream: bool): i32 {
  const engine = stream.engine;
  stream.decisionInfo = deployment.decisionInfo;
  if (engine === null) {
    replyNoBundle(stream.decisionInfo);
    stream.replied = true;
    return PAUSE; // the local reply ends the stream
  }
  const view = new HostRequestView(deployment);
  // Bundles without LLM rules never need a body: skip the extra route match (no latency added).
  // Kong passes end_of_stream false to every headers callback (DESIGN.md section 3), so a declared empty
  // body (Content-Length: 0, RFC 9110 8.6) also means "decide now".
  const noBody = endOfStream || isZero(view.header("content-length"));
  if (!noBody && stream.streaming.hasLlmRules && engine.needsBody(view, nowNanos())) {
    stream.awaitingBody = true;
    stream.view = view;
    // APISIX calls body callbacks only once this is set (research/gateways.md section 0); elsewhere a
    // harmless filter-state write.
    setProperty("wasm_process_req_body", "true");
    return PAUSE;
  }
  return decide(stream, engine, view, store);
}

export function onRequestBody(stream: StreamState, deployment: Deployment, store: HostCounterStore, size: u32, endOfStream: bool): i32 {
  if (!stream.awaitingBody) return CONTINUE;
  stream.bodySize = size;
  if (size > deployment.maxRequestBodyBytes) {
    stream.awaitingBody = false;
    stream.replied = true;
    replyBodyTooLarge(deployment.maxRequestBodyBytes, stream.decisionInfo);
    streamLog(LogLevel.INFO, stream.id, "reject status=413 reason=request_body_too_large bytes=" + size.toString());
    return PAUSE;
  }
  if (!endOfStream) return PAUSE; // StopIterationAndBuffer: the next call sees everything so far
  return decideWithBody(stream, store, size);
}

/** Trailers end the request body: decide with what was buffered. */
export function onRequestTrailers(stream: StreamState, store: HostCounterStore): i32 {
  if (!stream.awaitingBody) return CONTINUE;
  return decideWithBody(stream, store, stream.bodySize);
}

function decideWithBody(stream: StreamState, store: HostCounterStore, size: u32): i32 {
  stream.awaitingBody = false;
  const view = stream.view;
  const engine = stream.engine;
  stream.view = null;
  if (view === null || engine === null) return CONTINUE;
  view.setBody(size > 0 ? getBuffer(BufferType.HTTP_REQUEST_BODY, 0, size) : new ArrayBuffer(0));
  return decide(stream, engine, view, store);
}

function decide(stream: StreamState, engine: Engine, view: HostRequestView, store: HostCounterStore): i32 {
  const now = nowNanos();
  engine.evaluate(view, now, store, decision);
  countDecision(decision.action == Action.REJECT, decision.wouldReject, decision.casRetries, decision.storeErrors);
  if (decision.breakerAlert) {
    streamLog(LogLevel.WARN, stream.id, "breaker_alert policy=" + decision.breakerPolicyId + " mode=" + decision.mode);
  }
  if (decision.action == Action.REJECT) {
    streamLog(LogLevel.INFO, stream.id, "reject policy=" + decision.policyId + " rule=" + decision.ruleName + " reason=" + decision.reason);
    replyReject(decision, stream.decisionInfo);
    stream.replied = true;
    return PAUSE;
  }
  // Decision.reset() gives every decision a fresh array, so keeping this one is safe.
  const reservations = decision.reservations;
  const throttled = decision.action == Action.THROTTLE && decision.delayMs > 0;
  const withInfo = stream.decisionInfo;
  if (!withInfo && decision.headers.length == 0 && reservations.length == 0 && !throttled) return CONTINUE;
  const headers = decision.headers.slice(0);
  if (withInfo) {
    headers.push(HEADER_DECISION_INFO);
    headers.push(decisionInfo(decision));
  }
  if (reservations.length > 0) {
    stream.reservations = reservations;
    headers.push(HEADER_RESERVATION);
    headers.push(nextReservationId(stream.rootId, stream.id));
  }
  let verdict = CONTINUE;
  if (throttled) {
    headers.push(HEADER_DELAY_MS);
    headers.push(decision.delayMs.toString());
    if (holdForThrottle(stream.id, stream.rootId, now, decision.delayMs)) {
      streamLog(LogLevel.DEBUG, stream.id, "throttle policy=" + decision.policyId + " reason=" + decision.reason + " delay_ms=" + decision.delayMs.toString());
      verdict = PAUSE;
    }
  }
  stream.responseHeaders = headers;
  return verdict;
}

export function onResponseHeaders(stream: StreamState, store: HostCounterStore, endOfStream: bool): i32 {
  if (stream.replied) return CONTINUE;
  const headers = stream.responseHeaders;
  if (headers !== null) {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      replaceHeader(MapType.RESPONSE_HEADERS, unchecked(headers[i]), unchecked(headers[i + 1]));
    }
  }
  const reservations = stream.reservations;
  const engine = stream.engine;
  if (reservations === null || engine === null) return CONTINUE;
  stream.reservations = null;
  const llm = new LlmResponse(stream.id, reservations);
  const status = getHeader(MapType.RESPONSE_HEADERS, ":status");
  llm.status = status === null ? "" : status;
  const contentType = getHeader(MapType.RESPONSE_HEADERS, "content-type");
  llm.begin(contentType !== null && isEventStream(contentType), stream.streaming);
  const sse = llm.sse;
  // A cut stream is shorter than announced: drop a Content-Length (SSE is normally chunked anyway).
  if (sse !== null && sse.enforcing) removeHeader(MapType.RESPONSE_HEADERS, "content-length");
  setProperty("wasm_process_resp_body", "true"); // APISIX body callbacks (research/gateways.md section 0)
  stream.llm = llm;
  if (endOfStream) llm.settle(engine, store, nowNanos());
  return CONTINUE;
}

/** Every chunk returns Continue (research/gateways.md 1.7: never Pause a stream); a cut rewrites the chunk. */
export function onResponseBody(stream: StreamState, store: HostCounterStore, size: u32, endOfStream: bool): i32 {
  const llm = stream.llm;
  const engine = stream.engine;
  if (llm === null || engine === null) return CONTINUE;
  let chunk: ArrayBuffer | null = null;
  if (size > 0) chunk = getBuffer(BufferType.HTTP_RESPONSE_BODY, 0, size);
  if (chunk === null) chunk = new ArrayBuffer(0);
  const verdict = llm.chunk(changetype<usize>(chunk), chunk.byteLength, endOfStream);
  const sse = llm.sse;
  if (verdict == ChunkVerdict.REPLACE && sse !== null) {
    const out = sse.output;
    setBufferFrom(BufferType.HTTP_RESPONSE_BODY, 0, size, out.ptr, out.length);
  }
  if (!llm.settled && (endOfStream || llm.readyToSettle)) llm.settle(engine, store, nowNanos());
  return CONTINUE;
}

/** proxy_on_done of a stream: a response that never completed keeps its reservations; a wait is dropped. */
export function onStreamDone(stream: StreamState): void {
  forgetWait(stream.id);
  const llm = stream.llm;
  if (llm !== null) llm.abandon();
  else if (stream.reservations !== null) streamLog(LogLevel.DEBUG, stream.id, "reservation kept: no response");
}

function isZero(value: string | null): bool {
  return value !== null && value.trim() == "0";
}

/** `text/event-stream`, case-insensitive, parameters allowed (RFC 9110 media types). */
function isEventStream(contentType: string): bool {
  const type = "text/event-stream";
  const value = contentType.trimStart();
  if (value.length < type.length) return false;
  for (let i = 0; i < type.length; i++) {
    let c = value.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c != type.charCodeAt(i)) return false;
  }
  return value.length == type.length || value.charCodeAt(type.length) == 0x3b /* ; */ || value.charCodeAt(type.length) == 0x20;
}
