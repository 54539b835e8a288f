// Per-request glue: read the request, let the engine decide, act. A reject becomes a local reply before the
// upstream is contacted; an allow remembers its headers and sets them on the response (spec 9.3).
import { Action, Decision } from "../engine/decision";
import { Engine } from "../engine";
import { Deployment } from "./deployment";
import { HostRequestView } from "./host-view";
import { HostCounterStore } from "./host-store";
import { MapType, nowNanos, replaceHeader, sendLocalResponse } from "./host-calls";
import { serializeHeaderPairs } from "./header-pairs";
import { countDecision } from "./metrics";

/** One decision object reused by every request of this VM (a VM runs one callback at a time). */
const decision = new Decision();

@final
export class StreamState {
  /** Headers to set on the upstream response after an allow, flat name/value pairs. */
  responseHeaders: string[] | null = null;
  replied: bool = false;
  constructor(public id: u32, public engine: Engine | null) {}
}

const NO_BUNDLE_BODY = '{"error":{"message":"no policy bundle loaded","type":"service_unavailable","code":"no_bundle_loaded"}}';

function rejectBody(reason: string): string {
  // OpenAI-compatible error shape (spec 8.3 "OpenAI-style error body builder", project decision 10).
  return '{"error":{"message":"Rate limit exceeded: ' + reason +
    '","type":"rate_limit_error","code":"rate_limit_exceeded"}}';
}

export function onRequestHeaders(stream: StreamState, deployment: Deployment, store: HostCounterStore): i32 {
  const engine = stream.engine;
  if (engine === null) {
    const headers = ["content-type", "application/json", "X-Fairvisor-Reason", "no_bundle_loaded"];
    sendLocalResponse(503, "no_bundle_loaded", String.UTF8.encode(NO_BUNDLE_BODY), serializeHeaderPairs(headers));
    stream.replied = true;
    return 1; // StopIteration: the local reply ends the stream
  }
  const view = new HostRequestView(deployment);
  engine.evaluate(view, nowNanos(), store, decision);
  countDecision(decision.action == Action.REJECT, decision.wouldReject, decision.casRetries, decision.storeErrors);
  if (decision.action == Action.REJECT) {
    const headers = decision.headers.slice(0);
    headers.push("content-type");
    headers.push("application/json");
    sendLocalResponse(<u32>decision.status, decision.reason, String.UTF8.encode(rejectBody(decision.reason)), serializeHeaderPairs(headers));
    stream.replied = true;
    return 1;
  }
  if (decision.headers.length > 0) stream.responseHeaders = decision.headers.slice(0);
  return 0; // Continue
}

export function onResponseHeaders(stream: StreamState): i32 {
  const headers = stream.responseHeaders;
  if (headers === null || stream.replied) return 0;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    replaceHeader(MapType.RESPONSE_HEADERS, unchecked(headers[i]), unchecked(headers[i + 1]));
  }
  return 0;
}
