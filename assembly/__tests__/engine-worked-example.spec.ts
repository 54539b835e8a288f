// Proves the worked example of spec 9.3 header for header: token bucket, burst 2, rate 1, three rapid
// requests from one key, policy "tb-basic"; plus the shape of the decision around it.
import { Engine, EngineOptions } from "../engine/engine";
import { Action, Decision } from "../engine/decision";
import { bundleOf, headerNames, headerOf, ns, prefixPolicy, tbRule } from "./helpers/bundles";
import { FakeRequest } from "./helpers/fake-request";
import { MapStore } from "./helpers/map-store";

const engine = new Engine(
  bundleOf([prefixPolicy("tb-basic", "/", [tbRule("basic", 1, 2, ["header:x-api-key"])])]),
  new EngineOptions(),
);
const store = new MapStore();
const out = new Decision();
const T0: f64 = 1700000000;

function request(): FakeRequest {
  return new FakeRequest("GET", "/api/resource").with("X-Api-Key", "k1");
}

describe("spec 9.3 worked example", () => {
  it("request 1: 200 with limit 2, remaining 1", () => {
    engine.evaluate(request(), ns(T0), store, out);
    expect(out.action).toBe(Action.ALLOW);
    expect(out.status).toBe(200);
    expect(out.reason).toBe("all_rules_passed");
    expect(headerNames(out.headers)).toBe("RateLimit-Limit,RateLimit-Remaining,RateLimit-Reset,RateLimit");
    expect(headerOf(out.headers, "RateLimit-Limit")).toBe("2");
    expect(headerOf(out.headers, "RateLimit-Remaining")).toBe("1");
    expect(headerOf(out.headers, "RateLimit-Reset")).toBe("1");
    expect(headerOf(out.headers, "RateLimit")).toBe("\"tb-basic\";r=1;t=1");
  });
  it("request 2: 200 with remaining 0", () => {
    engine.evaluate(request(), ns(T0 + 0.001), store, out);
    expect(out.status).toBe(200);
    expect(headerOf(out.headers, "RateLimit-Remaining")).toBe("0");
    expect(headerOf(out.headers, "RateLimit")).toBe("\"tb-basic\";r=0;t=1");
  });
  it("request 3: 429 with Retry-After 2 and the raw reset 1", () => {
    engine.evaluate(request(), ns(T0 + 0.002), store, out);
    expect(out.action).toBe(Action.REJECT);
    expect(out.status).toBe(429);
    expect(out.reason).toBe("token_bucket_exceeded");
    expect(out.policyId).toBe("tb-basic");
    expect(out.ruleName).toBe("basic");
    expect(out.retryAfter).toBe(2);
    expect(headerNames(out.headers))
      .toBe("Retry-After,RateLimit-Limit,RateLimit-Remaining,RateLimit-Reset,RateLimit,X-Fairvisor-Reason");
    expect(headerOf(out.headers, "Retry-After")).toBe("2");
    expect(headerOf(out.headers, "RateLimit-Limit")).toBe("2");
    expect(headerOf(out.headers, "RateLimit-Remaining")).toBe("0");
    expect(headerOf(out.headers, "RateLimit-Reset")).toBe("1");
    expect(headerOf(out.headers, "RateLimit")).toBe("\"tb-basic\";r=0;t=1");
    expect(headerOf(out.headers, "X-Fairvisor-Reason")).toBe("token_bucket_exceeded");
    expect(out.matchedPolicies).toBe(1);
    expect(out.descriptors.length).toBe(2);
    expect(out.descriptors[0]).toBe("header:x-api-key");
    expect(out.descriptors[1]).toBe("k1");
  });
  it("keeps the counter under tb:<rule>:<composite>", () => {
    expect(store.has("tb:basic:k1")).toBe(true);
    expect(store.size).toBe(1);
  });
  it("another key has its own bucket", () => {
    engine.evaluate(new FakeRequest("GET", "/x").with("x-api-key", "k2"), ns(T0 + 0.003), store, out);
    expect(out.status).toBe(200);
    expect(headerOf(out.headers, "RateLimit-Remaining")).toBe("1");
  });
  it("a missing limit key skips the rule: allow without headers", () => {
    engine.evaluate(new FakeRequest("GET", "/x"), ns(T0 + 0.004), store, out);
    expect(out.status).toBe(200);
    expect(out.reason).toBe("all_rules_passed");
    expect(out.headers.length).toBe(0);
    expect(out.policyId).toBe("");
  });
});
