// Proves loop detection inside the pipeline (spec 8.5 with project decision 4, spec 7 step 5.3): the
// fingerprint and its key, reject/throttle/warn with their headers and the X-Fairvisor-Loop-Count header,
// the loop jitter examples of spec 9.4, throttle beating a loop warn, shadow (decisions 2 and 3) and
// failing open. The breaker's pipeline specs are in engine-breaker.spec.ts.
import { Engine, EngineOptions } from "../engine/engine";
import { Action, Decision } from "../engine/decision";
import { crc32String } from "../util/crc32";
import { LoopAction, Policy, StageAction } from "../policy/model";
import {
  bundleOf, cbRule, costBased, headerNames, headerOf, loopDetection, ns, P1H, prefixPolicy, stage, tbRule,
} from "./helpers/bundles";
import { FakeRequest } from "./helpers/fake-request";
import { MapStore } from "./helpers/map-store";

const NOW: f64 = 1800000000; // a minute boundary
const out = new Decision();

function engineOf(policies: Policy[]): Engine {
  return new Engine(bundleOf(policies), new EngineOptions());
}

function loopPolicy(id: string, action: LoopAction, window: i64 = 60, threshold: i64 = 3, burst: f64 = 100): Policy {
  const p = prefixPolicy(id, "/", [tbRule("r-" + id, 1, burst, ["header:x-api-key"])]);
  p.loopDetection = loopDetection(window, threshold, action);
  return p;
}

function req(path: string = "/v1/chat/x"): FakeRequest {
  return new FakeRequest("POST", path).with("x-api-key", "k1");
}

describe("loop fingerprint", () => {
  it("is CRC-32 of method|raw path|sorted decoded query|(empty body hash)|sorted key=value descriptors", () => {
    const engine = engineOf([loopPolicy("lp", LoopAction.REJECT)]);
    const store = new MapStore();
    engine.evaluate(req("/v1/x?b=2&a=%41&flag").with("x-other", "ignored"), ns(NOW), store, out);
    const fp = crc32String("POST|/v1/x?b=2&a=%41&flag|a=A&b=2&flag=true||header:x-api-key=k1");
    expect(store.has("loop:" + fp.toString())).toBe(true);
  });
  it("headers that are not limit keys do not change it; a limit key value does", () => {
    const engine = engineOf([loopPolicy("lp", LoopAction.REJECT)]);
    const store = new MapStore();
    engine.evaluate(req().with("x-trace", "1"), ns(NOW), store, out);
    engine.evaluate(req().with("x-trace", "2"), ns(NOW), store, out);
    expect(out.loopCount).toBe(2);
    engine.evaluate(new FakeRequest("POST", "/v1/chat/x").with("x-api-key", "k2"), ns(NOW), store, out);
    expect(out.loopCount).toBe(1);
  });
});

describe("loop detection actions", () => {
  it("sends X-Fairvisor-Loop-Count whenever it counted, below the threshold too", () => {
    const engine = engineOf([loopPolicy("lp", LoopAction.REJECT)]);
    engine.evaluate(req(), ns(NOW), new MapStore(), out);
    expect(out.action).toBe(Action.ALLOW);
    expect(headerNames(out.headers)).toBe("RateLimit-Limit,RateLimit-Remaining,RateLimit-Reset,RateLimit,X-Fairvisor-Loop-Count");
    expect(headerOf(out.headers, "X-Fairvisor-Loop-Count")).toBe("1");
  });
  it("reject at the threshold: loop_detected, reset = window, rules not run", () => {
    const engine = engineOf([loopPolicy("lp", LoopAction.REJECT, 60, 3)]);
    const store = new MapStore();
    engine.evaluate(req(), ns(NOW), store, out);
    engine.evaluate(req(), ns(NOW), store, out);
    engine.evaluate(req(), ns(NOW), store, out);
    expect(out.action).toBe(Action.REJECT);
    expect(out.status).toBe(429);
    expect(out.reason).toBe("loop_detected");
    expect(out.policyId).toBe("lp");
    expect(out.ruleName).toBe("");
    expect(headerNames(out.headers)).toBe("Retry-After,RateLimit-Reset,RateLimit,X-Fairvisor-Reason,X-Fairvisor-Loop-Count");
    expect(headerOf(out.headers, "RateLimit-Reset")).toBe("60");
    expect(headerOf(out.headers, "RateLimit")).toBe("\"lp\";r=0;t=60");
    expect(headerOf(out.headers, "X-Fairvisor-Loop-Count")).toBe("3");
    expect(out.retryAfter >= 60 && out.retryAfter <= 90).toBe(true);
    // The token bucket ran for the first two requests only.
    engine.evaluate(new FakeRequest("POST", "/other").with("x-api-key", "k1"), ns(NOW), store, out);
    expect(headerOf(out.headers, "RateLimit-Remaining")).toBe("97");
  });
  it("reproduces the loop jitter examples of spec 9.4 (policy loopr, base 10)", () => {
    const engine = engineOf([loopPolicy("loopr", LoopAction.REJECT, 10, 2)]);
    const store = new MapStore();
    engine.evaluate(req("/loopr/a"), ns(NOW), store, out);
    engine.evaluate(req("/loopr/a"), ns(NOW), store, out);
    expect(headerOf(out.headers, "Retry-After")).toBe("14");
    engine.evaluate(req("/loopr/b"), ns(NOW), store, out);
    engine.evaluate(req("/loopr/b"), ns(NOW), store, out);
    expect(headerOf(out.headers, "Retry-After")).toBe("11");
  });
  it("restarts after the window of the first identical request", () => {
    const engine = engineOf([loopPolicy("lp", LoopAction.REJECT, 10, 2)]);
    const store = new MapStore();
    engine.evaluate(req(), ns(NOW), store, out);
    engine.evaluate(req(), ns(NOW + 10), store, out);
    expect(out.action).toBe(Action.ALLOW);
    expect(headerOf(out.headers, "X-Fairvisor-Loop-Count")).toBe("1");
  });
  it("throttle: 200 after count x 100 ms, RateLimit r=0;t=1, no warning, evaluation ends", () => {
    const engine = engineOf([loopPolicy("lp", LoopAction.THROTTLE, 60, 2)]);
    const store = new MapStore();
    engine.evaluate(req(), ns(NOW), store, out);
    engine.evaluate(req(), ns(NOW), store, out);
    engine.evaluate(req(), ns(NOW), store, out);
    expect(out.action).toBe(Action.THROTTLE);
    expect(out.status).toBe(200);
    expect(out.reason).toBe("loop_detected");
    expect(out.delayMs).toBe(300);
    expect(headerNames(out.headers)).toBe("RateLimit,X-Fairvisor-Loop-Count");
    expect(headerOf(out.headers, "RateLimit")).toBe("\"lp\";r=0;t=1");
  });
  it("throttle delay is capped at 30000 ms", () => {
    const engine = engineOf([loopPolicy("lp", LoopAction.THROTTLE, 60, 2)]);
    const store = new MapStore();
    for (let i = 0; i < 301; i++) engine.evaluate(req(), ns(NOW), store, out);
    expect(out.loopCount).toBe(301);
    expect(out.delayMs).toBe(30000);
  });
  it("warn (decision 4): loop_warn warning, evaluation goes on and the rules still run", () => {
    const engine = engineOf([loopPolicy("lp", LoopAction.WARN, 60, 2, 2)]);
    const store = new MapStore();
    engine.evaluate(req(), ns(NOW), store, out);
    engine.evaluate(req(), ns(NOW), store, out);
    expect(out.action).toBe(Action.ALLOW);
    expect(out.reason).toBe("loop_detected");
    expect(headerOf(out.headers, "X-Fairvisor-Warning")).toBe("loop_warn");
    expect(headerOf(out.headers, "X-Fairvisor-Loop-Count")).toBe("2");
    expect(headerOf(out.headers, "RateLimit-Remaining")).toBe("0");
    engine.evaluate(req(), ns(NOW), store, out); // the token bucket (burst 2) now rejects
    expect(out.action).toBe(Action.REJECT);
    expect(out.reason).toBe("token_bucket_exceeded");
    expect(headerOf(out.headers, "X-Fairvisor-Loop-Count")).toBe("3");
    expect(headerOf(out.headers, "X-Fairvisor-Warning")).toBe("<absent>");
  });
  it("a cost-stage throttle after a loop warn replaces it (throttle beats warn)", () => {
    const p = loopPolicy("lp", LoopAction.WARN, 60, 1);
    p.rules = [cbRule("c", costBased(1, P1H, [stage(50, StageAction.THROTTLE, 700), stage(100, StageAction.REJECT)]))];
    engineOf([p]).evaluate(req(), ns(NOW), new MapStore(), out);
    expect(out.action).toBe(Action.THROTTLE);
    expect(out.reason).toBe("budget_throttle");
    expect(out.delayMs).toBe(700);
    expect(headerOf(out.headers, "X-Fairvisor-Warning")).toBe("budget_throttle");
    expect(headerOf(out.headers, "X-Fairvisor-Loop-Count")).toBe("1");
  });
  it("shadow: a would-reject goes on to the next policy, counts under loop:shadow:, no count header", () => {
    const shadow = loopPolicy("a", LoopAction.REJECT, 60, 1);
    shadow.shadow = true;
    const engine = engineOf([shadow, prefixPolicy("b", "/", [tbRule("e", 1, 5)])]);
    const store = new MapStore();
    engine.evaluate(req(), ns(NOW), store, out);
    expect(out.action).toBe(Action.ALLOW);
    expect(out.wouldReject).toBe(true);
    expect(out.wouldRejectReason).toBe("loop_detected");
    expect(out.loopCount).toBe(1);
    expect(headerOf(out.headers, "X-Fairvisor-Loop-Count")).toBe("<absent>");
    expect(headerOf(out.headers, "RateLimit")).toBe("\"b\";r=4;t=1");
    const keys = store.keys();
    expect(keys[0].startsWith("loop:shadow:")).toBe(true);
  });
  it("fails open when the store is unavailable", () => {
    const engine = engineOf([loopPolicy("lp", LoopAction.REJECT, 60, 1)]);
    const store = new MapStore();
    store.unavailable = true;
    engine.evaluate(req(), ns(NOW), store, out);
    expect(out.action).toBe(Action.ALLOW);
    expect(out.storeErrors).toBe(2);
    expect(headerOf(out.headers, "X-Fairvisor-Loop-Count")).toBe("<absent>");
  });
});
