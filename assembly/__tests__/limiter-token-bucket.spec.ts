// Proves limiters/token-bucket.ts against spec 8.1: refill, persisted refill on reject, retry_after,
// cost > burst, cost <= 0, malformed stored values, a clock going backwards, and the CAS protocol of
// engine/counter-store.ts (retry on mismatch, fail open when unavailable or out of retries).
import { MAX_CAS_ATTEMPTS } from "../engine/counter-store";
import { BucketState } from "../limiters/bucket-state";
import { LimitOutcome, LimitResult } from "../limiters/limit-result";
import { checkTokenBucket } from "../limiters/token-bucket";
import { tokenBucket } from "./helpers/bundles";
import { MapStore } from "./helpers/map-store";

const KEY = "tb:r:acme";

function stored(store: MapStore): BucketState {
  const s = new BucketState();
  s.decode(store.raw(KEY));
  return s;
}

describe("token bucket: consume and refill", () => {
  it("starts full and takes one token", () => {
    const store = new MapStore();
    const out = new LimitResult();
    checkTokenBucket(tokenBucket(1, 2), store, KEY, 1000, 1, out);
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    expect(out.limit).toBe(2);
    expect(out.remaining).toBe(1);
    expect(out.hasRetryAfter).toBe(false);
    expect(stored(store).tokens).toBe(1);
    expect(stored(store).lastRefill).toBe(1000);
  });
  it("rejects when empty with retry_after = ceil((cost - tokens)/rate)", () => {
    const store = new MapStore();
    const out = new LimitResult();
    const c = tokenBucket(1, 2);
    checkTokenBucket(c, store, KEY, 1000, 1, out);
    checkTokenBucket(c, store, KEY, 1000, 1, out);
    expect(out.remaining).toBe(0);
    checkTokenBucket(c, store, KEY, 1000.25, 1, out);
    expect(out.outcome).toBe(LimitOutcome.REJECT);
    expect(out.remaining).toBe(0);
    expect(out.limit).toBe(2);
    expect(out.retryAfter).toBe(1); // ceil(0.75 / 1)
  });
  it("persists the refill on reject", () => {
    const store = new MapStore();
    const out = new LimitResult();
    const c = tokenBucket(0.5, 4);
    checkTokenBucket(c, store, KEY, 100, 4, out); // 4 → 0
    checkTokenBucket(c, store, KEY, 102, 3, out); // refill 1 token, need 3 → reject
    expect(out.outcome).toBe(LimitOutcome.REJECT);
    expect(out.retryAfter).toBe(4); // ceil((3 - 1) / 0.5)
    expect(stored(store).tokens).toBe(1);
    expect(stored(store).lastRefill).toBe(102);
    checkTokenBucket(c, store, KEY, 104, 2, out); // 1 + 1 = 2 → allow, 0 left
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    expect(out.remaining).toBe(0);
  });
  it("caps refill at burst and floors remaining", () => {
    const store = new MapStore();
    const out = new LimitResult();
    const c = tokenBucket(2, 5);
    checkTokenBucket(c, store, KEY, 10, 1.5, out);
    expect(out.remaining).toBe(3); // floor(3.5)
    checkTokenBucket(c, store, KEY, 1000, 1, out);
    expect(out.remaining).toBe(4); // min(3.5 + 1980, 5) - 1
  });
  it("a cost above burst never passes: retry_after = ceil((cost - burst)/rate)", () => {
    const store = new MapStore();
    const out = new LimitResult();
    checkTokenBucket(tokenBucket(2, 5), store, KEY, 10, 12, out);
    expect(out.outcome).toBe(LimitOutcome.REJECT);
    expect(out.retryAfter).toBe(4); // ceil(7 / 2)
    checkTokenBucket(tokenBucket(2, 5), store, KEY, 10000, 12, out);
    expect(out.outcome).toBe(LimitOutcome.REJECT);
  });
  it("treats cost <= 0 (and NaN) as 1", () => {
    const store = new MapStore();
    const out = new LimitResult();
    checkTokenBucket(tokenBucket(1, 3), store, KEY, 10, 0, out);
    expect(out.remaining).toBe(2);
    checkTokenBucket(tokenBucket(1, 3), store, KEY, 10, -5, out);
    expect(out.remaining).toBe(1);
    checkTokenBucket(tokenBucket(1, 3), store, KEY, 10, NaN, out);
    expect(out.remaining).toBe(0);
  });
  it("counts a clock going backwards as no elapsed time", () => {
    const store = new MapStore();
    const out = new LimitResult();
    const c = tokenBucket(1, 2);
    checkTokenBucket(c, store, KEY, 500, 2, out); // empty at t=500
    checkTokenBucket(c, store, KEY, 400, 1, out); // 100 s in the past: no refill
    expect(out.outcome).toBe(LimitOutcome.REJECT);
    expect(out.retryAfter).toBe(1);
    expect(stored(store).lastRefill).toBe(400);
  });
  it("treats a malformed stored value as a fresh bucket", () => {
    const ms = new MapStore();
    ms.put(KEY, String.UTF8.encode("1.000000:99.000000"));
    const out = new LimitResult();
    checkTokenBucket(tokenBucket(1, 3), ms, KEY, 10, 1, out);
    expect(out.remaining).toBe(2);
    const nan = new ArrayBuffer(16);
    store<f64>(changetype<usize>(nan), NaN);
    ms.put(KEY, nan);
    checkTokenBucket(tokenBucket(1, 3), ms, KEY, 10, 1, out);
    expect(out.remaining).toBe(2);
  });
  it("stores 16 bytes: f64 tokens then f64 last_refill", () => {
    const store = new MapStore();
    const out = new LimitResult();
    checkTokenBucket(tokenBucket(1, 3), store, KEY, 1700000000.5, 1, out);
    const raw = store.raw(KEY);
    expect(raw.byteLength).toBe(16);
    expect(load<f64>(changetype<usize>(raw))).toBe(2);
    expect(load<f64>(changetype<usize>(raw), 8)).toBe(1700000000.5);
  });
});

describe("token bucket: store protocol", () => {
  it("creates with cas 0 and updates with the read cas", () => {
    const store = new MapStore();
    const out = new LimitResult();
    checkTokenBucket(tokenBucket(1, 3), store, KEY, 10, 1, out);
    checkTokenBucket(tokenBucket(1, 3), store, KEY, 10, 1, out);
    expect(store.reads).toBe(2);
    expect(store.writes).toBe(2);
    expect(store.mismatches).toBe(0);
    expect(out.casRetries).toBe(0);
  });
  it("retries on CAS mismatch and then succeeds", () => {
    const store = new MapStore();
    const out = new LimitResult();
    checkTokenBucket(tokenBucket(1, 3), store, KEY, 10, 1, out);
    store.pendingMismatches = 3;
    checkTokenBucket(tokenBucket(1, 3), store, KEY, 10, 1, out);
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    expect(out.casRetries).toBe(3);
    expect(out.remaining).toBe(1); // consumed exactly once
    expect(store.reads).toBe(5);
    expect(stored(store).tokens).toBe(1);
  });
  it("fails open after MAX_CAS_ATTEMPTS mismatches", () => {
    const store = new MapStore();
    const out = new LimitResult();
    checkTokenBucket(tokenBucket(1, 3), store, KEY, 10, 1, out);
    store.pendingMismatches = 1000;
    checkTokenBucket(tokenBucket(1, 3), store, KEY, 10, 1, out);
    expect(out.outcome).toBe(LimitOutcome.FAIL_OPEN);
    expect(out.casRetries).toBe(MAX_CAS_ATTEMPTS);
    expect(stored(store).tokens).toBe(2); // untouched
  });
  it("fails open when the store is unavailable", () => {
    const store = new MapStore();
    store.unavailable = true;
    const out = new LimitResult();
    checkTokenBucket(tokenBucket(1, 3), store, KEY, 10, 1, out);
    expect(out.outcome).toBe(LimitOutcome.FAIL_OPEN);
    expect(out.hasLimit).toBe(false);
  });
});
