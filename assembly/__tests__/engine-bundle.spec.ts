// Proves the engine on bundles loaded from real JSON by assembly/policy/loader.ts: the 9.3 worked example,
// a kill switch, the `rps` alias (decision 5), selector hosts/methods and global_shadow as the loader
// compiles them.
import { Engine, EngineOptions } from "../engine/engine";
import { Decision } from "../engine/decision";
import { loadBundle } from "../policy/loader";
import { Bundle } from "../policy/model";
import { headerOf, jwt, ns } from "./helpers/bundles";
import { FakeRequest } from "./helpers/fake-request";
import { MapStore } from "./helpers/map-store";

const NOW: f64 = 1800000000;
const out = new Decision();

function load(text: string): Bundle {
  const result = loadBundle(text, i64(NOW));
  expect(result.fatalError).toBe("");
  expect(result.policyErrors.length).toBe(0);
  const b = result.bundle;
  if (b === null) return new Bundle();
  return b;
}

const WORKED = `{
  "bundle_version": 3,
  "policies": [{
    "id": "tb-basic",
    "spec": {
      "selector": { "pathPrefix": "/api" , "methods": ["GET"] },
      "rules": [{ "name": "basic", "limit_keys": ["header:X-Api-Key"], "algorithm": "token_bucket",
                  "algorithm_config": { "tokens_per_second": 1, "burst": 2 } }]
    }
  }]
}`;

describe("loaded bundles", () => {
  it("reproduces the spec 9.3 worked example", () => {
    const engine = new Engine(load(WORKED), new EngineOptions());
    const store = new MapStore();
    const req = new FakeRequest("GET", "/api/items").with("x-api-key", "k");
    engine.evaluate(req, ns(NOW), store, out);
    expect(headerOf(out.headers, "RateLimit")).toBe("\"tb-basic\";r=1;t=1");
    engine.evaluate(req, ns(NOW), store, out);
    expect(headerOf(out.headers, "RateLimit-Remaining")).toBe("0");
    engine.evaluate(req, ns(NOW), store, out);
    expect(out.status).toBe(429);
    expect(headerOf(out.headers, "Retry-After")).toBe("2");
    expect(headerOf(out.headers, "RateLimit-Reset")).toBe("1");
    expect(store.keys().join(",")).toBe("tb:basic:k");
  });
  it("honours the selector's methods and the /api → /api/ prefix", () => {
    const engine = new Engine(load(WORKED), new EngineOptions());
    engine.evaluate(new FakeRequest("POST", "/api/items").with("x-api-key", "k"), ns(NOW), new MapStore(), out);
    expect(out.reason).toBe("no_matching_policy");
    engine.evaluate(new FakeRequest("GET", "/api").with("x-api-key", "k"), ns(NOW), new MapStore(), out);
    expect(out.reason).toBe("no_matching_policy");
  });
  it("applies kill switches, hosts and the rps alias", () => {
    const text = `{
      "bundle_version": 1,
      "kill_switches": [{ "scope_key": "jwt:org", "scope_value": "banned", "reason": "abuse" }],
      "policies": [{
        "id": "hosted",
        "spec": {
          "selector": { "pathExact": "/v1/chat", "hosts": ["API.Example.com"] },
          "rules": [{ "name": "per-org", "limit_keys": ["jwt:org"], "algorithm": "token_bucket",
                      "algorithm_config": { "rps": 2, "burst": 4 } }]
        }
      }]
    }`;
    const engine = new Engine(load(text), new EngineOptions());
    const store = new MapStore();
    const token = "Bearer " + jwt('{"org":"acme"}');
    engine.evaluate(new FakeRequest("POST", "/v1/chat", "api.example.com:443").with("Authorization", token), ns(NOW), store, out);
    expect(headerOf(out.headers, "RateLimit")).toBe("\"hosted\";r=3;t=1");
    engine.evaluate(new FakeRequest("POST", "/v1/chat", "other.example.com").with("Authorization", token), ns(NOW), store, out);
    expect(out.reason).toBe("no_matching_policy");
    engine.evaluate(new FakeRequest("POST", "/v1/chat").with("Authorization", "Bearer " + jwt('{"org":"banned"}')), ns(NOW), store, out);
    expect(out.reason).toBe("kill_switch");
    expect(out.status).toBe(429);
  });
  it("treats every policy as shadow while global_shadow is active", () => {
    const text = `{
      "bundle_version": 1,
      "global_shadow": { "enabled": true, "reason": "rollout", "expires_at": "2030-01-01T00:00:00Z" },
      "policies": [{ "id": "p", "spec": { "selector": { "pathPrefix": "/" },
        "rules": [{ "name": "one", "limit_keys": [], "algorithm": "token_bucket",
                    "algorithm_config": { "tokens_per_second": 1, "burst": 1 } }] } }]
    }`;
    const engine = new Engine(load(text), new EngineOptions());
    const store = new MapStore();
    engine.evaluate(new FakeRequest(), ns(NOW), store, out);
    engine.evaluate(new FakeRequest(), ns(NOW), store, out);
    expect(out.status).toBe(200);
    expect(out.wouldReject).toBe(true);
    expect(store.keys().join(",")).toBe("shadow:tb:one:");
  });
});
