// Proves the circuit breaker inside the pipeline (spec 8.6, 7 step 5.4): its key (first limit key of the
// first rule with keys; `cb:<policy>` without keys; empty value when missing), the trip rejecting the
// tripping request before any rule runs, the open state, auto reset, reject headers (Retry-After
// jittered from 1, RateLimit-Reset = that value, t=1), the alert flag, the cost of the first rule
// (cost_key, and the LLM estimate), Engine.recordSpend, and shadow (decisions 2 and 3).
import { Engine, EngineOptions } from "../engine/engine";
import { Action, Decision } from "../engine/decision";
import { breakerRateKey, breakerStateKey } from "../limiters/circuit-breaker";
import { readCounter } from "../limiters/windowed-counter";
import { CostSource, Policy } from "../policy/model";
import {
  bundleOf, cbRule, circuitBreaker, costBased, exactPolicy, headerNames, headerOf, llmConfig, llmRule, ns, P1H,
  prefixPolicy, tbRule, withCostKey,
} from "./helpers/bundles";
import { FakeRequest } from "./helpers/fake-request";
import { MapStore } from "./helpers/map-store";

const NOW: f64 = 1800000000; // a minute boundary
const out = new Decision();

function engineOf(policies: Policy[]): Engine {
  return new Engine(bundleOf(policies), new EngineOptions());
}

function breakerPolicy(id: string, threshold: f64, reset: f64 = 0, alert: bool = false): Policy {
  const p = prefixPolicy(id, "/", [tbRule("r-" + id, 0.001, 100, ["header:x-org"])]);
  p.circuitBreaker = circuitBreaker(threshold, reset, alert);
  return p;
}

function req(org: string = "acme"): FakeRequest {
  return new FakeRequest("POST", "/v1/x").with("x-org", org);
}

function spend(store: MapStore, key: string, now: f64): f64 {
  return readCounter(store, breakerRateKey(key, Math.floor(now / 60) * 60), now);
}

describe("circuit breaker in the pipeline", () => {
  it("keys by the first limit key of the first rule with keys", () => {
    const p = breakerPolicy("bp", 100);
    p.rules.unshift(tbRule("nokeys", 1, 100));
    const engine = engineOf([p]);
    const store = new MapStore();
    engine.evaluate(req(), ns(NOW), store, out);
    expect(spend(store, "cb:bp:acme", NOW)).toBe(1);
    engine.evaluate(new FakeRequest("POST", "/v1/x"), ns(NOW), store, out); // missing value: shared ""
    expect(spend(store, "cb:bp:", NOW)).toBe(1);
  });
  it("keys by the policy alone when no rule has keys", () => {
    const p = prefixPolicy("bp", "/", [tbRule("t", 1, 100)]);
    p.circuitBreaker = circuitBreaker(100);
    const store = new MapStore();
    engineOf([p]).evaluate(req(), ns(NOW), store, out);
    expect(spend(store, "cb:bp", NOW)).toBe(1);
  });
  it("trips: the tripping request is rejected before the rules, then stays open", () => {
    const engine = engineOf([breakerPolicy("bp", 3)]);
    const store = new MapStore();
    engine.evaluate(req(), ns(NOW), store, out);
    engine.evaluate(req(), ns(NOW + 1), store, out);
    expect(out.action).toBe(Action.ALLOW);
    expect(headerOf(out.headers, "RateLimit-Remaining")).toBe("98");
    engine.evaluate(req(), ns(NOW + 2), store, out);
    expect(out.action).toBe(Action.REJECT);
    expect(out.reason).toBe("circuit_breaker_open");
    expect(out.policyId).toBe("bp");
    expect(out.ruleName).toBe("");
    expect(out.breakerAlert).toBe(false);
    expect(headerNames(out.headers)).toBe("Retry-After,RateLimit-Reset,RateLimit,X-Fairvisor-Reason");
    expect(out.retryAfter >= 1 && out.retryAfter <= 2).toBe(true);
    expect(headerOf(out.headers, "RateLimit-Reset")).toBe(out.retryAfter.toString());
    expect(headerOf(out.headers, "RateLimit")).toBe("\"bp\";r=0;t=1");
    expect(store.has(breakerStateKey("cb:bp:acme"))).toBe(true);
    // Open for another tenant? No: each key has its own breaker.
    engine.evaluate(req("other"), ns(NOW + 3), store, out);
    expect(out.action).toBe(Action.ALLOW);
    // Still open an hour later (auto reset 0 = never).
    engine.evaluate(req(), ns(NOW + 3600), store, out);
    expect(out.reason).toBe("circuit_breaker_open");
    // The bucket was only used by the two allowed acme requests.
    engine.evaluate(new FakeRequest("POST", "/v1/x").with("x-org", "acme"), ns(NOW + 3600), store, out);
    expect(out.reason).toBe("circuit_breaker_open");
  });
  it("auto-resets after auto_reset_after_minutes", () => {
    const engine = engineOf([breakerPolicy("bp", 2, 1)]);
    const store = new MapStore();
    engine.evaluate(req(), ns(NOW), store, out);
    engine.evaluate(req(), ns(NOW), store, out);
    expect(out.reason).toBe("circuit_breaker_open");
    engine.evaluate(req(), ns(NOW + 59), store, out);
    expect(out.reason).toBe("circuit_breaker_open");
    engine.evaluate(req(), ns(NOW + 121), store, out); // reset; the old minutes no longer count
    expect(out.action).toBe(Action.ALLOW);
  });
  it("sets breakerAlert when a breaker with alert: true trips or is open", () => {
    const engine = engineOf([breakerPolicy("bp", 1, 0, true)]);
    const store = new MapStore();
    engine.evaluate(req(), ns(NOW), store, out);
    expect(out.breakerAlert).toBe(true);
    expect(out.breakerPolicyId).toBe("bp");
    engine.evaluate(req(), ns(NOW + 1), store, out);
    expect(out.breakerAlert).toBe(true);
    engine.evaluate(req("other-tenant"), ns(NOW + 1), store, out);
    expect(out.reason).toBe("circuit_breaker_open"); // threshold 1: every first request trips
  });
  it("counts the first rule's cost (cost_based cost_key header)", () => {
    const p = prefixPolicy("bp", "/", [withCostKey(cbRule("c", costBased(1000, P1H), ["header:x-org"]), CostSource.HEADER, "x-units")]);
    p.circuitBreaker = circuitBreaker(100);
    const engine = engineOf([p]);
    const store = new MapStore();
    engine.evaluate(req().with("x-units", "60"), ns(NOW), store, out);
    expect(spend(store, "cb:bp:acme", NOW)).toBe(60);
    engine.evaluate(req().with("x-units", "40"), ns(NOW), store, out);
    expect(out.reason).toBe("circuit_breaker_open");
  });
  it("an LLM first rule costs the estimated total; its reservation carries the breaker key for recordSpend", () => {
    const p = exactPolicy("bp", "/v1/chat/completions", [llmRule("l", llmConfig(100000), ["header:x-org"])]);
    p.circuitBreaker = circuitBreaker(1000);
    const engine = engineOf([p]);
    const store = new MapStore();
    const chat = new FakeRequest("POST", "/v1/chat/completions").with("x-org", "acme").withBody("{\"prompt\":\"abcdefgh\",\"max_tokens\":98}");
    engine.evaluate(chat, ns(NOW), store, out);
    expect(spend(store, "cb:bp:acme", NOW)).toBe(100);
    expect(out.reservations.length).toBe(1);
    const r = out.reservations[0];
    expect(r.breakerKey).toBe("cb:bp:acme");
    expect(r.breakerCounted).toBe(100);
    // Real usage 30: the correction is 30 - 100 = -70.
    expect(engine.recordSpend(r.policyId, 30 - r.breakerCounted, ns(NOW + 1), store, r.breakerKey)).toBe(true);
    expect(spend(store, "cb:bp:acme", NOW + 1)).toBe(30);
    // Without a body the LLM cost is 1.
    engine.evaluate(new FakeRequest("POST", "/v1/chat/completions").with("x-org", "acme"), ns(NOW + 2), store, out);
    expect(spend(store, "cb:bp:acme", NOW + 2)).toBe(31);
  });
  it("recordSpend derives the key only for a breaker without limit keys", () => {
    const keyless = prefixPolicy("a", "/", [tbRule("t", 1, 100)]);
    keyless.circuitBreaker = circuitBreaker(100);
    const engine = engineOf([keyless, breakerPolicy("b", 100), prefixPolicy("c", "/", [tbRule("u", 1, 1)])]);
    const store = new MapStore();
    expect(engine.recordSpend("a", 25, ns(NOW), store)).toBe(true);
    expect(spend(store, "cb:a", NOW)).toBe(25);
    expect(engine.recordSpend("b", 25, ns(NOW), store)).toBe(false);
    expect(engine.recordSpend("c", 25, ns(NOW), store)).toBe(false);
    expect(engine.recordSpend("nope", 25, ns(NOW), store)).toBe(false);
  });
  it("shadow: the would-reject is recorded and later policies still decide", () => {
    const shadow = breakerPolicy("a", 1);
    shadow.shadow = true;
    const engine = engineOf([shadow, prefixPolicy("b", "/", [tbRule("e", 1, 1)])]);
    const store = new MapStore();
    engine.evaluate(req(), ns(NOW), store, out);
    expect(out.action).toBe(Action.ALLOW);
    expect(out.wouldReject).toBe(true);
    expect(out.wouldRejectReason).toBe("circuit_breaker_open");
    expect(store.has(breakerStateKey("shadow:cb:a:acme"))).toBe(true);
    engine.evaluate(req(), ns(NOW), store, out);
    expect(out.reason).toBe("token_bucket_exceeded");
  });
  it("fails open when the store is unavailable", () => {
    const engine = engineOf([breakerPolicy("bp", 1)]);
    const store = new MapStore();
    store.unavailable = true;
    engine.evaluate(req(), ns(NOW), store, out);
    expect(out.action).toBe(Action.ALLOW);
  });
});
