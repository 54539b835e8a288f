// Proves limiters/cost-budget.ts against spec 8.2 and project decision 15: window starts of 5m, 1h, 1d
// and 7d (Monday 00:00 UTC), the key per window, retry_after to the window end, staged actions (exactly
// 100% is not over; a reject stage below "over" falls back to the highest non-reject stage), the
// rejected request not being charged, cost <= 0, the stored expiry, CAS retries and failing open.
import { MAX_CAS_ATTEMPTS } from "../engine/counter-store";
import { StageAction } from "../policy/model";
import { checkCostBudget, costPeriodStart } from "../limiters/cost-budget";
import { LimitOutcome, LimitResult, LimitStage } from "../limiters/limit-result";
import { PairState } from "../limiters/pair-state";
import { costBased, P1D, P1H, P5M, P7D, stage, warnThrottleReject } from "./helpers/bundles";
import { MapStore } from "./helpers/map-store";

const KEY = "cb:r:acme";
const out = new LimitResult();

function usage(store: MapStore, key: string): f64 {
  const s = new PairState();
  return s.decode(store.raw(key)) ? s.first : -1;
}

describe("cost_based windows", () => {
  it("5m, 1h and 1d start at multiples of their length (UTC)", () => {
    expect(costPeriodStart(P5M, 1800000123)).toBe(1800000000);
    expect(costPeriodStart(P5M, 1800003599)).toBe(1800003300);
    expect(costPeriodStart(P1H, 1800003599)).toBe(1800000000);
    expect(costPeriodStart(P1D, 1800000123)).toBe(1799971200);
    expect(costPeriodStart(P1D, 1767571199.9)).toBe(1767484800);
  });
  it("7d starts on Monday 00:00 UTC (decision 15), not Sunday", () => {
    // 2026-01-05 is a Monday; 2026-01-04 (Sunday) belongs to the week of Monday 2025-12-29.
    expect(costPeriodStart(P7D, 1767571200)).toBe(1767571200);
    expect(costPeriodStart(P7D, 1767571199)).toBe(1766966400);
    expect(costPeriodStart(P7D, 1767484800)).toBe(1766966400);
    expect(costPeriodStart(P7D, 1767571200 + 604799)).toBe(1767571200);
    // Epoch day 0 was a Thursday: the first Monday is 1970-01-05 (345600), the week before starts 1969-12-29.
    expect(costPeriodStart(P7D, 345600)).toBe(345600);
    expect(costPeriodStart(P7D, 0)).toBe(-259200);
  });
  it("a new 7d window starts at 0 on Monday 00:00 UTC", () => {
    const store = new MapStore();
    const c = costBased(1, P7D);
    checkCostBudget(c, store, KEY, 1767571199, 1, out); // Sunday 23:59:59
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    checkCostBudget(c, store, KEY, 1767571199.5, 1, out);
    expect(out.outcome).toBe(LimitOutcome.REJECT);
    expect(out.retryAfter).toBe(1); // ceil(0.5)
    checkCostBudget(c, store, KEY, 1767571200, 1, out); // Monday 00:00:00
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    expect(store.keys().join(",")).toBe("cb:r:acme:1766966400,cb:r:acme:1767571200");
  });
  it("a 5m window ends at its boundary: keys per window, retry_after to the end", () => {
    const store = new MapStore();
    const c = costBased(2, P5M);
    checkCostBudget(c, store, KEY, 1800000010.5, 1, out);
    checkCostBudget(c, store, KEY, 1800000011, 1, out);
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    checkCostBudget(c, store, KEY, 1800000010.5, 1, out);
    expect(out.outcome).toBe(LimitOutcome.REJECT);
    expect(out.reason).toBe("budget_exceeded");
    expect(out.hasRetryAfter).toBe(true);
    expect(out.retryAfter).toBe(290); // ceil(1800000300 - 1800000010.5)
    expect(out.hasLimit).toBe(false);
    expect(out.hasRemaining).toBe(false);
    checkCostBudget(c, store, KEY, 1800000300, 1, out);
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    expect(usage(store, KEY + ":1800000000")).toBe(2);
    expect(usage(store, KEY + ":1800000300")).toBe(1);
  });
  it("1h and 1d windows roll over at their boundaries", () => {
    const store = new MapStore();
    checkCostBudget(costBased(1, P1H), store, KEY, 1800003599, 1, out);
    checkCostBudget(costBased(1, P1H), store, KEY, 1800003599, 1, out);
    expect(out.outcome).toBe(LimitOutcome.REJECT);
    expect(out.retryAfter).toBe(1);
    checkCostBudget(costBased(1, P1H), store, KEY, 1800003600, 1, out);
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    const day = new MapStore();
    checkCostBudget(costBased(1, P1D), day, KEY, 1767571199, 1, out);
    checkCostBudget(costBased(1, P1D), day, KEY, 1767571100, 1, out);
    expect(out.outcome).toBe(LimitOutcome.REJECT);
    expect(out.retryAfter).toBe(100);
    checkCostBudget(costBased(1, P1D), day, KEY, 1767571200, 1, out);
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
  });
  it("stores the window end with the usage, so dead keys can be swept (no TTL in shared data)", () => {
    const store = new MapStore();
    checkCostBudget(costBased(5, P5M), store, KEY, 1800000123, 3, out);
    const s = new PairState();
    expect(s.decode(store.raw(KEY + ":1800000000"))).toBe(true);
    expect(s.first).toBe(3);
    expect(s.second).toBe(1800000300);
  });
});

describe("cost_based stages", () => {
  it("spec example: budget 1, 80/95/100: the first request (exactly 100%) is throttled, the second rejected", () => {
    const store = new MapStore();
    const c = costBased(1, P1H, warnThrottleReject(200));
    checkCostBudget(c, store, KEY, 1800000000, 1, out);
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    expect(out.stage).toBe(LimitStage.THROTTLE);
    expect(out.delayMs).toBe(200);
    checkCostBudget(c, store, KEY, 1800000000, 1, out);
    expect(out.outcome).toBe(LimitOutcome.REJECT);
    expect(out.reason).toBe("budget_exceeded");
    expect(out.retryAfter).toBe(3600);
  });
  it("walks the stages: none below 80%, warn from 80%, throttle from 95%, reject over 100%", () => {
    const store = new MapStore();
    const c = costBased(100, P1H, warnThrottleReject(250));
    checkCostBudget(c, store, KEY, 1800000000, 79, out);
    expect(out.stage).toBe(LimitStage.NONE);
    checkCostBudget(c, store, KEY, 1800000000, 1, out); // 80
    expect(out.stage).toBe(LimitStage.WARN);
    checkCostBudget(c, store, KEY, 1800000000, 14, out); // 94
    expect(out.stage).toBe(LimitStage.WARN);
    checkCostBudget(c, store, KEY, 1800000000, 1, out); // 95
    expect(out.stage).toBe(LimitStage.THROTTLE);
    expect(out.delayMs).toBe(250);
    checkCostBudget(c, store, KEY, 1800000000, 5, out); // 100: not over
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    expect(out.stage).toBe(LimitStage.THROTTLE);
    checkCostBudget(c, store, KEY, 1800000000, 0.5, out); // 100.5: over
    expect(out.outcome).toBe(LimitOutcome.REJECT);
  });
  it("with only reject at 100, exactly 100% allows without a stage", () => {
    const store = new MapStore();
    checkCostBudget(costBased(2, P1H), store, KEY, 1800000000, 2, out);
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    expect(out.stage).toBe(LimitStage.NONE);
  });
  it("a reject stage below 100 falls back to the highest non-reject stage under it", () => {
    const store = new MapStore();
    const c = costBased(100, P1H, [
      stage(50, StageAction.WARN), stage(90, StageAction.REJECT), stage(100, StageAction.REJECT),
    ]);
    checkCostBudget(c, store, KEY, 1800000000, 92, out);
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    expect(out.stage).toBe(LimitStage.WARN);
  });
});

describe("cost_based charging", () => {
  it("does not charge a rejected request", () => {
    const store = new MapStore();
    const c = costBased(10, P1H);
    checkCostBudget(c, store, KEY, 1800000000, 6, out);
    checkCostBudget(c, store, KEY, 1800000000, 6, out);
    expect(out.outcome).toBe(LimitOutcome.REJECT);
    expect(usage(store, KEY + ":1800000000")).toBe(6);
    checkCostBudget(c, store, KEY, 1800000000, 4, out);
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    expect(usage(store, KEY + ":1800000000")).toBe(10);
  });
  it("rejects a single request costing more than the budget and stores nothing", () => {
    const store = new MapStore();
    checkCostBudget(costBased(10, P1H), store, KEY, 1800000000, 11, out);
    expect(out.outcome).toBe(LimitOutcome.REJECT);
    expect(store.size).toBe(0);
  });
  it("a cost <= 0 (or NaN) falls back to default_cost", () => {
    const store = new MapStore();
    const c = costBased(10, P1H);
    c.defaultCost = 3;
    checkCostBudget(c, store, KEY, 1800000000, 0, out);
    checkCostBudget(c, store, KEY, 1800000000, NaN, out);
    expect(usage(store, KEY + ":1800000000")).toBe(6);
  });
  it("a malformed stored value counts as 0", () => {
    const store = new MapStore();
    store.put(KEY + ":1800000000", new ArrayBuffer(3));
    checkCostBudget(costBased(10, P1H), store, KEY, 1800000000, 2, out);
    expect(usage(store, KEY + ":1800000000")).toBe(2);
  });
  it("retries on CAS mismatch and keeps every increment", () => {
    const store = new MapStore();
    const c = costBased(10, P1H);
    checkCostBudget(c, store, KEY, 1800000000, 1, out);
    store.pendingMismatches = 3;
    checkCostBudget(c, store, KEY, 1800000000, 1, out);
    expect(out.outcome).toBe(LimitOutcome.ALLOW);
    expect(out.casRetries).toBe(3);
    expect(usage(store, KEY + ":1800000000")).toBe(2);
  });
  it("fails open when the store is unavailable or retries run out", () => {
    const store = new MapStore();
    store.unavailable = true;
    checkCostBudget(costBased(10, P1H), store, KEY, 1800000000, 1, out);
    expect(out.outcome).toBe(LimitOutcome.FAIL_OPEN);
    const busy = new MapStore();
    checkCostBudget(costBased(10, P1H), busy, KEY, 1800000000, 1, out);
    busy.pendingMismatches = MAX_CAS_ATTEMPTS;
    checkCostBudget(costBased(10, P1H), busy, KEY, 1800000000, 1, out);
    expect(out.outcome).toBe(LimitOutcome.FAIL_OPEN);
  });
});
