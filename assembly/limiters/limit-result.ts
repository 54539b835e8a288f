// The shape every limiter returns (STYLE.md: one algorithm per file, all the same shape, like
// wasm-shim's TaskOutcome). A limiter fills one of these from config, store, time and cost; the engine
// turns it into a decision and headers (spec 9.3). Optional numbers carry a has* flag because the
// reference distinguishes "absent" from 0 when it builds headers (e.g. `RateLimit-Limit` only when a
// limit exists).

export const enum LimitOutcome {
  ALLOW = 0,
  REJECT = 1,
  /** The store was unavailable or CAS retries ran out: allow without limiter headers (fail open). */
  FAIL_OPEN = 2,
}

/** What an ALLOW asks of the engine besides passing (spec 8.2 staged actions, 7 step 5.6). */
export const enum LimitStage {
  NONE = 0,
  /** Pending allow with reason `budget_warn`. */
  WARN = 1,
  /** Pending throttle: allow after `delayMs`. */
  THROTTLE = 2,
}

@final
export class LimitResult {
  outcome: LimitOutcome = LimitOutcome.ALLOW;
  /** Reject reason set by the limiter ("" = none: the engine uses `<algorithm>_exceeded`, spec 7 step 5.6). */
  reason: string = "";

  hasLimit: bool = false;
  limit: f64 = 0;
  hasRemaining: bool = false;
  remaining: f64 = 0;
  hasReset: bool = false;
  reset: f64 = 0;
  hasRetryAfter: bool = false;
  retryAfter: f64 = 0;

  /** Staged action of an ALLOW (cost_based only). */
  stage: LimitStage = LimitStage.NONE;
  /** Throttle delay in milliseconds, as configured (the engine caps it). */
  delayMs: f64 = 0;
  /** Counters that report a count (loop detection: identical requests in the window). */
  count: f64 = 0;
  /** JSON object text describing a reject for the client's error body ("" = none; token_bucket_llm). */
  details: string = "";

  /** CAS_MISMATCH rounds this check needed (metrics, Decision.casRetries). */
  casRetries: i32 = 0;

  clear(): void {
    this.outcome = LimitOutcome.ALLOW;
    this.reason = "";
    this.hasLimit = false;
    this.limit = 0;
    this.hasRemaining = false;
    this.remaining = 0;
    this.hasReset = false;
    this.reset = 0;
    this.hasRetryAfter = false;
    this.retryAfter = 0;
    this.stage = LimitStage.NONE;
    this.delayMs = 0;
    this.count = 0;
    this.details = "";
    this.casRetries = 0;
  }

  copyFrom(other: LimitResult): void {
    this.outcome = other.outcome;
    this.reason = other.reason;
    this.hasLimit = other.hasLimit;
    this.limit = other.limit;
    this.hasRemaining = other.hasRemaining;
    this.remaining = other.remaining;
    this.hasReset = other.hasReset;
    this.reset = other.reset;
    this.hasRetryAfter = other.hasRetryAfter;
    this.retryAfter = other.retryAfter;
    this.stage = other.stage;
    this.delayMs = other.delayMs;
    this.count = other.count;
    this.details = other.details;
    this.casRetries = other.casRetries;
  }
}
