// Proves the engine side of cost_based (spec 8.2, 7 step 5.6 and 6, 9.3): allow headers (only the
// `r=0;t=1` quirk), reject headers (raw reset, capped jittered Retry-After, no limit/remaining), the
// staged actions as pending warn/throttle (throttle beats warn, a later throttle replaces an earlier one,
// a reject beats both, delays capped at 30 s), cost_key header/query, and shadow (no trace for clients).
import { Engine, EngineOptions } from "../engine/engine";
import { Action, Decision } from "../engine/decision";
import { jitteredRetryAfter, jitterIdentityHash, jitterSeed } from "../engine/jitter";
import { CostSource, Policy, Rule, StageAction } from "../policy/model";
import {
  bundleOf, cbRule, costBased, headerNames, headerOf, ns, P1H, P5M, prefixPolicy, stage, warnThrottleReject,
  withCostKey,
} from "./helpers/bundles";
import { FakeRequest } from "./helpers/fake-request";
import { MapStore } from "./helpers/map-store";

const NOW: f64 = 1800000000; // a 5m and 1h boundary
const out = new Decision();

function engineOf(policies: Policy[]): Engine {
  return new Engine(bundleOf(policies), new EngineOptions());
}

function req(): FakeRequest {
  return new FakeRequest("POST", "/v1/x").with("x-api-key", "k1");
}

function budgetPolicy(id: string, rule: Rule): Policy {
  return prefixPolicy(id, "/v1/", [rule]);
}

describe("cost_based headers", () => {
  it("an allow carries only RateLimit: \"<policy>\";r=0;t=1", () => {
    const engine = engineOf([budgetPolicy("cbp", cbRule("r", costBased(5, P5M), ["header:x-api-key"]))]);
    const store = new MapStore();
    engine.evaluate(req(), ns(NOW), store, out);
    expect(out.action).toBe(Action.ALLOW);
    expect(out.reason).toBe("all_rules_passed");
    expect(headerNames(out.headers)).toBe("RateLimit");
    expect(headerOf(out.headers, "RateLimit")).toBe("\"cbp\";r=0;t=1");
    expect(store.keys().join(",")).toBe("cb:r:k1:1800000000");
  });
  it("a reject: raw reset, t=<raw>, capped jittered Retry-After, no limit/remaining", () => {
    const engine = engineOf([budgetPolicy("cbp", cbRule("r", costBased(1, P5M), ["header:x-api-key"]))]);
    const store = new MapStore();
    engine.evaluate(req(), ns(NOW + 10.5), store, out);
    engine.evaluate(req(), ns(NOW + 10.5), store, out);
    expect(out.action).toBe(Action.REJECT);
    expect(out.status).toBe(429);
    expect(out.reason).toBe("budget_exceeded");
    expect(out.ruleName).toBe("r");
    expect(headerNames(out.headers)).toBe("Retry-After,RateLimit-Reset,RateLimit,X-Fairvisor-Reason");
    expect(headerOf(out.headers, "RateLimit-Reset")).toBe("290");
    expect(headerOf(out.headers, "RateLimit")).toBe("\"cbp\";r=0;t=290");
    const identity = jitterIdentityHash("", "127.0.0.1", "/v1/x");
    const expected = jitteredRetryAfter(290, jitterSeed("cbp", "r", "budget_exceeded", identity), true);
    expect(out.retryAfter).toBe(i64(expected));
    expect(out.retryAfter >= 145 && out.retryAfter <= 290).toBe(true);
    expect(headerOf(out.headers, "Retry-After")).toBe(out.retryAfter.toString());
    expect(out.errorDetails).toBe("");
  });
});

describe("cost_based staged actions in the pipeline", () => {
  it("spec 8.2 example (budget 1, 80/95/100): throttled at exactly 100%, then rejected", () => {
    const engine = engineOf([budgetPolicy("cbp", cbRule("r", costBased(1, P1H, warnThrottleReject(200)), ["header:x-api-key"]))]);
    const store = new MapStore();
    engine.evaluate(req(), ns(NOW), store, out);
    expect(out.action).toBe(Action.THROTTLE);
    expect(out.status).toBe(200);
    expect(out.reason).toBe("budget_throttle");
    expect(out.delayMs).toBe(200);
    expect(out.policyId).toBe("cbp");
    expect(out.ruleName).toBe("r");
    expect(headerNames(out.headers)).toBe("RateLimit,X-Fairvisor-Warning");
    expect(headerOf(out.headers, "X-Fairvisor-Warning")).toBe("budget_throttle");
    engine.evaluate(req(), ns(NOW), store, out);
    expect(out.action).toBe(Action.REJECT);
    expect(out.reason).toBe("budget_exceeded");
    expect(headerOf(out.headers, "X-Fairvisor-Warning")).toBe("<absent>");
  });
  it("warn: a pending allow with reason budget_warn and the warning header", () => {
    const engine = engineOf([budgetPolicy("cbp", cbRule("r", costBased(10, P1H, warnThrottleReject()), ["header:x-api-key"]))]);
    const store = new MapStore();
    for (let i = 0; i < 7; i++) engine.evaluate(req(), ns(NOW), store, out);
    expect(out.reason).toBe("all_rules_passed");
    engine.evaluate(req(), ns(NOW), store, out); // 80%
    expect(out.action).toBe(Action.ALLOW);
    expect(out.reason).toBe("budget_warn");
    expect(out.delayMs).toBe(0);
    expect(headerOf(out.headers, "X-Fairvisor-Warning")).toBe("budget_warn");
  });
  it("throttle beats warn, whatever the order", () => {
    const warnFirst = engineOf([budgetPolicy("p", cbRule("w", costBased(1, P1H, [stage(50, StageAction.WARN), stage(100, StageAction.REJECT)]))),
      budgetPolicy("q", cbRule("t", costBased(1, P1H, [stage(50, StageAction.THROTTLE, 300), stage(100, StageAction.REJECT)])))]);
    warnFirst.evaluate(req(), ns(NOW), new MapStore(), out);
    expect(out.action).toBe(Action.THROTTLE);
    expect(out.reason).toBe("budget_throttle");
    expect(out.policyId).toBe("q");
    expect(headerOf(out.headers, "X-Fairvisor-Warning")).toBe("budget_throttle");
    const throttleFirst = engineOf([budgetPolicy("p", cbRule("t", costBased(1, P1H, [stage(50, StageAction.THROTTLE, 300), stage(100, StageAction.REJECT)]))),
      budgetPolicy("q", cbRule("w", costBased(1, P1H, [stage(50, StageAction.WARN), stage(100, StageAction.REJECT)])))]);
    throttleFirst.evaluate(req(), ns(NOW), new MapStore(), out);
    expect(out.action).toBe(Action.THROTTLE);
    expect(out.policyId).toBe("p");
    expect(out.delayMs).toBe(300);
    // Headers of the last limiter (policy q), the warning of the pending throttle.
    expect(headerOf(out.headers, "RateLimit")).toBe("\"q\";r=0;t=1");
  });
  it("a later throttle replaces an earlier one; delays are capped at 30000 ms", () => {
    const engine = engineOf([prefixPolicy("p", "/v1/", [
      cbRule("a", costBased(1, P1H, [stage(10, StageAction.THROTTLE, 100), stage(100, StageAction.REJECT)])),
      cbRule("b", costBased(1, P1H, [stage(10, StageAction.THROTTLE, 45000), stage(100, StageAction.REJECT)])),
    ])]);
    engine.evaluate(req(), ns(NOW), new MapStore(), out);
    expect(out.action).toBe(Action.THROTTLE);
    expect(out.ruleName).toBe("b");
    expect(out.delayMs).toBe(30000);
  });
  it("a reject after a pending throttle wins", () => {
    const engine = engineOf([prefixPolicy("p", "/v1/", [
      cbRule("a", costBased(1, P1H, [stage(10, StageAction.THROTTLE, 100), stage(100, StageAction.REJECT)])),
      cbRule("b", costBased(0.5, P1H)),
    ])]);
    engine.evaluate(req(), ns(NOW), new MapStore(), out);
    expect(out.action).toBe(Action.REJECT);
    expect(out.ruleName).toBe("b");
    expect(out.delayMs).toBe(0);
    expect(headerOf(out.headers, "X-Fairvisor-Warning")).toBe("<absent>");
  });
});

describe("cost_based cost_key", () => {
  it("reads the cost from a header (case-insensitive name, decision 8), default when missing", () => {
    const engine = engineOf([budgetPolicy("p", withCostKey(cbRule("r", costBased(100, P1H)), CostSource.HEADER, "X-Cost", 1, 7))]);
    const store = new MapStore();
    engine.evaluate(req().with("x-cost", "30"), ns(NOW), store, out);
    engine.evaluate(req(), ns(NOW), store, out); // default 7
    engine.evaluate(req().with("x-cost", "-4"), ns(NOW), store, out); // <= 0: default 7
    engine.evaluate(req().with("x-cost", "56.5"), ns(NOW), store, out); // 100.5: over
    expect(out.reason).toBe("budget_exceeded");
    engine.evaluate(req().with("x-cost", "56"), ns(NOW), store, out); // exactly 100
    expect(out.action).toBe(Action.ALLOW);
  });
  it("reads the cost from the query string of the path (decision 7)", () => {
    const engine = engineOf([budgetPolicy("p", withCostKey(cbRule("r", costBased(10, P1H)), CostSource.QUERY, "units"))]);
    const store = new MapStore();
    engine.evaluate(new FakeRequest("POST", "/v1/x?units=10"), ns(NOW), store, out);
    expect(out.action).toBe(Action.ALLOW);
    engine.evaluate(new FakeRequest("POST", "/v1/x?units=1"), ns(NOW), store, out);
    expect(out.reason).toBe("budget_exceeded");
    expect(store.keys().join(",")).toBe("cb:r::1800000000");
  });
  it("a fixed cost uses fixed_cost", () => {
    const engine = engineOf([budgetPolicy("p", withCostKey(cbRule("r", costBased(10, P1H)), CostSource.FIXED, "", 4))]);
    const store = new MapStore();
    engine.evaluate(req(), ns(NOW), store, out);
    engine.evaluate(req(), ns(NOW), store, out);
    engine.evaluate(req(), ns(NOW), store, out);
    expect(out.reason).toBe("budget_exceeded");
  });
});

describe("cost_based in shadow", () => {
  it("a would-reject answers like a cost_based allow and does not stop a later enforcing policy", () => {
    const shadow = budgetPolicy("a", cbRule("s", costBased(1, P1H), ["header:x-api-key"]));
    shadow.shadow = true;
    const engine = engineOf([shadow, budgetPolicy("b", cbRule("e", costBased(1, P1H), ["header:x-api-key"]))]);
    const store = new MapStore();
    engine.evaluate(req(), ns(NOW), store, out);
    engine.evaluate(req(), ns(NOW), store, out);
    expect(out.reason).toBe("budget_exceeded"); // policy b enforces
    expect(out.policyId).toBe("b");
    expect(out.wouldReject).toBe(true);
    expect(store.keys().join(",")).toBe("cb:e:k1:1800000000,shadow:cb:s:k1:1800000000");
  });
  it("a shadow would-reject alone: 200, no reason, only r=0;t=1", () => {
    const shadow = budgetPolicy("a", cbRule("s", costBased(1, P1H)));
    shadow.shadow = true;
    const engine = engineOf([shadow]);
    const store = new MapStore();
    engine.evaluate(req(), ns(NOW), store, out);
    engine.evaluate(req(), ns(NOW), store, out);
    expect(out.status).toBe(200);
    expect(out.reason).toBe("");
    expect(out.mode).toBe("shadow");
    expect(out.wouldRejectReason).toBe("budget_exceeded");
    expect(headerNames(out.headers)).toBe("RateLimit");
    expect(headerOf(out.headers, "RateLimit")).toBe("\"a\";r=0;t=1");
  });
  it("shadow warn and throttle stages are dropped (decision 2: no client-visible trace)", () => {
    const shadow = budgetPolicy("a", cbRule("s", costBased(1, P1H, warnThrottleReject())));
    shadow.shadow = true;
    const engine = engineOf([shadow]);
    engine.evaluate(req(), ns(NOW), new MapStore(), out);
    expect(out.action).toBe(Action.ALLOW);
    expect(out.delayMs).toBe(0);
    expect(out.reason).toBe("all_rules_passed");
    expect(headerOf(out.headers, "X-Fairvisor-Warning")).toBe("<absent>");
  });
});
