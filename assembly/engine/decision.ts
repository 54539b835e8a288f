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
}
