// Proves the per-policy pipeline of spec 7 step 5: rule selection with `match` (including the jwt
// raw-claim rule and the non-jwt quirk), the fallback, skipped rules (missing keys), rules of every
// algorithm running in order, cost resolution (fixed, header, query; spec 8.1), the counter-key composite, the store's
// fail-open accounting on the Decision, and header details (quoting, descriptors for debug).
import { Engine, EngineOptions } from "../engine/engine";
import { Action, Decision } from "../engine/decision";
import { Algorithm, CostBasedConfig, CostSource, Policy, Rule } from "../policy/model";
import {
  bundleOf, headerOf, jwt, ns, prefixPolicy, tbRule, withCost, withMatch,
} from "./helpers/bundles";
import { FakeRequest } from "./helpers/fake-request";
import { MapStore } from "./helpers/map-store";

const NOW: f64 = 1800000000;
const out = new Decision();

function engineOf(policies: Policy[]): Engine {
  return new Engine(bundleOf(policies), new EngineOptions());
}

function tokenOf(payload: string): string {
  return "Bearer " + jwt(payload);
}

describe("rule selection with match", () => {
  it("applies a rule only when every match entry equals the descriptor", () => {
    const engine = engineOf([prefixPolicy("p", "/", [
      withMatch(tbRule("gold", 1, 100, ["jwt:tier", "jwt:org"]), "jwt:tier", "gold"),
      withMatch(tbRule("free", 1, 5, ["jwt:tier", "jwt:org"]), "jwt:tier", "free"),
    ])]);
    const store = new MapStore();
    engine.evaluate(new FakeRequest().with("Authorization", tokenOf('{"tier":"free","org":"acme"}')), ns(NOW), store, out);
    expect(headerOf(out.headers, "RateLimit-Limit")).toBe("5");
    expect(store.keys().join(",")).toBe("tb:free:free|acme");
  });
  it("compares claim values as strings: a number claim matches \"42\"", () => {
    const engine = engineOf([prefixPolicy("p", "/", [withMatch(tbRule("r", 1, 7, ["jwt:plan"]), "jwt:plan", "42")])]);
    engine.evaluate(new FakeRequest().with("Authorization", tokenOf('{"plan":42}')), ns(NOW), new MapStore(), out);
    expect(headerOf(out.headers, "RateLimit-Limit")).toBe("7");
  });
  it("jwt match keys fall back to the raw claim when not extracted", () => {
    // jwt:role is only a match key; the raw claim decides.
    const engine = engineOf([prefixPolicy("p", "/", [withMatch(tbRule("admins", 1, 9, ["ip:address"]), "jwt:role", "admin")])]);
    engine.evaluate(new FakeRequest().with("Authorization", tokenOf('{"role":"admin"}')), ns(NOW), new MapStore(), out);
    expect(headerOf(out.headers, "RateLimit-Limit")).toBe("9");
    engine.evaluate(new FakeRequest().with("Authorization", tokenOf('{"role":"user"}')), ns(NOW), new MapStore(), out);
    expect(out.headers.length).toBe(0);
  });
  it("a non-jwt match key that the policy does not extract never matches (quirk)", () => {
    const engine = engineOf([prefixPolicy("p", "/", [withMatch(tbRule("h", 1, 9, ["ip:address"]), "header:x-plan", "pro")])]);
    engine.evaluate(new FakeRequest().with("x-plan", "pro"), ns(NOW), new MapStore(), out);
    expect(out.headers.length).toBe(0);
    expect(out.reason).toBe("all_rules_passed");
  });
  it("an entry whose bundle value was not a scalar never matches", () => {
    const rule = withMatch(tbRule("r", 1, 9, ["jwt:tier"]), "jwt:tier", "");
    rule.match[0].comparable = false;
    const engine = engineOf([prefixPolicy("p", "/", [rule])]);
    engine.evaluate(new FakeRequest().with("Authorization", tokenOf('{"tier":""}')), ns(NOW), new MapStore(), out);
    expect(out.headers.length).toBe(0);
  });
  it("uses the fallback only when no rule applies", () => {
    const p = prefixPolicy("p", "/", [withMatch(tbRule("gold", 1, 100, ["jwt:tier"]), "jwt:tier", "gold")]);
    p.fallback = tbRule("rule", 1, 3, ["ip:address"]);
    const engine = engineOf([p]);
    const store = new MapStore();
    engine.evaluate(new FakeRequest(), ns(NOW), store, out);
    expect(headerOf(out.headers, "RateLimit-Limit")).toBe("3");
    engine.evaluate(new FakeRequest().with("Authorization", tokenOf('{"tier":"gold"}')), ns(NOW), store, out);
    expect(headerOf(out.headers, "RateLimit-Limit")).toBe("100");
    expect(store.keys().join(",")).toBe("tb:gold:gold,tb:rule:127.0.0.1");
  });
  it("runs every applicable rule in order; the first reject wins and earlier consumption stays", () => {
    const engine = engineOf([prefixPolicy("p", "/", [tbRule("wide", 1, 10), tbRule("narrow", 1, 1)])]);
    const store = new MapStore();
    engine.evaluate(new FakeRequest(), ns(NOW), store, out);
    expect(headerOf(out.headers, "RateLimit-Limit")).toBe("1"); // headers of the last limiter
    engine.evaluate(new FakeRequest(), ns(NOW), store, out);
    expect(out.status).toBe(429);
    expect(out.ruleName).toBe("narrow");
    engine.evaluate(new FakeRequest(), ns(NOW), store, out);
    expect(out.status).toBe(429);
    // "wide" was charged on every request, including the rejected ones.
    expect(load<f64>(changetype<usize>(store.raw("tb:wide:")))).toBe(7);
  });
  it("a policy whose rules are all skipped contributes nothing", () => {
    const engine = engineOf([prefixPolicy("p", "/", [tbRule("k", 1, 1, ["header:x-missing"])])]);
    engine.evaluate(new FakeRequest(), ns(NOW), new MapStore(), out);
    expect(out.reason).toBe("all_rules_passed");
    expect(out.headers.length).toBe(0);
  });
  it("runs applicable rules of every algorithm in order; headers come from the last one", () => {
    const cost = new Rule();
    cost.name = "budget";
    cost.algorithm = Algorithm.COST_BASED;
    const config = new CostBasedConfig();
    config.budget = 10;
    config.periodSeconds = 300;
    cost.costBased = config;
    const engine = engineOf([prefixPolicy("p", "/", [cost, tbRule("tb", 1, 4)])]);
    const store = new MapStore();
    engine.evaluate(new FakeRequest(), ns(NOW), store, out);
    expect(store.keys().join(",")).toBe("cb:budget::1800000000,tb:tb:");
    expect(headerOf(out.headers, "RateLimit-Limit")).toBe("4");
  });
});

function remainingAfter(rule: Rule, req: FakeRequest): string {
  const engine = engineOf([prefixPolicy("p", "/", [rule])]);
  engine.evaluate(req, ns(NOW), new MapStore(), out);
  return headerOf(out.headers, "RateLimit-Remaining");
}

function headerCostRule(): Rule {
  return withCost(tbRule("r", 1, 10), CostSource.HEADER, "X-Cost", 1, 2);
}

function queryCostRule(): Rule {
  return withCost(tbRule("r", 1, 10), CostSource.QUERY, "units", 1, 1);
}

describe("cost resolution (spec 8.1)", () => {
  it("fixed cost, and ≤ 0 becomes 1", () => {
    expect(remainingAfter(withCost(tbRule("r", 1, 10), CostSource.FIXED, "", 3), new FakeRequest())).toBe("7");
    expect(remainingAfter(withCost(tbRule("r", 1, 10), CostSource.FIXED, "", -2), new FakeRequest())).toBe("9");
  });
  it("header cost, case-insensitive name (decision 8); invalid or ≤ 0 gives default_cost", () => {
    expect(remainingAfter(headerCostRule(), new FakeRequest().with("x-cost", "4"))).toBe("6");
    expect(remainingAfter(headerCostRule(), new FakeRequest().with("X-COST", " 2.5 "))).toBe("7");
    expect(remainingAfter(headerCostRule(), new FakeRequest().with("x-cost", "abc"))).toBe("8");
    expect(remainingAfter(headerCostRule(), new FakeRequest().with("x-cost", "-1"))).toBe("8");
    expect(remainingAfter(headerCostRule(), new FakeRequest())).toBe("8");
  });
  it("query cost reads the request path's query (decision 7)", () => {
    expect(remainingAfter(queryCostRule(), new FakeRequest("GET", "/x?units=5"))).toBe("5");
    expect(remainingAfter(queryCostRule(), new FakeRequest("GET", "/x?units=0x3"))).toBe("7");
    expect(remainingAfter(queryCostRule(), new FakeRequest("GET", "/x"))).toBe("9");
  });
});

describe("store failures on the decision", () => {
  it("fails open when the store is unavailable and counts it", () => {
    const store = new MapStore();
    store.unavailable = true;
    const engine = engineOf([prefixPolicy("p", "/", [tbRule("r", 1, 1)])]);
    engine.evaluate(new FakeRequest(), ns(NOW), store, out);
    expect(out.action).toBe(Action.ALLOW);
    expect(out.storeErrors).toBe(1);
    expect(out.headers.length).toBe(0);
  });
  it("counts CAS retries", () => {
    const store = new MapStore();
    const engine = engineOf([prefixPolicy("p", "/", [tbRule("r", 1, 5)])]);
    engine.evaluate(new FakeRequest(), ns(NOW), store, out);
    store.pendingMismatches = 2;
    engine.evaluate(new FakeRequest(), ns(NOW), store, out);
    expect(out.casRetries).toBe(2);
    expect(out.storeErrors).toBe(0);
    expect(headerOf(out.headers, "RateLimit-Remaining")).toBe("3");
  });
});

describe("headers and debug descriptors", () => {
  it("quotes the policy id in RateLimit, escaping backslash and quote", () => {
    const engine = engineOf([prefixPolicy("we\"ird\\id", "/", [tbRule("r", 1, 5)])]);
    engine.evaluate(new FakeRequest(), ns(NOW), new MapStore(), out);
    expect(headerOf(out.headers, "RateLimit")).toBe("\"we\\\"ird\\\\id\";r=4;t=1");
  });
  it("writes fractional numbers the way Lua prints them", () => {
    const engine = engineOf([prefixPolicy("p", "/", [tbRule("r", 0.5, 2.5)])]);
    engine.evaluate(new FakeRequest(), ns(NOW), new MapStore(), out);
    expect(headerOf(out.headers, "RateLimit-Limit")).toBe("2.5");
    expect(headerOf(out.headers, "RateLimit-Remaining")).toBe("1");
  });
  it("lists present descriptors of the last evaluated policy, sorted by key", () => {
    const engine = engineOf([prefixPolicy("p", "/", [tbRule("r", 1, 5, ["ip:address", "header:x-b", "header:x-a", "jwt:none"])])]);
    engine.evaluate(new FakeRequest().with("x-a", "1").with("x-b", "2"), ns(NOW), new MapStore(), out);
    expect(out.descriptors.join(",")).toBe("header:x-a,1,header:x-b,2,ip:address,127.0.0.1");
  });
  it("joins composite values with | in limit_keys order", () => {
    const engine = engineOf([prefixPolicy("p", "/", [tbRule("r", 1, 5, ["header:x-b", "header:x-a"])])]);
    const store = new MapStore();
    engine.evaluate(new FakeRequest().with("x-a", "A").with("x-b", "B"), ns(NOW), store, out);
    expect(store.keys().join(",")).toBe("tb:r:B|A");
  });
});
