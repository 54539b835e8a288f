// One decision through the filter, as a gateway runs one request (gateways/standalone/decider.ts does the
// same for the decision service): request headers with end of stream, a local reply is the reject,
// otherwise the response headers of an upstream 200 pass through the filter, which adds the allow headers.
// The shims read no request body, so body-aware LLM limits see headers only (README of each shim).
// A throttle pauses the stream until the module resumes it from proxy_on_tick (assembly/filter/throttle.ts);
// the Ticker ticks the host while a stream waits, as Envoy's dispatcher fires timers.
import type { CallbackResult, HeaderList, HttpStream, LocalReply, Worker } from "../host/types.js";
import { canonicalHeaderName } from "../standalone/header-case.js";
import { waitForResume, type Ticker } from "../standalone/stream-events.js";
import type { AdapterRequest } from "./types.js";

export interface StreamAnswer {
  status: number;
  headers: HeaderList;
  body: Uint8Array;
  /** The module paused the request and resumed it itself (a throttle it waited out with ticks). */
  waited?: boolean;
}

/** Set by whoever writes the answer, never copied from the filter's. */
const FRAMING = new Set(["content-length", "transfer-encoding", "connection"]);

const UNAVAILABLE: StreamAnswer = {
  status: 503,
  headers: [["Content-Type", "application/json"], ["X-Fairvisor-Reason", "service_unavailable"]],
  body: new TextEncoder().encode(JSON.stringify({ error: "service_unavailable" })),
};

export function unavailableAnswer(): StreamAnswer {
  return { ...UNAVAILABLE, headers: [...UNAVAILABLE.headers] };
}

/** Redis unusable under FAIRVISOR_REDIS_FAILURE_MODE=fail_closed: the decision service's answer (distributed-decider.ts). */
export function storeUnavailableAnswer(): StreamAnswer {
  return {
    status: 503,
    headers: [["Content-Type", "application/json"], ["X-Fairvisor-Reason", "store_unavailable"]],
    body: new TextEncoder().encode(JSON.stringify({ error: "store_unavailable" })),
  };
}

export async function runStream(worker: Worker, request: AdapterRequest, sourceAddress: string, ticker?: Ticker): Promise<StreamAnswer> {
  const stream = worker.newStream({ sourceAddress });
  try {
    return await decideOn(stream, request, ticker);
  } finally {
    stream.finish();
  }
}

async function decideOn(stream: HttpStream, request: AdapterRequest, ticker: Ticker | undefined): Promise<StreamAnswer> {
  const headers: HeaderList = [
    [":method", request.method],
    [":path", request.uri],
    [":authority", request.authority],
    ...request.headers,
  ];
  let onRequest: CallbackResult = stream.onRequestHeaders(headers, true);
  let waited = false;
  if (onRequest.verdict === "pause" && !onRequest.localReply && !onRequest.trapped && ticker) {
    waited = true;
    const event = await waitForResume(stream, ticker);
    if (event.kind === "local_reply") onRequest = { verdict: "pause", localReply: event.reply, trapped: false };
    else if (event.kind === "continue") onRequest = { verdict: "continue", localReply: null, trapped: false };
  }
  // A trap fails the VM: fail closed, as the host's default (DESIGN.md section 3).
  if (onRequest.trapped) return unavailableAnswer();
  const reject = onRequest.localReply ?? stream.localReply;
  if (reject) return fromLocalReply(reject);
  // Still paused (never resumed, or no ticker): unavailable rather than a silent allow.
  if (onRequest.verdict !== "continue") return unavailableAnswer();
  const onResponse = stream.onResponseHeaders([[":status", "200"]], true);
  if (onResponse.trapped) return unavailableAnswer();
  const late = onResponse.localReply ?? stream.localReply;
  if (late) return fromLocalReply(late);
  return { status: 200, headers: copyHeaders(stream.responseHeaders), body: new Uint8Array(0), waited };
}

function fromLocalReply(reply: LocalReply): StreamAnswer {
  return { status: reply.status, headers: copyHeaders(reply.headers), body: reply.body };
}

function copyHeaders(headers: HeaderList): HeaderList {
  return headers
    .filter(([name]) => !name.startsWith(":") && !FRAMING.has(name.toLowerCase()))
    .map(([name, value]) => [canonicalHeaderName(name), value]);
}
