// A decision is a value: the glue (assembly/filter/http.ts) turns it into a local reply or into
// headers added to the upstream response. Nothing here talks to the host.

export const enum Action {
  ALLOW = 0,
  REJECT = 1,
  /** Allow after `delayMs` (cost stage throttle, loop throttle). */
  THROTTLE = 2,
}

@final
export class Decision {
  action: Action = Action.ALLOW;
  /** HTTP status the client gets: 200 for allow/throttle, 429 for reject. */
  status: i32 = 200;
  /** Reason code of spec 9.6 ("" when shadow-wrapped, project decision 2). */
  reason: string = "";
  /** "enforce" or "shadow". */
  mode: string = "enforce";
  /** A shadow policy (or global_shadow) would have rejected: logs/metrics/debug only. */
  wouldReject: bool = false;
  /** The reason the shadow would-reject would have had. */
  wouldRejectReason: string = "";
  /** Deciding policy and rule ("" when none). */
  policyId: string = "";
  ruleName: string = "";
  /** Jittered Retry-After in seconds for rejects, 0 otherwise. */
  retryAfter: i64 = 0;
  /** Throttle delay in milliseconds (capped at 30000). */
  delayMs: i64 = 0;
  /** Number of policies whose selector matched. */
  matchedPolicies: i32 = 0;
  /** Response headers for the client, as flat name/value pairs: [n0, v0, n1, v1, ...]. */
  headers: string[] = [];
  /** Extracted descriptors for debug headers, flat key/value pairs sorted by key. */
  descriptors: string[] = [];
  /** LLM token reservations made by this allow (spec 8.3); settled by Engine.reconcile. */
  reservations: Reservation[] = [];
  /**
   * For a token_bucket_llm reject (spec 8.3, project decision 10): the `details` member of the
   * OpenAI-compatible error body, as JSON object text, e.g.
   * `{"reason":"tpm_exceeded","limit":1000,"requested":320}` (limit = the limit that was exceeded:
   * max_prompt_tokens, max_tokens_per_request, tokens_per_minute or tokens_per_day; requested = the
   * prompt estimate for prompt_tokens_exceeded, else prompt + completion). The glue then answers
   * `{"error":{"message":"Rate limit exceeded: <reason>","type":"rate_limit_error",
   * "code":"rate_limit_exceeded","details":<errorDetails>}}`. "" for every other decision.
   */
  errorDetails: string = "";
  /**
   * A circuit breaker with `alert: true` tripped or was found open during this decision (spec 8.6), in
   * enforce or shadow mode: the glue logs it and counts it. `breakerPolicyId` names its policy.
   */
  breakerAlert: bool = false;
  breakerPolicyId: string = "";
  /**
   * Identical requests counted by loop detection (spec 8.5), the last policy's count when several
   * count; 0 when none ran. Enforcing loop detection also sends it as `X-Fairvisor-Loop-Count`
   * (decision 4); a shadow one only reports it here (decision 2: no client-visible trace).
   */
  loopCount: i64 = 0;
  /** Counter updates that failed open because the store was unavailable or CAS retries ran out. */
  storeErrors: i32 = 0;
  /** CAS_MISMATCH rounds needed by this decision's counter updates (DESIGN.md section 3 metric). */
  casRetries: i32 = 0;

  reset(): void {
    this.action = Action.ALLOW;
    this.status = 200;
    this.reason = "";
    this.mode = "enforce";
    this.wouldReject = false;
    this.wouldRejectReason = "";
    this.policyId = "";
    this.ruleName = "";
    this.retryAfter = 0;
    this.delayMs = 0;
    this.matchedPolicies = 0;
    this.headers.length = 0;
    this.descriptors.length = 0;
    this.reservations = [];
    this.errorDetails = "";
    this.breakerAlert = false;
    this.breakerPolicyId = "";
    this.loopCount = 0;
    this.storeErrors = 0;
    this.casRetries = 0;
  }

  addHeader(name: string, value: string): void {
    this.headers.push(name);
    this.headers.push(value);
  }
}

/**
 * Tokens reserved by one token_bucket_llm rule on an allow (spec 8.3 step 5), kept by the glue until the
 * response shows real usage; Engine.reconcile refunds what was reserved and not used. The glue treats it
 * as opaque except for the streaming limits.
 */
@final
export class Reservation {
  policyId: string = "";
  ruleName: string = "";
  /** Counter keys as the limiter used them (shadow prefix included). */
  tpmKey: string = "";
  /** "" when the rule has no daily cap. */
  tpdKey: string = "";
  /** prompt + completion reserved (estimated_total). */
  reserved: f64 = 0;
  promptTokens: f64 = 0;
  /** Completion tokens the reservation allows; the stream is cut past it (spec 8.7). */
  completionTokens: f64 = 0;
  shadow: bool = false;
  /** The request asked for a streamed answer (spec 8.7 "Streaming request"). */
  streaming: bool = false;
  /** The TPM bucket's rate (tokens_per_minute / 60) and capacity, so a refund needs no bundle (reloads). */
  tpmRatePerSecond: f64 = 0;
  tpmBurst: f64 = 0;
  /**
   * Breaker spend accounting (spec 8.6, Engine.recordSpend): set only on the reservation of the LLM
   * rule whose cost the policy's circuit breaker counted, i.e. the policy's first rule; "" otherwise.
   * `breakerKey` is the breaker's key (`cb:<policy>:<value>`, `shadow:` first in shadow) and
   * `breakerCounted` what the breaker counted for this request (the estimated total).
   */
  breakerKey: string = "";
  breakerCounted: f64 = 0;
}
