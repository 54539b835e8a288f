// `token_bucket_llm` (spec 8.3): a per-minute token bucket plus an optional per-day counter, charged up
// front with the request's estimated total (prompt estimate + requested completion) and refunded after
// the response by reconciliation. Checks, in the spec's order:
//   1. max_prompt_tokens set and prompt > it          -> reject prompt_tokens_exceeded (no retry_after)
//   2. max_tokens_per_request set and total > it      -> reject max_tokens_per_request_exceeded
//   3. TPM bucket `tpm:<key>`, rate tpm/60 per second, capacity burst_tokens, cost total
//      (limiters/token-bucket.ts)                     -> reject tpm_exceeded, retry_after = ceil((total - tokens)/(tpm/60))
//   4. TPD counter `tpd:<key>:<YYYYMMDD UTC>`, if tokens_per_day is set: over -> nothing written, the TPM
//      reservation refunded, reject tpd_exceeded, retry_after = max(1, ceil(next UTC midnight - now))
//   5. allow (no limit/remaining: the allow headers are only `RateLimit: "<policy>";r=0;t=1`)
// Rejects carry `limit` (tokens_per_minute, or tokens_per_day for tpd_exceeded) for the `RateLimit-Limit`
// header of project decision 10, and `details`, the JSON object of the OpenAI-style error body.
// Store failures fail open at each step (spec 8.3: "a dict error on TPD fails open").

import { LlmConfig, TokenBucketConfig } from "../policy/model";
import { CounterStore, MAX_CAS_ATTEMPTS, StoreStatus } from "../engine/counter-store";
import { Reservation } from "../engine/decision";
import { numberToLuaString } from "../json";
import { nextUtcMidnight, utcDayStamp } from "../util/utc-date";
import { BucketState } from "./bucket-state";
import { LimitOutcome, LimitResult } from "./limit-result";
import { checkTokenBucket } from "./token-bucket";
import { addToCounter, CounterUpdate } from "./windowed-counter";

export const REASON_PROMPT_TOKENS_EXCEEDED = "prompt_tokens_exceeded";
export const REASON_MAX_TOKENS_PER_REQUEST_EXCEEDED = "max_tokens_per_request_exceeded";
export const REASON_TPM_EXCEEDED = "tpm_exceeded";
export const REASON_TPD_EXCEEDED = "tpd_exceeded";

const SECONDS_PER_MINUTE: f64 = 60;

const bucketResult = new LimitResult();
const update = new CounterUpdate();
const bucket = new BucketState();

/** The TPM bucket config of an LLM rule: rate tpm/60 per second, capacity burst_tokens (built once per rule). */
export function tpmBucketConfig(config: LlmConfig): TokenBucketConfig {
  const c = new TokenBucketConfig();
  c.tokensPerSecond = config.tokensPerMinute / SECONDS_PER_MINUTE;
  c.burst = config.burstTokens > 0 ? config.burstTokens : config.tokensPerMinute;
  return c;
}

/** `tpm:<counter key>` (spec 5.4; the shadow prefix, if any, is already inside `key`). */
export function tpmKeyOf(key: string): string {
  return "tpm:" + key;
}

/** `tpd:<counter key>:<YYYYMMDD of now, UTC>`. */
export function tpdKeyOf(key: string, nowSeconds: f64): string {
  return "tpd:" + key + ":" + utcDayStamp(nowSeconds);
}

export function checkTokenBucketLlm(
  config: LlmConfig,
  tpm: TokenBucketConfig,
  store: CounterStore,
  key: string,
  nowSeconds: f64,
  prompt: f64,
  completion: f64,
  out: LimitResult,
): void {
  out.clear();
  const maxPrompt = config.maxPromptTokens;
  if (maxPrompt > 0 && prompt > maxPrompt) {
    reject(out, REASON_PROMPT_TOKENS_EXCEEDED, config.tokensPerMinute, maxPrompt, prompt);
    return;
  }
  const total = prompt + completion;
  const maxTotal = config.maxTokensPerRequest;
  if (maxTotal > 0 && total > maxTotal) {
    reject(out, REASON_MAX_TOKENS_PER_REQUEST_EXCEEDED, config.tokensPerMinute, maxTotal, total);
    return;
  }

  const tpmKey = tpmKeyOf(key);
  const b = bucketResult;
  checkTokenBucket(tpm, store, tpmKey, nowSeconds, total, b);
  out.casRetries = b.casRetries;
  if (b.outcome == LimitOutcome.FAIL_OPEN) {
    out.outcome = LimitOutcome.FAIL_OPEN;
    return;
  }
  if (b.outcome == LimitOutcome.REJECT) {
    // checkTokenBucket's max(1, ceil((cost - tokens)/rate)) is the spec's ceil((total - tokens)/(tpm/60)):
    // a reject means total > tokens, so the ceiling is already >= 1.
    reject(out, REASON_TPM_EXCEEDED, config.tokensPerMinute, config.tokensPerMinute, total);
    out.hasRetryAfter = true;
    out.retryAfter = b.retryAfter;
    return;
  }

  const tpd = config.tokensPerDay;
  if (tpd > 0) {
    const midnight = nextUtcMidnight(nowSeconds);
    addToCounter(store, tpdKeyOf(key, nowSeconds), total, tpd, midnight, nowSeconds, update);
    out.casRetries += update.casRetries;
    if (!update.failed && update.over) {
      refundBucket(store, tpmKey, total, tpm.tokensPerSecond, tpm.burst, nowSeconds);
      reject(out, REASON_TPD_EXCEEDED, tpd, tpd, total);
      out.hasRetryAfter = true;
      out.retryAfter = max(1.0, Math.ceil(midnight - nowSeconds));
      return;
    }
  }
  out.outcome = LimitOutcome.ALLOW;
}

function reject(out: LimitResult, reason: string, headerLimit: f64, detailLimit: f64, requested: f64): void {
  out.outcome = LimitOutcome.REJECT;
  out.reason = reason;
  out.hasLimit = true;
  out.limit = headerLimit;
  out.details = "{\"reason\":\"" + reason + "\",\"limit\":" + numberToLuaString(detailLimit) +
    ",\"requested\":" + numberToLuaString(requested) + "}";
}

/**
 * Adds `amount` tokens back to the bucket under `key` after refilling it to `nowSeconds`, capped at
 * `burst` (spec 8.3 step 4 and reconciliation). A missing or malformed bucket is a full one: nothing to
 * do. Returns false when the store failed.
 */
export function refundBucket(store: CounterStore, key: string, amount: f64, rate: f64, burst: f64, nowSeconds: f64): bool {
  if (!(amount > 0)) return true;
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const status = store.read(key);
    if (status == StoreStatus.NOT_FOUND) return true;
    if (status != StoreStatus.OK) return false;
    const cas = store.cas;
    if (!bucket.decode(store.value)) return true;
    const elapsed = max(0.0, nowSeconds - bucket.lastRefill);
    const refilled = min(bucket.tokens + elapsed * rate, burst);
    bucket.tokens = min(refilled + amount, burst);
    bucket.lastRefill = max(bucket.lastRefill, nowSeconds);
    const written = store.write(key, bucket.encode(), cas);
    if (written == StoreStatus.OK) return true;
    if (written != StoreStatus.CAS_MISMATCH) return false;
  }
  return false;
}

/**
 * Reconciliation (spec 8.3): actual = prompt + completion; refunds max(0, reserved - actual) to the TPM
 * bucket and, while the reservation's TPD key is still today's, to the TPD counter (floor 0). A negative
 * or NaN usage refunds nothing. Returns the amount refunded (0 when there was nothing to refund).
 * Exactly-once is the caller's job: each call refunds again.
 */
export function reconcileReservation(r: Reservation, promptTokens: f64, completionTokens: f64, nowSeconds: f64, store: CounterStore): f64 {
  if (!(promptTokens >= 0) || !(completionTokens >= 0)) return 0;
  const actual = promptTokens + completionTokens;
  const unused = r.reserved - actual;
  if (!(unused > 0)) return 0;
  refundBucket(store, r.tpmKey, unused, r.tpmRatePerSecond, r.tpmBurst, nowSeconds);
  const tpdKey = r.tpdKey;
  if (tpdKey.length > 0 && tpdKey.endsWith(":" + utcDayStamp(nowSeconds))) {
    addToCounter(store, tpdKey, -unused, Infinity, nextUtcMidnight(nowSeconds), nowSeconds, update);
  }
  return unused;
}
