// Reading a decision from the filter's answer (no limiter logic here): from X-Fairvisor-Decision-Info when
// the wasm sent it, else inferred from the answer's other headers.
import { describe, expect, it } from "vitest";
import { allowFacts, parseDecisionInfo, parseDelay, rateLimitPolicy, rejectFacts } from "./decision-facts.js";

/** A decision info value as assembly/filter/decision-info.ts writes it (same field order). */
function info(over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    action: "allow",
    reason: "all_rules_passed",
    mode: "enforce",
    policy: "p",
    rule: "",
    matched: 1,
    would_reject: "",
    would_reject_policy: "",
    descriptors: [["header:x-api-key", "k"]],
    reserved: 0,
    ...over,
  });
}

describe("decision facts, inferred (no decision info)", () => {
  it("the RateLimit policy id is a structured-field string", () => {
    expect(rateLimitPolicy('"tb-basic";r=1;t=1')).toBe("tb-basic");
    expect(rateLimitPolicy('"a\\"b\\\\c";r=0;t=1')).toBe('a"b\\c');
    expect(rateLimitPolicy(undefined)).toBe("");
  });
  it("delays are capped at 30 s and garbage is 0", () => {
    expect([parseDelay("250"), parseDelay("99999"), parseDelay("-1"), parseDelay("x"), parseDelay(undefined)]).toEqual([250, 30000, 0, 0, 0]);
  });
  it("allow, warn, throttle, shadow; reject reason from X-Fairvisor-Reason else details", () => {
    expect(allowFacts([["ratelimit", '"p";r=3;t=1'], ["ratelimit-remaining", "3"]], false)).toEqual({
      action: "allow",
      policy: "p",
      reason: "",
      rule: "",
      mode: "enforce",
      descriptors: [],
      reserved: 0,
      wouldReject: "",
      delayMs: 0,
      remaining: 3,
      limiterPolicy: "p",
      reservationId: "",
    });
    expect(allowFacts([["x-fairvisor-warning", "budget_warn"]], false).action).toBe("warn");
    expect(allowFacts([["x-fairvisor-warning", "budget_throttle"], ["x-fairvisor-delay-ms", "200"]], false)).toMatchObject({ action: "throttle", reason: "budget_throttle", delayMs: 200 });
    expect(allowFacts([], true)).toMatchObject({ action: "shadow_reject", mode: "shadow" });
    expect(rejectFacts(429, "kill_switch", [["ratelimit", '"default";r=0;t=3600']])).toMatchObject({ action: "reject", policy: "default", reason: "kill_switch" });
    expect(rejectFacts(503, "no_bundle_loaded", []).action).toBe("unavailable");
  });
  it("a malformed decision info is ignored, not half-read", () => {
    const bad = [
      "not json",
      "[]",
      info({ action: "maybe" }),
      info({ mode: "dry" }),
      info({ matched: -1 }),
      info({ reserved: "5" }),
      info({ rule: 3 }),
      info({ descriptors: [["only-key"]] }),
      info({ descriptors: {} }),
    ];
    for (const value of bad) {
      expect([value, parseDecisionInfo(value)]).toEqual([value, null]);
      expect(allowFacts([["x-fairvisor-decision-info", value], ["ratelimit", '"q";r=0;t=1']], false)).toMatchObject({ policy: "q", reason: "", rule: "" });
    }
  });
});

describe("decision facts from X-Fairvisor-Decision-Info", () => {
  it("a plain allow: the exact reason, rule, matched count, descriptors and reserved tokens", () => {
    const facts = allowFacts([["X-Fairvisor-Decision-Info", info({ reserved: 320, matched: 2 })], ["x-fairvisor-reservation", "r1"]], false);
    expect(facts).toEqual({
      action: "allow",
      policy: "p",
      reason: "all_rules_passed",
      rule: "",
      mode: "enforce",
      matchedPolicies: 2,
      descriptors: [["header:x-api-key", "k"]],
      reserved: 320,
      wouldReject: "",
      delayMs: 0,
      remaining: undefined,
      limiterPolicy: "",
      reservationId: "r1",
    });
    expect(allowFacts([["x-fairvisor-decision-info", info({ reason: "no_matching_policy", policy: "", matched: 0, descriptors: [] })]], false)).toMatchObject({
      action: "allow",
      policy: "",
      reason: "no_matching_policy",
      matchedPolicies: 0,
    });
  });

  it("a shadow would-reject takes the would-reject's policy and reason; the info wins over the counter", () => {
    const shadow = info({ reason: "", mode: "shadow", policy: "sh", rule: "r", would_reject: "token_bucket_exceeded", would_reject_policy: "sh" });
    expect(allowFacts([["x-fairvisor-decision-info", shadow]], false)).toMatchObject({
      action: "shadow_reject",
      policy: "sh",
      reason: "token_bucket_exceeded",
      rule: "r",
      mode: "shadow",
      wouldReject: "token_bucket_exceeded",
    });
    // The counter moved (another request's would-reject in the same call) but this decision had none.
    expect(allowFacts([["x-fairvisor-decision-info", info()]], true).action).toBe("allow");
  });

  it("a throttle the wasm already served is still a throttle; a warn keeps its would-reject", () => {
    const throttle = info({ action: "throttle", reason: "budget_throttle", policy: "cost", rule: "stages" });
    expect(allowFacts([["x-fairvisor-decision-info", throttle]], false)).toMatchObject({ action: "throttle", reason: "budget_throttle", delayMs: 0, rule: "stages" });
    const warn = info({ reason: "budget_warn", policy: "cost", would_reject: "token_bucket_exceeded" });
    expect(allowFacts([["x-fairvisor-decision-info", warn], ["x-fairvisor-warning", "budget_warn"]], false)).toMatchObject({
      action: "warn",
      policy: "cost",
      reason: "budget_warn",
      wouldReject: "token_bucket_exceeded",
    });
  });

  it("a reject: policy and reason from the info (a kill switch has no policy), status decides unavailable", () => {
    const kill = info({ action: "reject", reason: "kill_switch", policy: "", matched: 0, descriptors: [] });
    expect(rejectFacts(429, "kill_switch", [["x-fairvisor-decision-info", kill], ["ratelimit", '"default";r=0;t=3600']])).toMatchObject({
      action: "reject",
      policy: "",
      reason: "kill_switch",
      matchedPolicies: 0,
    });
    const noBundle = info({ action: "reject", reason: "no_bundle_loaded", policy: "", matched: 0, descriptors: [] });
    expect(rejectFacts(503, "no_bundle_loaded", [["x-fairvisor-decision-info", noBundle]])).toMatchObject({ action: "unavailable", reason: "no_bundle_loaded" });
  });
});
