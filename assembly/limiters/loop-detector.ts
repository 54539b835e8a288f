// Loop detection (spec 8.5): count identical requests (same fingerprint, engine/loop-fingerprint.ts) in a
// fixed window that starts at the first of them. The reference increments `loop:<fp>` with a TTL set only
// at creation; shared data has no TTL (DESIGN.md section 2), so the window start is stored with the count
// (PairState: window_start, count) and a request after the window restarts it at 1. The counter is
// `loop:<fp>`, `loop:shadow:<fp>` in shadow (spec 5.4).
// Outcome: REJECT ("detected") once count >= threshold_identical_requests, with the reject reason
// `loop_detected` and retry_after = window_seconds; ALLOW below it; FAIL_OPEN when the store fails.
// `count` is set in both cases. What a detection does (reject, throttle, warn) is the engine's business.

import { LoopDetectionConfig } from "../policy/model";
import { CounterStore, MAX_CAS_ATTEMPTS, StoreStatus } from "../engine/counter-store";
import { LimitOutcome, LimitResult } from "./limit-result";
import { PairState } from "./pair-state";

export const REASON_LOOP_DETECTED = "loop_detected";

const state = new PairState();

/** `loop:<fp>` or `loop:shadow:<fp>`. */
export function loopKeyOf(fingerprint: u32, shadow: bool): string {
  return (shadow ? "loop:shadow:" : "loop:") + fingerprint.toString();
}

export function checkLoop(config: LoopDetectionConfig, store: CounterStore, key: string, nowSeconds: f64, out: LimitResult): void {
  out.clear();
  const window = f64(config.windowSeconds);
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const status = store.read(key);
    let cas: u32 = 0;
    let start = nowSeconds;
    let count: f64 = 1;
    if (status == StoreStatus.OK) {
      cas = store.cas;
      // Still inside the window of the first identical request (a clock going backwards stays inside).
      if (state.decode(store.value) && nowSeconds - state.first < window && state.second >= 0) {
        start = state.first;
        count = state.second + 1;
      }
    } else if (status != StoreStatus.NOT_FOUND) {
      out.outcome = LimitOutcome.FAIL_OPEN;
      return;
    }
    const written = store.write(key, PairState.of(start, count), cas);
    if (written == StoreStatus.CAS_MISMATCH) {
      out.casRetries++;
      continue;
    }
    if (written != StoreStatus.OK) {
      out.outcome = LimitOutcome.FAIL_OPEN;
      return;
    }
    out.count = count;
    if (count >= f64(config.thresholdIdenticalRequests)) {
      out.outcome = LimitOutcome.REJECT;
      out.reason = REASON_LOOP_DETECTED;
      out.hasRetryAfter = true;
      out.retryAfter = window;
    } else {
      out.outcome = LimitOutcome.ALLOW;
    }
    return;
  }
  out.outcome = LimitOutcome.FAIL_OPEN;
}
