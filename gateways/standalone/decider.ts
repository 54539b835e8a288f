// One decision through the wasm, as Envoy would run it. The stream gets the request headers, then the
// original request's body when the caller sent one (POST /v1/decision carries it, issue 3 item 4), so
// body-aware LLM limits work; a local reply is the reject. Otherwise the response headers of a JSON answer
// pass through the filter, which adds the allow headers (RateLimit-*, X-Fairvisor-Warning,
// X-Fairvisor-Delay-Ms, X-Fairvisor-Reservation). An allow that reserved LLM tokens leaves the stream open:
// /v1/reconcile later feeds it the response body with the real usage (reservations.ts). The service adds no
// limiter logic of its own.
import type { CallbackResult, HeaderList, HttpStream, LocalReply, Worker } from "../host/types.js";
import { serviceUnavailable } from "./answers.js";
import type { DenyStatus } from "./config.js";
import { allowFacts, DECISION_INFO_HEADER, DELAY_HEADER, rejectFacts, type DecisionFacts } from "./decision-facts.js";
import { canonicalHeaderName } from "./header-case.js";
import { waitForResume, type Ticker } from "./stream-events.js";
import type { DecisionAnswer, DecisionInput } from "./types.js";
import { counterValue, SHADOW_WOULD_REJECT, type MetricsSource } from "./wasm-counters.js";

/** The part of ProxyWasmHost this needs (metrics: shadow would-rejects are read from the wasm's counter). */
export interface WorkerPool extends Partial<MetricsSource> {
  readonly workers: Worker[];
}

export interface DecisionOutcome {
  answer: DecisionAnswer;
  facts: DecisionFacts;
  /** The still-open stream of an LLM allow; the caller must either hold it or finish it. */
  openStream: HttpStream | null;
}

/** Set by the service itself, never copied from the filter's answer. */
const FRAMING = new Set(["content-length", "transfer-encoding", "connection"]);
/**
 * Instructions and reports to the service, not to the gateway: the service acts on them (throttle sleep)
 * or reports from them (decision info: metrics, logs, debug headers).
 */
const INTERNAL = new Set([DELAY_HEADER, DECISION_INFO_HEADER]);

/**
 * The response the filter is shown for an allow. eos false because, for an LLM allow, the body (usage)
 * follows at reconcile time; a JSON content type because that is what /v1/reconcile then feeds it.
 */
const ALLOW_RESPONSE: HeaderList = [
  [":status", "200"],
  ["content-type", "application/json"],
];

const UNAVAILABLE: DecisionFacts = { action: "unavailable", policy: "", reason: "service_unavailable", delayMs: 0, remaining: undefined, reservationId: "" };

export class Decider {
  private next = 0;

  constructor(
    private readonly pool: WorkerPool,
    private readonly denyStatus: DenyStatus = 429,
    private readonly ticker?: Ticker,
  ) {}

  async decide(input: DecisionInput, body: Uint8Array | null = null): Promise<DecisionOutcome> {
    const worker = this.pickWorker();
    if (!worker) return { answer: serviceUnavailable(), facts: UNAVAILABLE, openStream: null };
    const stream = worker.newStream({ sourceAddress: input.sourceAddress });
    let keepOpen = false;
    try {
      const outcome = await this.run(stream, input, body);
      keepOpen = outcome.openStream !== null;
      return outcome;
    } finally {
      if (!keepOpen) stream.finish();
    }
  }

  private async run(stream: HttpStream, input: DecisionInput, body: Uint8Array | null): Promise<DecisionOutcome> {
    const hasBody = body !== null && body.byteLength > 0;
    const request: HeaderList = [[":method", input.method], [":path", input.uri], [":authority", input.authority], ...input.headers];
    const shadowBefore = this.shadowCount();
    let waited = false;
    let r: CallbackResult = stream.onRequestHeaders(request, !hasBody);
    // A module that needs the body pauses its headers and reads the buffered body (assembly/filter/http.ts,
    // research/gateways.md 1.7), so a body goes in even then; without one, a pause is a wait only the module
    // ends (a throttle woken by a tick, an http_call answer).
    if (r.verdict === "pause" && !r.localReply && !r.trapped && !hasBody) {
      r = await this.resumed(stream);
      waited = true;
    }
    if (!r.trapped && !r.localReply && hasBody) {
      r = stream.onRequestBody(body, true);
      if (r.verdict !== "continue" && !r.localReply && !r.trapped) {
        r = await this.resumed(stream);
        waited = true;
      }
    }
    // A trap fails the VM; the host answers 503 wasm_fail_stream (fail_closed, DESIGN.md section 3).
    if (r.trapped) return this.unavailable();
    const reject = r.localReply ?? stream.localReply;
    if (reject) return this.fromLocalReply(reject);
    if (r.verdict !== "continue") return this.unavailable();
    const shadowRejected = this.shadowCount() > shadowBefore;

    const onResponse = stream.onResponseHeaders(ALLOW_RESPONSE, false);
    if (onResponse.trapped) return this.unavailable();
    const late = onResponse.localReply ?? stream.localReply;
    if (late) return this.fromLocalReply(late);
    const facts = allowFacts(stream.responseHeaders, shadowRejected);
    // The wasm held the request itself until its throttle woke it: the delay is served.
    if (waited) facts.delayMs = 0;
    // Allow is always 200: Envoy ext_authz treats only 200 as allow (project decision 9).
    // The content type was ours (ALLOW_RESPONSE), and the allow has no body.
    const headers = copyHeaders(stream.responseHeaders).filter(([k]) => k !== "Content-Type");
    const answer = { status: 200, headers, body: new Uint8Array(0) };
    return { answer, facts, openStream: facts.reservationId ? stream : null };
  }

  private async resumed(stream: HttpStream): Promise<CallbackResult> {
    const event = await waitForResume(stream, this.ticker);
    if (event.kind === "local_reply") return { verdict: "pause", localReply: event.reply, trapped: false };
    if (event.kind === "continue") return { verdict: "continue", localReply: null, trapped: false };
    return { verdict: "pause", localReply: null, trapped: false };
  }

  private fromLocalReply(reply: LocalReply): DecisionOutcome {
    // 403/401 mode: nginx auth_request turns any other status into 500 (research/gateways.md 7.1).
    const status = reply.status === 429 ? this.denyStatus : reply.status;
    return {
      answer: { status, headers: copyHeaders(reply.headers), body: reply.body },
      facts: rejectFacts(reply.status, reply.details, reply.headers),
      openStream: null,
    };
  }

  private unavailable(): DecisionOutcome {
    return { answer: serviceUnavailable(), facts: UNAVAILABLE, openStream: null };
  }

  shadowCount(): bigint {
    return this.pool.metrics ? counterValue(this.pool as MetricsSource, SHADOW_WOULD_REJECT) : 0n;
  }

  /** Round-robin over the VMs, skipping any that trapped; null when all have failed. */
  pickWorker(): Worker | null {
    const workers = this.pool.workers;
    for (let i = 0; i < workers.length; i++) {
      const w = workers[(this.next + i) % workers.length];
      if (!w.failed) {
        this.next = (this.next + i + 1) % workers.length;
        return w;
      }
    }
    return null;
  }
}

/** The filter's headers as the service writes them: no pseudo, framing or internal headers; spec spelling. */
export function copyHeaders(headers: HeaderList): HeaderList {
  return headers
    .filter(([name]) => {
      const lower = name.toLowerCase();
      return !name.startsWith(":") && !FRAMING.has(lower) && !INTERNAL.has(lower);
    })
    .map(([name, value]) => [canonicalHeaderName(name), value]);
}
