// Reading a decision from the filter's answer (no limiter logic here).
import { describe, expect, it } from "vitest";
import { allowFacts, parseDelay, rateLimitPolicy, rejectFacts } from "./decision-facts.js";

describe("decision facts", () => {
  it("the RateLimit policy id is a structured-field string", () => {
    expect(rateLimitPolicy('"tb-basic";r=1;t=1')).toBe("tb-basic");
    expect(rateLimitPolicy('"a\\"b\\\\c";r=0;t=1')).toBe('a"b\\c');
    expect(rateLimitPolicy(undefined)).toBe("");
  });
  it("delays are capped at 30 s and garbage is 0", () => {
    expect([parseDelay("250"), parseDelay("99999"), parseDelay("-1"), parseDelay("x"), parseDelay(undefined)]).toEqual([250, 30000, 0, 0, 0]);
  });
  it("allow, warn, throttle, shadow; reject reason from X-Fairvisor-Reason else details", () => {
    expect(allowFacts([["ratelimit", '"p";r=3;t=1'], ["ratelimit-remaining", "3"]], false)).toEqual({ action: "allow", policy: "p", reason: "", delayMs: 0, remaining: 3, reservationId: "" });
    expect(allowFacts([["x-fairvisor-warning", "budget_warn"]], false).action).toBe("warn");
    expect(allowFacts([["x-fairvisor-warning", "budget_throttle"], ["x-fairvisor-delay-ms", "200"]], false)).toMatchObject({ action: "throttle", reason: "budget_throttle", delayMs: 200 });
    expect(allowFacts([], true).action).toBe("shadow_reject");
    expect(rejectFacts(429, "kill_switch", [["ratelimit", '"default";r=0;t=3600']])).toMatchObject({ action: "reject", policy: "default", reason: "kill_switch" });
    expect(rejectFacts(503, "no_bundle_loaded", []).action).toBe("unavailable");
  });
});
