// Proves kill switches (spec 7 step 3, 8.4): global (even with no matching policy), never shadowed,
// consume nothing, expiry, route (path without query, decision 7), kill_switch_override, and the exact
// reject headers including the jittered Retry-After of the spec 9.4 table.
import { Engine, EngineOptions } from "../engine/engine";
import { Action, Decision } from "../engine/decision";
import { Bundle } from "../policy/model";
import {
  bundleOf, headerNames, headerOf, jwt, killSwitch, ns, prefixPolicy, runtimeOverride, tbRule,
} from "./helpers/bundles";
import { FakeRequest } from "./helpers/fake-request";
import { MapStore } from "./helpers/map-store";

const NOW: f64 = 1800000000;

function bundleWithSwitches(): Bundle {
  const b = bundleOf([prefixPolicy("api", "/api/", [tbRule("r", 1, 10)])]);
  b.killSwitches = [
    killSwitch("jwt:sub", "jitter-user-a"),
    killSwitch("header:x-tenant", "evil", null, i64(NOW) - 1), // expired
    killSwitch("header:x-tenant", "edge", null, i64(NOW)), // expires exactly now: still active
    killSwitch("ip:address", "10.9.9.9", "/ks/exact"),
  ];
  return b;
}

const out = new Decision();

function run(engine: Engine, store: MapStore, req: FakeRequest, at: f64 = NOW): void {
  engine.evaluate(req, ns(at), store, out);
}

describe("kill switches", () => {
  it("rejects a matching scope with reason kill_switch and spec 8.4 headers", () => {
    const store = new MapStore();
    const engine = new Engine(bundleWithSwitches(), new EngineOptions());
    run(engine, store, new FakeRequest("POST", "/api/v1/chat").with("Authorization", "Bearer " + jwt('{"sub":"jitter-user-a"}')));
    expect(out.action).toBe(Action.REJECT);
    expect(out.status).toBe(429);
    expect(out.reason).toBe("kill_switch");
    expect(out.mode).toBe("enforce");
    expect(out.policyId).toBe("");
    expect(out.retryAfter).toBe(4800); // spec 9.4 table
    expect(headerNames(out.headers)).toBe("Retry-After,RateLimit-Reset,RateLimit,X-Fairvisor-Reason");
    expect(headerOf(out.headers, "Retry-After")).toBe("4800");
    expect(headerOf(out.headers, "RateLimit-Reset")).toBe("3600");
    expect(headerOf(out.headers, "RateLimit")).toBe("\"default\";r=0;t=3600");
    expect(headerOf(out.headers, "X-Fairvisor-Reason")).toBe("kill_switch");
    expect(store.writes).toBe(0); // consumes nothing
  });
  it("applies even when no policy matches the route", () => {
    const engine = new Engine(bundleWithSwitches(), new EngineOptions());
    run(engine, new MapStore(), new FakeRequest("GET", "/elsewhere").with("x-tenant", "edge"));
    expect(out.reason).toBe("kill_switch");
  });
  it("skips an entry whose expires_at is earlier than now, keeps one expiring now", () => {
    const engine = new Engine(bundleWithSwitches(), new EngineOptions());
    run(engine, new MapStore(), new FakeRequest("GET", "/elsewhere").with("x-tenant", "evil"));
    expect(out.reason).toBe("no_matching_policy");
    run(engine, new MapStore(), new FakeRequest("GET", "/elsewhere").with("x-tenant", "edge"), NOW + 0.5);
    expect(out.reason).toBe("no_matching_policy");
  });
  it("compares the scope value case-sensitively", () => {
    const engine = new Engine(bundleWithSwitches(), new EngineOptions());
    run(engine, new MapStore(), new FakeRequest("GET", "/x").with("x-tenant", "EDGE"));
    expect(out.reason).toBe("no_matching_policy");
  });
  it("route must equal the path without query (decision 7); jitter for no sub /ks/exact is 4917", () => {
    const engine = new Engine(bundleWithSwitches(), new EngineOptions());
    run(engine, new MapStore(), new FakeRequest("GET", "/ks/exact", "h", "10.9.9.9"));
    expect(out.reason).toBe("kill_switch");
    run(engine, new MapStore(), new FakeRequest("GET", "/ks/exact?x=1", "h", "10.9.9.9"));
    expect(out.reason).toBe("kill_switch");
    run(engine, new MapStore(), new FakeRequest("GET", "/ks/exact/", "h", "10.9.9.9"));
    expect(out.reason).toBe("no_matching_policy");
    run(engine, new MapStore(), new FakeRequest("GET", "/ks/other", "h", "10.9.9.9"));
    expect(out.reason).toBe("no_matching_policy");

    const b = bundleOf([]);
    b.killSwitches = [killSwitch("ip:address", "127.0.0.1", "/ks/exact")];
    run(new Engine(b, new EngineOptions()), new MapStore(), new FakeRequest("GET", "/ks/exact"));
    expect(headerOf(out.headers, "Retry-After")).toBe("4917");
  });
  it("is skipped while kill_switch_override is active, and again enforced after it expires", () => {
    const b = bundleWithSwitches();
    b.killSwitchOverride = runtimeOverride(true, i64(NOW) + 60);
    const engine = new Engine(b, new EngineOptions());
    const store = new MapStore();
    const req = new FakeRequest("GET", "/api/x").with("x-tenant", "edge");
    run(engine, store, req, NOW - 10);
    expect(out.reason).toBe("all_rules_passed");
    run(engine, store, req, NOW + 60); // expires_at > now is false at expiry
    expect(out.reason).toBe("all_rules_passed"); // the x-tenant=edge entry itself expired at NOW
    run(engine, store, new FakeRequest("GET", "/api/x").with("Authorization", "Bearer " + jwt('{"sub":"jitter-user-a"}')), NOW + 60);
    expect(out.reason).toBe("kill_switch");
  });
  it("a disabled override does nothing", () => {
    const b = bundleWithSwitches();
    b.killSwitchOverride = runtimeOverride(false, i64(NOW) + 60);
    run(new Engine(b, new EngineOptions()), new MapStore(), new FakeRequest("GET", "/x").with("x-tenant", "edge"));
    expect(out.reason).toBe("kill_switch");
  });
  it("is never shadowed: global_shadow and shadow policies still get a 429", () => {
    const b = bundleWithSwitches();
    b.globalShadow = runtimeOverride(true, i64(NOW) + 60);
    b.policies[0].shadow = true;
    run(new Engine(b, new EngineOptions()), new MapStore(), new FakeRequest("GET", "/api/x").with("x-tenant", "edge"));
    expect(out.status).toBe(429);
    expect(out.mode).toBe("enforce");
    expect(out.reason).toBe("kill_switch");
  });
  it("reproduces the spec 9.4 kill-switch values for users b, c, d", () => {
    const engine = new Engine(bundleWithSwitches(), new EngineOptions());
    const b = bundleOf([]);
    b.killSwitches = [killSwitch("ip:address", "127.0.0.1")];
    const all = new Engine(b, new EngineOptions());
    run(all, new MapStore(), new FakeRequest("POST", "/api/v1/chat").with("Authorization", "Bearer " + jwt('{"sub":"jitter-user-b"}')));
    expect(out.retryAfter).toBe(4998);
    run(all, new MapStore(), new FakeRequest("POST", "/api/v1/chat").with("Authorization", "Bearer " + jwt('{"sub":"jitter-user-c"}')));
    expect(out.retryAfter).toBe(4953);
    run(all, new MapStore(), new FakeRequest("POST", "/api/v1/chat").with("Authorization", "Bearer " + jwt('{"user_id":"jitter-user-d"}')));
    expect(out.retryAfter).toBe(5246); // user_id stands in for a missing sub
    run(engine, new MapStore(), new FakeRequest("GET", "/x"));
    expect(out.reason).toBe("no_matching_policy");
  });
});
