// The response side of an LLM request that reserved tokens (DESIGN.md section 5, spec 8.7 and 8.8,
// decision 11): an SSE body is counted (and cut at the reservation's completion limit) event by event; a
// JSON body is forwarded untouched while a bounded copy is kept to read `usage` at end of stream. Each
// reservation is then settled exactly once (`settled`), at the first of: `[DONE]`/`message_stop`, the cut,
// end of stream. A stream that never gets there (the client went away: proxy_on_done before the end)
// keeps its reservation: nothing is refunded, because nothing shows how much the upstream produced.
import { Engine } from "../engine";
import { CounterStore } from "../engine/counter-store";
import { Reservation } from "../engine/decision";
import { OnLimitExceeded } from "../policy/model";
import { ChunkVerdict, JsonUsageReader, Settlement, settle, SseStream, Usage } from "../stream";
import { LogLevel } from "./host-calls";
import { jsonNumber } from "./json-text";
import { streamLog } from "./stream-log";
import { StreamingRules } from "./streaming-rules";

const settlement = new Settlement();
const noUsage = new Usage();

/** Where the settled amount came from, for the reconcile log line. */
function sourceOf(kept: bool, reported: bool, streamed: bool): string {
  if (kept) return "reservation";
  if (reported) return "usage";
  return streamed ? "stream" : "reservation";
}

@final
export class LlmResponse {
  sse: SseStream | null = null;
  json: JsonUsageReader | null = null;
  settled: bool = false;
  /** HTTP status of the upstream response (for the log lines). */
  status: string = "";
  private loggedOverflow: bool = false;
  private loggedShadow: bool = false;
  private loggedCut: bool = false;

  constructor(public contextId: u32, public reservations: Reservation[]) {}

  /**
   * Response headers: an SSE body (`text/event-stream`) is metered event by event; anything else is
   * read as JSON. The enforced limit is the smallest `completionTokens` among enforcing reservations whose
   * rule streams with enforce_mid_stream (spec 8.7); shadow reservations only yield `would_truncate`.
   */
  begin(isSse: bool, rules: StreamingRules): void {
    if (!isSse) {
      this.json = new JsonUsageReader();
      return;
    }
    const sse = new SseStream();
    const list = this.reservations;
    for (let i = 0; i < list.length; i++) {
      const r = unchecked(list[i]);
      const config = rules.get(r.policyId, r.ruleName);
      if (i == 0) sse.promptEstimate = r.promptTokens;
      if (!config.enabled || !config.enforceMidStream) continue;
      const allowed = max(r.completionTokens, 0);
      if (r.shadow) {
        if (sse.shadowLimit < 0 || allowed < sse.shadowLimit) sse.shadowLimit = allowed;
      } else if (sse.limit < 0 || allowed < sse.limit) {
        sse.limit = allowed;
        sse.errorChunk = config.onLimitExceeded == OnLimitExceeded.ERROR_CHUNK;
        sse.includePartialUsage = config.includePartialUsage;
        sse.promptEstimate = r.promptTokens;
      }
    }
    this.sse = sse;
  }

  /** One body chunk; for REPLACE, `sse.output` holds the bytes to forward instead. */
  chunk(ptr: usize, len: i32, eos: bool): ChunkVerdict {
    const sse = this.sse;
    if (sse !== null) {
      const verdict = sse.push(ptr, len, eos);
      if (sse.truncated && !this.loggedCut) {
        this.loggedCut = true;
        streamLog(LogLevel.INFO, this.contextId, "truncate limit=" + jsonNumber(sse.limit) + " delivered=" + jsonNumber(sse.completion));
      }
      if (sse.wouldTruncate && !this.loggedShadow) {
        this.loggedShadow = true;
        streamLog(LogLevel.INFO, this.contextId, "would_truncate limit=" + jsonNumber(sse.shadowLimit) + " mode=shadow");
      }
      if (sse.overflowed && !this.loggedOverflow) {
        this.loggedOverflow = true;
        streamLog(LogLevel.WARN, this.contextId, "sse event over 65536 bytes: stream no longer metered, reservation kept");
      }
      return verdict;
    }
    const json = this.json;
    if (json !== null) json.append(ptr, len);
    return ChunkVerdict.PASS;
  }

  /** The response reached a point where the usage is known (or will never be): settle now. */
  get readyToSettle(): bool {
    const sse = this.sse;
    return sse !== null && sse.complete;
  }

  /**
   * Settles every reservation once (Engine.reconcile refunds reserved - actual), and corrects the circuit
   * breaker's spend by the difference between real use and what it counted at request time.
   */
  settle(engine: Engine, store: CounterStore, nowNs: u64): void {
    if (this.settled) return;
    this.settled = true;
    let usage = noUsage;
    let counted: f64 = 0;
    let complete = false;
    let cut = false;
    const sse = this.sse;
    const json = this.json;
    if (sse !== null) {
      usage = sse.usage;
      counted = sse.completion;
      complete = sse.complete && !sse.overflowed;
      cut = sse.truncated;
    } else if (json !== null) {
      json.finish();
      usage = json.usage;
    }
    const list = this.reservations;
    for (let i = 0; i < list.length; i++) {
      const r = unchecked(list[i]);
      settle(r.promptTokens, r.completionTokens, usage, counted, complete, cut, settlement);
      const refunded = engine.reconcile(r, settlement.prompt, settlement.completion, nowNs, store);
      const actual = settlement.prompt + settlement.completion;
      // The breaker counted the estimate at request time; correct it to the real spend (Engine.recordSpend).
      if (r.breakerKey.length > 0) engine.recordSpend(r.policyId, actual - r.breakerCounted, nowNs, store, r.breakerKey);
      streamLog(LogLevel.DEBUG, this.contextId, "reconcile policy=" + r.policyId + " rule=" + r.ruleName +
        " reserved=" + jsonNumber(r.reserved) + " actual=" + jsonNumber(actual) + " refunded=" + jsonNumber(refunded) +
        " source=" + sourceOf(settlement.keptReservation, usage.hasCompletion && !cut, sse !== null) + " status=" + this.status);
    }
  }

  /** The stream ends without having settled (client gone, upstream reset): reservations stay charged. */
  abandon(): void {
    if (this.settled) return;
    this.settled = true;
    streamLog(LogLevel.DEBUG, this.contextId, "reservation kept: stream ended before the response completed");
  }
}
