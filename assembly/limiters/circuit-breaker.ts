// Circuit breaker (spec 8.6): trips when a policy's spend rate per minute reaches
// `spend_rate_threshold_per_minute`, then rejects until `auto_reset_after_minutes` have passed (0 = stays
// open, project decision 5). `key` is `cb:<policy id>[:<first key value>]` (`shadow:` first in shadow):
//   state  `cb_state:<key>`               PairState(opened_at, 1 = open / 0 = closed)
//   rate   `cb_rate:<key>:<window_start>` windowed counter, window = the UTC minute, kept 120 s
//
//   open and not due for reset                  -> REJECT circuit_breaker_open (nothing counted)
//   open and due (now - opened_at)/60 >= reset  -> state closed, continue
//   current  = add cost to this minute's spend (a rejected request still counts: spec 8.6)
//   previous = last minute's spend
//   rate = previous * (1 - (now - window_start)/60) + current      (sliding estimate)
//   rate >= threshold -> state open at now, REJECT (the tripping request itself is rejected)
// Shared data has no delete, so a reset writes the closed state instead of removing the key. Store
// failures fail open (spec 8.6: "fail-open on error").

import { CircuitBreakerConfig } from "../policy/model";
import { CounterStore, MAX_CAS_ATTEMPTS, StoreStatus } from "../engine/counter-store";
import { LimitOutcome, LimitResult } from "./limit-result";
import { PairState } from "./pair-state";
import { addToCounter, CounterUpdate, readCounter } from "./windowed-counter";

export const REASON_CIRCUIT_BREAKER_OPEN = "circuit_breaker_open";

const MINUTE: f64 = 60;
/** A rate window is read during its own minute and the next one. */
const RATE_WINDOW_LIFETIME: f64 = 120;
const STATE_OPEN: f64 = 1;
const STATE_CLOSED: f64 = 0;

const state = new PairState();
const update = new CounterUpdate();

export function breakerStateKey(key: string): string {
  return "cb_state:" + key;
}

export function breakerRateKey(key: string, windowStart: f64): string {
  return "cb_rate:" + key + ":" + i64(windowStart).toString();
}

/** Start of the UTC minute containing `nowSeconds`. */
export function breakerWindow(nowSeconds: f64): f64 {
  return Math.floor(nowSeconds / MINUTE) * MINUTE;
}

export function checkCircuitBreaker(
  config: CircuitBreakerConfig,
  store: CounterStore,
  key: string,
  nowSeconds: f64,
  cost: f64,
  out: LimitResult,
): void {
  out.clear();
  if (!(cost > 0)) cost = 1;
  const stateKey = breakerStateKey(key);
  const status = store.read(stateKey);
  if (status != StoreStatus.OK && status != StoreStatus.NOT_FOUND) {
    out.outcome = LimitOutcome.FAIL_OPEN;
    return;
  }
  if (status == StoreStatus.OK && state.decode(store.value) && state.second == STATE_OPEN) {
    const openedAt = state.first;
    const reset = config.autoResetAfterMinutes;
    if (reset > 0 && (nowSeconds - openedAt) / MINUTE >= reset) {
      out.casRetries += writeState(store, stateKey, openedAt, STATE_CLOSED);
    } else {
      tripped(out);
      return;
    }
  }

  const window = breakerWindow(nowSeconds);
  addToCounter(store, breakerRateKey(key, window), cost, Infinity, window + RATE_WINDOW_LIFETIME, nowSeconds, update);
  out.casRetries += update.casRetries;
  if (update.failed) {
    out.outcome = LimitOutcome.FAIL_OPEN;
    return;
  }
  let previous = readCounter(store, breakerRateKey(key, window - MINUTE), nowSeconds);
  if (isNaN(previous)) previous = 0;
  const rate = previous * (1 - (nowSeconds - window) / MINUTE) + update.value;
  if (rate >= config.spendRateThresholdPerMinute) {
    out.casRetries += writeState(store, stateKey, nowSeconds, STATE_OPEN);
    tripped(out);
    return;
  }
  out.outcome = LimitOutcome.ALLOW;
}

/**
 * Adds `amount` (signed; a window never goes below 0) to the current minute's spend of breaker `key`:
 * the post-response correction of Engine.recordSpend. Returns false when the store failed.
 */
export function recordBreakerSpend(store: CounterStore, key: string, amount: f64, nowSeconds: f64): bool {
  if (!isFinite(amount) || amount == 0) return true;
  const window = breakerWindow(nowSeconds);
  addToCounter(store, breakerRateKey(key, window), amount, Infinity, window + RATE_WINDOW_LIFETIME, nowSeconds, update);
  return !update.failed;
}

function tripped(out: LimitResult): void {
  out.outcome = LimitOutcome.REJECT;
  out.reason = REASON_CIRCUIT_BREAKER_OPEN;
}

/** Writes the breaker state under CAS; returns the CAS retries it took (failures leave it as it was). */
function writeState(store: CounterStore, key: string, openedAt: f64, open: f64): i32 {
  let retries = 0;
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const status = store.read(key);
    if (status != StoreStatus.OK && status != StoreStatus.NOT_FOUND) return retries;
    const written = store.write(key, PairState.of(openedAt, open), store.cas);
    if (written != StoreStatus.CAS_MISMATCH) return retries;
    retries++;
  }
  return retries;
}
