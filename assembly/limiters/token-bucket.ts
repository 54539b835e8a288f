// `token_bucket` (spec 8.1): refill by elapsed time, take `cost` tokens, persist the refill even on a
// reject. Store protocol (assembly/engine/counter-store.ts): read → compute → write with the CAS token
// from the read (0 when NOT_FOUND), retried on CAS_MISMATCH up to MAX_CAS_ATTEMPTS; an unavailable
// store or exhausted retries fail open.

import { TokenBucketConfig } from "../policy/model";
import { CounterStore, MAX_CAS_ATTEMPTS, StoreStatus } from "../engine/counter-store";
import { BucketState } from "./bucket-state";
import { LimitOutcome, LimitResult } from "./limit-result";

const scratchState = new BucketState();

/**
 * Checks `cost` against the bucket stored under `key` at time `nowSeconds` (epoch seconds).
 * Fills `out`: ALLOW (limit = burst, remaining = floor(tokens)), REJECT (limit = burst, remaining = 0,
 * retry_after) or FAIL_OPEN.
 */
export function checkTokenBucket(
  config: TokenBucketConfig,
  store: CounterStore,
  key: string,
  nowSeconds: f64,
  cost: f64,
  out: LimitResult,
): void {
  out.clear();
  if (!(cost > 0)) cost = 1; // spec 8.1: cost <= 0 becomes 1 (NaN too)
  const rate = config.tokensPerSecond;
  const burst = config.burst;
  const state = scratchState;

  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const readStatus = store.read(key);
    let cas: u32 = 0;
    if (readStatus == StoreStatus.OK) {
      cas = store.cas;
      if (!state.decode(store.value)) {
        state.tokens = burst;
        state.lastRefill = nowSeconds;
      }
    } else if (readStatus == StoreStatus.NOT_FOUND) {
      state.tokens = burst;
      state.lastRefill = nowSeconds;
    } else {
      out.outcome = LimitOutcome.FAIL_OPEN;
      return;
    }

    // Clock going backwards counts as no elapsed time.
    const elapsed = max(0.0, nowSeconds - state.lastRefill);
    let tokens = min(state.tokens + elapsed * rate, burst);
    const allowed = tokens >= cost;
    if (allowed) tokens -= cost;
    state.tokens = tokens;
    state.lastRefill = nowSeconds;

    const writeStatus = store.write(key, state.encode(), cas);
    if (writeStatus == StoreStatus.CAS_MISMATCH) {
      out.casRetries++;
      continue;
    }
    if (writeStatus != StoreStatus.OK) {
      out.outcome = LimitOutcome.FAIL_OPEN;
      return;
    }

    out.hasLimit = true;
    out.limit = burst;
    out.hasRemaining = true;
    if (allowed) {
      out.outcome = LimitOutcome.ALLOW;
      out.remaining = Math.floor(tokens);
    } else {
      // retry_after = max(1, ceil((cost - tokens) / rate)); for cost > burst this is
      // ceil((cost - burst) / rate) once the bucket is full.
      out.outcome = LimitOutcome.REJECT;
      out.remaining = 0;
      out.hasRetryAfter = true;
      out.retryAfter = max(1.0, Math.ceil((cost - tokens) / rate));
    }
    return;
  }
  out.outcome = LimitOutcome.FAIL_OPEN;
}
