// Proves limiters/circuit-breaker.ts against spec 8.6: per-minute spend windows with the sliding
// estimate previous * (1 - elapsed/60) + current, the trip (the tripping request is rejected and its
// cost counted), staying open, auto reset after N minutes (0 = never, decision 5), recorded spend
// corrections (signed, floor 0) and failing open.
import { LimitOutcome, LimitResult } from "../limiters/limit-result";
import { PairState } from "../limiters/pair-state";
import {
  breakerRateKey, breakerStateKey, breakerWindow, checkCircuitBreaker, recordBreakerSpend,
} from "../limiters/circuit-breaker";
import { readCounter } from "../limiters/windowed-counter";
import { circuitBreaker } from "./helpers/bundles";
import { MapStore } from "./helpers/map-store";

const KEY = "cb:p:acme";
const W: f64 = 1800000000; // a minute boundary
const out = new LimitResult();

function spend(store: MapStore, window: f64, now: f64): f64 {
  return readCounter(store, breakerRateKey(KEY, window), now);
}

describe("circuit breaker windows", () => {
  it("names its keys per spec 5.4", () => {
    expect(breakerStateKey(KEY)).toBe("cb_state:cb:p:acme");
    expect(breakerRateKey(KEY, W)).toBe("cb_rate:cb:p:acme:1800000000");
    expect(breakerRateKey("shadow:cb:p", W)).toBe("cb_rate:shadow:cb:p:1800000000");
    expect(breakerWindow(W + 59.9)).toBe(W);
    expect(breakerWindow(W + 60)).toBe(W + 60);
  });
  it("adds each request's cost to the current minute", () => {
    const store = new MapStore();
    const c = circuitBreaker(100);
    checkCircuitBreaker(c, store, KEY, W + 1, 10, out);
    checkCircuitBreaker(c, store, KEY, W + 2, 15, out);
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    expect(spend(store, W, W + 2)).toBe(25);
  });
  it("weights the previous minute by the part of it still inside the sliding minute", () => {
    const store = new MapStore();
    const c = circuitBreaker(100);
    checkCircuitBreaker(c, store, KEY, W + 30, 80, out); // minute W: 80
    // At W + 60 + 45: previous 80 * (1 - 45/60) = 20, current 79 → 99 < 100.
    checkCircuitBreaker(c, store, KEY, W + 105, 79, out);
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    // 80 * (1 - 45/60) + 80 = 100 → trips.
    checkCircuitBreaker(c, store, KEY, W + 105, 1, out);
    expect(out.outcome).toBe(LimitOutcome.REJECT);
    expect(out.reason).toBe("circuit_breaker_open");
  });
  it("forgets a minute once it is two windows old", () => {
    const store = new MapStore();
    const c = circuitBreaker(100);
    checkCircuitBreaker(c, store, KEY, W + 59, 99, out);
    checkCircuitBreaker(c, store, KEY, W + 120, 99, out); // previous window (W + 60) is empty
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
  });
});

describe("circuit breaker trip and reset", () => {
  it("rejects the tripping request, counts its cost, and stays open", () => {
    const store = new MapStore();
    const c = circuitBreaker(10);
    checkCircuitBreaker(c, store, KEY, W, 9, out);
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    checkCircuitBreaker(c, store, KEY, W + 1, 1, out);
    expect(out.outcome).toBe(LimitOutcome.REJECT);
    expect(spend(store, W, W + 1)).toBe(10);
    const s = new PairState();
    expect(s.decode(store.raw(breakerStateKey(KEY)))).toBe(true);
    expect(s.first).toBe(W + 1);
    expect(s.second).toBe(1);
    // Open: rejected without counting, even long after the spend has gone.
    checkCircuitBreaker(c, store, KEY, W + 86400, 1, out);
    expect(out.outcome).toBe(LimitOutcome.REJECT);
    expect(spend(store, W + 86400, W + 86400)).toBe(0);
  });
  it("auto-resets after auto_reset_after_minutes, then counts afresh", () => {
    const store = new MapStore();
    const c = circuitBreaker(10, 5);
    checkCircuitBreaker(c, store, KEY, W, 10, out);
    expect(out.outcome).toBe(LimitOutcome.REJECT);
    checkCircuitBreaker(c, store, KEY, W + 299, 1, out);
    expect(out.outcome).toBe(LimitOutcome.REJECT);
    checkCircuitBreaker(c, store, KEY, W + 300, 1, out);
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    const s = new PairState();
    s.decode(store.raw(breakerStateKey(KEY)));
    expect(s.second).toBe(0);
  });
  it("a malformed state counts as closed", () => {
    const store = new MapStore();
    store.put(breakerStateKey(KEY), new ArrayBuffer(1));
    checkCircuitBreaker(circuitBreaker(10), store, KEY, W, 1, out);
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
  });
  it("fails open when the store is unavailable", () => {
    const store = new MapStore();
    store.unavailable = true;
    checkCircuitBreaker(circuitBreaker(1), store, KEY, W, 5, out);
    expect(out.outcome).toBe(LimitOutcome.FAIL_OPEN);
  });
});

describe("circuit breaker spend corrections", () => {
  it("adds signed corrections to the current minute, never below 0", () => {
    const store = new MapStore();
    const c = circuitBreaker(100);
    checkCircuitBreaker(c, store, KEY, W, 50, out);
    expect(recordBreakerSpend(store, KEY, 30, W + 1)).toBe(true);
    expect(spend(store, W, W + 1)).toBe(80);
    recordBreakerSpend(store, KEY, -100, W + 2);
    expect(spend(store, W, W + 2)).toBe(0);
    recordBreakerSpend(store, KEY, NaN, W + 2);
    expect(spend(store, W, W + 2)).toBe(0);
  });
  it("a correction can make the next request trip", () => {
    const store = new MapStore();
    const c = circuitBreaker(100);
    checkCircuitBreaker(c, store, KEY, W, 10, out);
    recordBreakerSpend(store, KEY, 89, W + 1);
    checkCircuitBreaker(c, store, KEY, W + 2, 1, out);
    expect(out.outcome).toBe(LimitOutcome.REJECT);
  });
});
