// Proves shadow mode (spec 7.1, 7.2, 5.4; project decisions 2 and 3): shadow counters live under the
// `shadow:` namespace, a shadow would-reject answers exactly like an allow, it does not short-circuit
// later enforcing policies, and global_shadow turns every policy into shadow while active.
import { Engine, EngineOptions } from "../engine/engine";
import { Action, Decision } from "../engine/decision";
import { Bundle, Policy } from "../policy/model";
import { bundleOf, headerNames, headerOf, ns, prefixPolicy, runtimeOverride, tbRule } from "./helpers/bundles";
import { FakeRequest } from "./helpers/fake-request";
import { MapStore } from "./helpers/map-store";

const NOW: f64 = 1800000000;
const out = new Decision();

function shadowPolicy(id: string, rule: string, burst: f64): Policy {
  const p = prefixPolicy(id, "/", [tbRule(rule, 1, burst, ["header:x-user"])]);
  p.shadow = true;
  return p;
}

function req(): FakeRequest {
  return new FakeRequest("GET", "/api").with("x-user", "u1");
}

describe("shadow policy", () => {
  it("counts under shadow:tb:<rule>:<composite>", () => {
    const store = new MapStore();
    new Engine(bundleOf([shadowPolicy("s", "sr", 1)]), new EngineOptions()).evaluate(req(), ns(NOW), store, out);
    expect(store.keys().join(",")).toBe("shadow:tb:sr:u1");
  });
  it("a would-reject answers like an allow: 200, no reason, no Retry-After, allow-style values", () => {
    const store = new MapStore();
    const engine = new Engine(bundleOf([shadowPolicy("s", "sr", 1)]), new EngineOptions());
    engine.evaluate(req(), ns(NOW), store, out);
    engine.evaluate(req(), ns(NOW), store, out);
    expect(out.action).toBe(Action.ALLOW);
    expect(out.status).toBe(200);
    expect(out.reason).toBe("");
    expect(out.mode).toBe("shadow");
    expect(out.wouldReject).toBe(true);
    expect(out.wouldRejectReason).toBe("token_bucket_exceeded");
    expect(out.retryAfter).toBe(0);
    expect(out.policyId).toBe("s");
    expect(out.ruleName).toBe("sr");
    expect(headerNames(out.headers)).toBe("RateLimit-Limit,RateLimit-Remaining,RateLimit-Reset,RateLimit");
    expect(headerOf(out.headers, "RateLimit-Remaining")).toBe("0");
    expect(headerOf(out.headers, "RateLimit-Reset")).toBe("1");
    expect(headerOf(out.headers, "RateLimit")).toBe("\"s\";r=0;t=1");
  });
  it("does not short-circuit: a later enforcing policy still rejects (decision 3)", () => {
    const store = new MapStore();
    const engine = new Engine(bundleOf([
      shadowPolicy("a-shadow", "sr", 1),
      prefixPolicy("b-enforce", "/", [tbRule("er", 1, 1, ["header:x-user"])]),
    ]), new EngineOptions());
    engine.evaluate(req(), ns(NOW), store, out);
    expect(out.status).toBe(200);
    expect(out.wouldReject).toBe(false);
    engine.evaluate(req(), ns(NOW), store, out);
    expect(out.status).toBe(429);
    expect(out.reason).toBe("token_bucket_exceeded");
    expect(out.mode).toBe("enforce");
    expect(out.policyId).toBe("b-enforce");
    expect(out.wouldReject).toBe(true); // the shadow policy's would-reject stays visible to logs
    expect(store.keys().join(",")).toBe("shadow:tb:sr:u1,tb:er:u1");
  });
  it("allow headers after a shadow would-reject come from the last limiter (an enforcing allow)", () => {
    const store = new MapStore();
    const engine = new Engine(bundleOf([
      shadowPolicy("a-shadow", "sr", 1),
      prefixPolicy("b-enforce", "/", [tbRule("er", 1, 10, ["header:x-user"])]),
    ]), new EngineOptions());
    engine.evaluate(req(), ns(NOW), store, out);
    engine.evaluate(req(), ns(NOW), store, out);
    expect(out.status).toBe(200);
    expect(out.wouldReject).toBe(true);
    expect(out.reason).toBe("");
    expect(headerOf(out.headers, "RateLimit")).toBe("\"b-enforce\";r=8;t=1");
    expect(headerOf(out.headers, "Retry-After")).toBe("<absent>");
    expect(headerOf(out.headers, "X-Fairvisor-Reason")).toBe("<absent>");
  });
  it("shadow and enforce buckets of the same rule name never mix", () => {
    const store = new MapStore();
    const engine = new Engine(bundleOf([
      shadowPolicy("a", "same", 1),
      prefixPolicy("b", "/", [tbRule("same", 1, 1, ["header:x-user"])]),
    ]), new EngineOptions());
    engine.evaluate(req(), ns(NOW), store, out);
    expect(out.status).toBe(200);
    expect(store.keys().join(",")).toBe("shadow:tb:same:u1,tb:same:u1");
  });
});

function globalShadowBundle(expiresAt: i64): Bundle {
  const b = bundleOf([prefixPolicy("p", "/", [tbRule("r", 1, 1, ["header:x-user"])])]);
  b.globalShadow = runtimeOverride(true, expiresAt);
  return b;
}

describe("global_shadow", () => {
  it("turns enforcing policies into shadow while active", () => {
    const store = new MapStore();
    const engine = new Engine(globalShadowBundle(i64(NOW) + 100), new EngineOptions());
    engine.evaluate(req(), ns(NOW), store, out);
    engine.evaluate(req(), ns(NOW), store, out);
    expect(out.status).toBe(200);
    expect(out.mode).toBe("shadow");
    expect(out.wouldReject).toBe(true);
    expect(store.keys().join(",")).toBe("shadow:tb:r:u1");
  });
  it("switches itself off at expires_at without a reload", () => {
    const store = new MapStore();
    const engine = new Engine(globalShadowBundle(i64(NOW) + 100), new EngineOptions());
    engine.evaluate(req(), ns(NOW + 100), store, out);
    engine.evaluate(req(), ns(NOW + 100), store, out);
    expect(out.status).toBe(429);
    expect(out.mode).toBe("enforce");
    expect(store.keys().join(",")).toBe("tb:r:u1");
  });
});
