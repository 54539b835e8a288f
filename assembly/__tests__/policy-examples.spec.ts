// Proves every example bundle shipped with the reference engine loads, with the expected policy and
// rule counts and the compiled fields, defaults applied (decision 5).
import {
  Algorithm, Bundle, CostSource, Estimator, KeySource, LoadResult, LoopAction, NO_EXPIRY, StageAction,
} from "../policy";
import { loadBundle } from "../policy";
import { load } from "./policy-helpers";
import {
  CIRCUIT_BREAKER_POLICY, COST_BUDGET_POLICY, KILL_SWITCH_POLICY, LLM_RATE_LIMIT_POLICY, LOOP_DETECTION_POLICY,
  MINIMAL_POLICY, SHADOW_MODE_POLICY,
} from "./policy-example-bundles";

function loaded(text: string): Bundle {
  const r: LoadResult = load(text);
  expect(r.fatalError).toBe("");
  expect(r.policyErrors.length).toBe(0);
  const b = r.bundle;
  return b === null ? new Bundle() : b;
}

function expectCommonHeader(b: Bundle): void {
  expect(b.version).toBe(1.0);
  expect(b.issuedAt).toBe(1767225600);
  expect(b.expiresAt).toBe(1893456000);
  expect(b.rawPolicyCount).toBe(1);
  expect(b.rawRuleCount).toBe(1);
  expect(b.policies.length).toBe(1);
  expect(b.policies[0].position).toBe(1);
  expect(b.policies[0].rules.length).toBe(1);
  expect(b.needsUserAgent).toBe(false);
  expect(b.globalShadow === null && b.killSwitchOverride === null).toBe(true);
}

describe("reference examples", () => {
  it("minimal-policy.json", () => {
    const b = loaded(MINIMAL_POLICY);
    expectCommonHeader(b);
    const p = b.policies[0];
    expect(p.id).toBe("minimal-policy");
    expect(p.shadow).toBe(false);
    const prefix = p.selector.pathPrefix;
    expect(prefix !== null && prefix == "/api/").toBe(true);
    expect(p.selector.pathExact === null).toBe(true);
    const methods = p.selector.methods;
    expect(methods !== null && methods.length == 2 && methods[0] == "GET" && methods[1] == "POST").toBe(true);
    expect(p.selector.hosts.length).toBe(0);
    const r = p.rules[0];
    expect(r.name).toBe("default-rate-limit");
    expect(r.limitKeys.length).toBe(1);
    expect(r.limitKeys[0].source).toBe(KeySource.HEADER);
    expect(r.limitKeys[0].name).toBe("x-api-key");
    expect(r.algorithm).toBe(Algorithm.TOKEN_BUCKET);
    const tb = r.tokenBucket;
    expect(tb !== null).toBe(true);
    if (tb !== null) {
      expect(tb.tokensPerSecond).toBe(50.0);
      expect(tb.burst).toBe(100.0);
      expect(tb.costSource).toBe(CostSource.FIXED);
      expect(tb.fixedCost).toBe(1.0);
      expect(tb.defaultCost).toBe(1.0);
    }
    expect(r.hasMatch).toBe(false);
    expect(p.fallback === null && p.loopDetection === null && p.circuitBreaker === null).toBe(true);
    expect(b.killSwitches.length).toBe(0);
  });

  it("shadow-mode-policy.json", () => {
    const b = loaded(SHADOW_MODE_POLICY);
    expectCommonHeader(b);
    const p = b.policies[0];
    expect(p.id).toBe("shadow-mode-policy");
    expect(p.shadow).toBe(true);
    const tb = p.rules[0].tokenBucket;
    expect(tb !== null && tb.tokensPerSecond == 20.0 && tb.burst == 40.0).toBe(true);
    const lp = p.loopDetection;
    expect(lp !== null).toBe(true);
    if (lp !== null) {
      expect(lp.enabled).toBe(true);
      expect(lp.windowSeconds).toBe(60);
      expect(lp.thresholdIdenticalRequests).toBe(5);
      expect(lp.action).toBe(LoopAction.REJECT);
    }
  });

  it("kill-switch-policy.json", () => {
    const b = loaded(KILL_SWITCH_POLICY);
    expectCommonHeader(b);
    const p = b.policies[0];
    expect(p.id).toBe("baseline-policy");
    const prefix = p.selector.pathPrefix;
    expect(prefix !== null && prefix == "/").toBe(true);
    expect(p.rules[0].name).toBe("baseline-limit");
    const tb = p.rules[0].tokenBucket;
    expect(tb !== null && tb.tokensPerSecond == 20.0 && tb.burst == 40.0).toBe(true);
    expect(b.killSwitches.length).toBe(1);
    const ks = b.killSwitches[0];
    expect(ks.scopeKey.text).toBe("header:x-tenant-id");
    expect(ks.scopeKey.source).toBe(KeySource.HEADER);
    expect(ks.scopeKey.name).toBe("x-tenant-id");
    expect(ks.scopeValue).toBe("tenant-42");
    expect(ks.reason).toBe("incident_block");
    expect(ks.route === null).toBe(true);
    expect(ks.expiresAt).toBe(NO_EXPIRY);
  });

  it("cost-budget-policy.json", () => {
    const b = loaded(COST_BUDGET_POLICY);
    expectCommonHeader(b);
    const r = b.policies[0].rules[0];
    expect(r.name).toBe("5m-cost-window");
    expect(r.algorithm).toBe(Algorithm.COST_BASED);
    const c = r.costBased;
    expect(c !== null).toBe(true);
    if (c !== null) {
      expect(c.budget).toBe(5000.0);
      expect(c.periodSeconds).toBe(300);
      expect(c.costSource).toBe(CostSource.FIXED);
      expect(c.fixedCost).toBe(1.0);
      expect(c.defaultCost).toBe(1.0);
      expect(c.stages.length).toBe(3);
      expect(c.stages[0].thresholdPercent).toBe(80.0);
      expect(c.stages[0].action).toBe(StageAction.WARN);
      expect(c.stages[1].thresholdPercent).toBe(95.0);
      expect(c.stages[1].action).toBe(StageAction.THROTTLE);
      expect(c.stages[1].delayMs).toBe(200.0);
      expect(c.stages[2].thresholdPercent).toBe(100.0);
      expect(c.stages[2].action).toBe(StageAction.REJECT);
    }
  });

  it("llm-rate-limit-policy.json (the misspelled default_max_completion_tokens is ignored)", () => {
    const b = loaded(LLM_RATE_LIMIT_POLICY);
    expectCommonHeader(b);
    const p = b.policies[0];
    expect(p.id).toBe("llm-policy");
    const exact = p.selector.pathExact;
    expect(exact !== null && exact == "/v1/chat/completions").toBe(true);
    expect(p.selector.pathPrefix === null).toBe(true);
    const r = p.rules[0];
    expect(r.limitKeys[0].source).toBe(KeySource.JWT);
    expect(r.limitKeys[0].name).toBe("org_id");
    expect(r.algorithm).toBe(Algorithm.TOKEN_BUCKET_LLM);
    const c = r.llm;
    expect(c !== null).toBe(true);
    if (c !== null) {
      expect(c.tokensPerMinute).toBe(120000.0);
      expect(c.tokensPerDay).toBe(2000000.0);
      expect(c.burstTokens).toBe(120000.0);
      expect(c.defaultMaxCompletion).toBe(1000.0);
      expect(c.maxTokensPerRequest).toBe(0.0);
      expect(c.estimator).toBe(Estimator.SIMPLE_WORD);
      expect(c.streaming.enabled).toBe(true);
    }
  });

  it("loop-detection-policy.json", () => {
    const b = loaded(LOOP_DETECTION_POLICY);
    expectCommonHeader(b);
    const p = b.policies[0];
    const prefix = p.selector.pathPrefix;
    expect(prefix !== null && prefix == "/v1/chat/").toBe(true);
    const tb = p.rules[0].tokenBucket;
    expect(tb !== null && tb.tokensPerSecond == 10.0 && tb.burst == 20.0).toBe(true);
    const lp = p.loopDetection;
    expect(lp !== null && lp.enabled && lp.windowSeconds == 60 && lp.thresholdIdenticalRequests == 10 && lp.action == LoopAction.REJECT).toBe(true);
  });

  it("circuit-breaker-policy.json", () => {
    const b = loaded(CIRCUIT_BREAKER_POLICY);
    expectCommonHeader(b);
    const p = b.policies[0];
    const c = p.rules[0].costBased;
    expect(c !== null && c.budget == 10000.0 && c.periodSeconds == 3600 && c.stages.length == 1).toBe(true);
    const cb = p.circuitBreaker;
    expect(cb !== null).toBe(true);
    if (cb !== null) {
      expect(cb.enabled).toBe(true);
      expect(cb.spendRateThresholdPerMinute).toBe(1000.0);
      expect(cb.autoResetAfterMinutes).toBe(5.0);
      expect(cb.alert).toBe(true);
    }
  });

  it("the examples expire: at 2030-01-01 they are refused", () => {
    const r = load(MINIMAL_POLICY);
    expect(r.fatalError).toBe("");
    expect(loadAt(MINIMAL_POLICY, 1893456000).fatalError).toBe("bundle_expired");
  });
});

function loadAt(text: string, now: i64): LoadResult {
  return loadBundle(text, now);
}
