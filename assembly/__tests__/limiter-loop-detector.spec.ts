// Proves limiters/loop-detector.ts against spec 8.5: a fixed window from the first identical request,
// the count stored with its window start (shared data has no TTL), detection at count >= threshold with
// retry_after = window_seconds, a stale window restarting at 1, CAS retries and failing open.
import { MAX_CAS_ATTEMPTS } from "../engine/counter-store";
import { LimitOutcome, LimitResult } from "../limiters/limit-result";
import { checkLoop, loopKeyOf } from "../limiters/loop-detector";
import { PairState } from "../limiters/pair-state";
import { loopDetection } from "./helpers/bundles";
import { MapStore } from "./helpers/map-store";

const KEY = "loop:123";
const T0: f64 = 1800000000;
const out = new LimitResult();

describe("loop detector", () => {
  it("names keys loop:<fp> and loop:shadow:<fp>", () => {
    expect(loopKeyOf(3421780262, false)).toBe("loop:3421780262");
    expect(loopKeyOf(7, true)).toBe("loop:shadow:7");
  });
  it("counts identical requests and detects at the threshold", () => {
    const store = new MapStore();
    const c = loopDetection(10, 3);
    checkLoop(c, store, KEY, T0, out);
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    expect(out.count).toBe(1);
    checkLoop(c, store, KEY, T0 + 1, out);
    expect(out.count).toBe(2);
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    checkLoop(c, store, KEY, T0 + 2, out);
    expect(out.count).toBe(3);
    expect(out.outcome).toBe(LimitOutcome.REJECT);
    expect(out.reason).toBe("loop_detected");
    expect(out.retryAfter).toBe(10);
    checkLoop(c, store, KEY, T0 + 3, out);
    expect(out.count).toBe(4);
    expect(out.outcome).toBe(LimitOutcome.REJECT);
  });
  it("the window is fixed from the first request: it does not slide with later ones", () => {
    const store = new MapStore();
    const c = loopDetection(10, 3);
    checkLoop(c, store, KEY, T0, out);
    checkLoop(c, store, KEY, T0 + 9.9, out);
    expect(out.count).toBe(2);
    checkLoop(c, store, KEY, T0 + 10, out); // the first request's window is over
    expect(out.count).toBe(1);
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    const s = new PairState();
    s.decode(store.raw(KEY));
    expect(s.first).toBe(T0 + 10);
    expect(s.second).toBe(1);
  });
  it("a malformed stored value restarts the window", () => {
    const store = new MapStore();
    store.put(KEY, new ArrayBuffer(5));
    checkLoop(loopDetection(10, 2), store, KEY, T0, out);
    expect(out.count).toBe(1);
  });
  it("retries on CAS mismatch without losing a count", () => {
    const store = new MapStore();
    const c = loopDetection(10, 5);
    checkLoop(c, store, KEY, T0, out);
    store.pendingMismatches = 2;
    checkLoop(c, store, KEY, T0, out);
    expect(out.count).toBe(2);
    expect(out.casRetries).toBe(2);
  });
  it("fails open when the store is unavailable or retries run out", () => {
    const store = new MapStore();
    store.unavailable = true;
    checkLoop(loopDetection(10, 2), store, KEY, T0, out);
    expect(out.outcome).toBe(LimitOutcome.FAIL_OPEN);
    const busy = new MapStore();
    checkLoop(loopDetection(10, 2), busy, KEY, T0, out);
    busy.pendingMismatches = MAX_CAS_ATTEMPTS;
    checkLoop(loopDetection(10, 2), busy, KEY, T0, out);
    expect(out.outcome).toBe(LimitOutcome.FAIL_OPEN);
  });
});
