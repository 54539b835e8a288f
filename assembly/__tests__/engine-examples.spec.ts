// Proves that every example bundle of the reference (fixtures/fairvisor-examples, pasted in
// policy-example-bundles.ts) behaves through the engine as the spec describes: token bucket (8.1),
// shadow with loop detection (7.1, decisions 2 and 3), kill switch (8.4), cost budget stages (8.2),
// LLM limits with reservations (8.3; `default_max_completion_tokens` is not a field, so the default
// 1000 applies, spec 17.21), loop detection (8.5) and the circuit breaker with alert and reset (8.6).
import { Engine, EngineOptions } from "../engine/engine";
import { Action, Decision } from "../engine/decision";
import { Bundle } from "../policy/model";
import { loadBundle } from "../policy";
import { headerNames, headerOf, jwt, ns } from "./helpers/bundles";
import { FakeRequest } from "./helpers/fake-request";
import { MapStore } from "./helpers/map-store";
import {
  CIRCUIT_BREAKER_POLICY, COST_BUDGET_POLICY, KILL_SWITCH_POLICY, LLM_RATE_LIMIT_POLICY, LOOP_DETECTION_POLICY,
  MINIMAL_POLICY, SHADOW_MODE_POLICY,
} from "./policy-example-bundles";

const NOW: f64 = 1800000000; // 2027-01-15 08:00:00 UTC, inside every example's validity
const out = new Decision();

function engineFor(text: string): Engine {
  const r = loadBundle(text, i64(NOW));
  const b = r.bundle;
  expect(b !== null).toBe(true);
  expect(r.policyErrors.length).toBe(0);
  return new Engine(b !== null ? b : new Bundle(), new EngineOptions());
}

function bearer(orgId: string): string {
  return "Bearer " + jwt("{\"sub\":\"u1\",\"org_id\":\"" + orgId + "\"}");
}

describe("minimal-policy.json", () => {
  it("token bucket burst 100 per x-api-key on GET/POST /api/", () => {
    const engine = engineFor(MINIMAL_POLICY);
    const store = new MapStore();
    engine.evaluate(new FakeRequest("GET", "/api/items").with("x-api-key", "k"), ns(NOW), store, out);
    expect(headerOf(out.headers, "RateLimit-Limit")).toBe("100");
    expect(headerOf(out.headers, "RateLimit-Remaining")).toBe("99");
    expect(headerOf(out.headers, "RateLimit")).toBe("\"minimal-policy\";r=99;t=1");
    for (let i = 0; i < 99; i++) engine.evaluate(new FakeRequest("POST", "/api/items").with("x-api-key", "k"), ns(NOW), store, out);
    expect(out.action).toBe(Action.ALLOW);
    engine.evaluate(new FakeRequest("GET", "/api/items").with("x-api-key", "k"), ns(NOW), store, out);
    expect(out.reason).toBe("token_bucket_exceeded");
    expect(out.retryAfter >= 1 && out.retryAfter <= 2).toBe(true);
    engine.evaluate(new FakeRequest("GET", "/api/items"), ns(NOW), store, out);
    expect(out.reason).toBe("all_rules_passed");
    expect(out.headers.length).toBe(0);
    engine.evaluate(new FakeRequest("DELETE", "/api/items").with("x-api-key", "k"), ns(NOW), store, out);
    expect(out.reason).toBe("no_matching_policy");
  });
});

describe("shadow-mode-policy.json", () => {
  it("never rejects: loop and bucket would-rejects are recorded, shadow counters only", () => {
    const engine = engineFor(SHADOW_MODE_POLICY);
    const store = new MapStore();
    for (let i = 1; i <= 45; i++) {
      engine.evaluate(new FakeRequest("GET", "/api/x").with("x-api-key", "k"), ns(NOW), store, out);
      expect(out.action).toBe(Action.ALLOW);
      expect(out.status).toBe(200);
      expect(out.wouldReject).toBe(i >= 5); // loop threshold 5 (window 60 s)
      expect(headerOf(out.headers, "X-Fairvisor-Reason")).toBe("<absent>");
      expect(headerOf(out.headers, "Retry-After")).toBe("<absent>");
      expect(headerOf(out.headers, "X-Fairvisor-Loop-Count")).toBe("<absent>");
    }
    expect(out.wouldRejectReason).toBe("loop_detected");
    expect(out.loopCount).toBe(45);
    // The shadow bucket (burst 40) ran dry too: remaining 0, allow-style headers.
    expect(headerOf(out.headers, "RateLimit-Remaining")).toBe("0");
    const keys = store.keys();
    expect(keys.length).toBe(2);
    expect(keys[0].startsWith("loop:shadow:")).toBe(true);
    expect(keys[1]).toBe("shadow:tb:shadow-rate-limit:k");
  });
});

describe("kill-switch-policy.json", () => {
  it("rejects tenant-42 with kill_switch and lets other tenants through", () => {
    const engine = engineFor(KILL_SWITCH_POLICY);
    const store = new MapStore();
    engine.evaluate(new FakeRequest("GET", "/anything").with("x-tenant-id", "tenant-42"), ns(NOW), store, out);
    expect(out.status).toBe(429);
    expect(out.reason).toBe("kill_switch");
    expect(headerOf(out.headers, "RateLimit-Reset")).toBe("3600");
    expect(headerOf(out.headers, "RateLimit")).toBe("\"default\";r=0;t=3600");
    expect(out.retryAfter >= 3600 && out.retryAfter <= 5400).toBe(true);
    expect(store.size).toBe(0);
    engine.evaluate(new FakeRequest("GET", "/anything").with("x-tenant-id", "tenant-7"), ns(NOW), store, out);
    expect(out.status).toBe(200);
    expect(headerOf(out.headers, "RateLimit-Limit")).toBe("40");
  });
});

describe("cost-budget-policy.json", () => {
  it("budget 5000 per 5 minutes: warn from 80%, throttle 200 ms from 95%, reject over 100%", () => {
    const engine = engineFor(COST_BUDGET_POLICY);
    const store = new MapStore();
    for (let i = 1; i <= 5001; i++) {
      engine.evaluate(new FakeRequest("POST", "/v1/run").with("x-api-key", "k"), ns(NOW + 1), store, out);
      if (i == 3999) expect(out.reason).toBe("all_rules_passed");
      if (i == 4000) {
        expect(out.reason).toBe("budget_warn");
        expect(headerOf(out.headers, "X-Fairvisor-Warning")).toBe("budget_warn");
      }
      if (i == 4749) expect(out.reason).toBe("budget_warn");
      if (i == 4750 || i == 5000) {
        expect(out.action).toBe(Action.THROTTLE);
        expect(out.delayMs).toBe(200);
        expect(headerOf(out.headers, "X-Fairvisor-Warning")).toBe("budget_throttle");
      }
    }
    expect(out.action).toBe(Action.REJECT);
    expect(out.reason).toBe("budget_exceeded");
    expect(headerOf(out.headers, "RateLimit-Reset")).toBe("299");
    expect(headerOf(out.headers, "RateLimit")).toBe("\"cost-budget-policy\";r=0;t=299");
    expect(out.retryAfter >= 150 && out.retryAfter <= 299).toBe(true);
    expect(store.keys().join(",")).toBe("cb:5m-cost-window:k:1800000000");
    // The next 5-minute window starts over.
    engine.evaluate(new FakeRequest("POST", "/v1/run").with("x-api-key", "k"), ns(NOW + 300), store, out);
    expect(out.reason).toBe("all_rules_passed");
  });
});

describe("llm-rate-limit-policy.json", () => {
  it("reserves prompt + 1000 per request against 120,000 TPM per org_id; the 120th is tpm_exceeded", () => {
    const engine = engineFor(LLM_RATE_LIMIT_POLICY);
    const store = new MapStore();
    const body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"ab\"}]}";
    const first = new FakeRequest("POST", "/v1/chat/completions").with("authorization", bearer("org-1")).withBody(body);
    expect(engine.needsBody(first, ns(NOW))).toBe(true);
    engine.evaluate(first, ns(NOW), store, out);
    expect(out.reason).toBe("all_rules_passed");
    expect(out.reservations.length).toBe(1);
    const r = out.reservations[0];
    expect(r.reserved).toBe(1001);
    expect(r.tpmKey).toBe("tpm:llm:llm-token-limit:org-1");
    expect(r.tpdKey).toBe("tpd:llm:llm-token-limit:org-1:20270115");
    for (let i = 2; i <= 119; i++) {
      engine.evaluate(new FakeRequest("POST", "/v1/chat/completions").with("authorization", bearer("org-1")).withBody(body), ns(NOW), store, out);
    }
    expect(out.action).toBe(Action.ALLOW);
    engine.evaluate(new FakeRequest("POST", "/v1/chat/completions").with("authorization", bearer("org-1")).withBody(body), ns(NOW), store, out);
    expect(out.reason).toBe("tpm_exceeded");
    expect(headerOf(out.headers, "RateLimit-Limit")).toBe("120000");
    expect(out.errorDetails).toBe("{\"reason\":\"tpm_exceeded\",\"limit\":120000,\"requested\":1001}");
    // Another org has its own bucket; a request without org_id skips the rule.
    engine.evaluate(new FakeRequest("POST", "/v1/chat/completions").with("authorization", bearer("org-2")).withBody(body), ns(NOW), store, out);
    expect(out.action).toBe(Action.ALLOW);
    const anonymous = new FakeRequest("POST", "/v1/chat/completions").withBody(body);
    expect(engine.needsBody(anonymous, ns(NOW))).toBe(false);
    engine.evaluate(anonymous, ns(NOW), store, out);
    expect(out.reservations.length).toBe(0);
    expect(out.headers.length).toBe(0);
  });
});

describe("loop-detection-policy.json", () => {
  it("the 10th identical request within 60 s is rejected with loop_detected", () => {
    const engine = engineFor(LOOP_DETECTION_POLICY);
    const store = new MapStore();
    for (let i = 1; i <= 9; i++) {
      engine.evaluate(new FakeRequest("POST", "/v1/chat/completions").with("x-api-key", "k"), ns(NOW + f64(i)), store, out);
      expect(out.action).toBe(Action.ALLOW);
      expect(headerOf(out.headers, "X-Fairvisor-Loop-Count")).toBe(i.toString());
    }
    engine.evaluate(new FakeRequest("POST", "/v1/chat/completions").with("x-api-key", "k"), ns(NOW + 10), store, out);
    expect(out.reason).toBe("loop_detected");
    expect(headerOf(out.headers, "RateLimit")).toBe("\"loop-detection-policy\";r=0;t=60");
    expect(headerOf(out.headers, "X-Fairvisor-Loop-Count")).toBe("10");
    // A different body-less request (other path) is not a loop.
    engine.evaluate(new FakeRequest("POST", "/v1/chat/other").with("x-api-key", "k"), ns(NOW + 10), store, out);
    expect(out.action).toBe(Action.ALLOW);
  });
});

describe("circuit-breaker-policy.json", () => {
  it("trips at 1000 per minute with an alert, reopens after 5 minutes", () => {
    const engine = engineFor(CIRCUIT_BREAKER_POLICY);
    const store = new MapStore();
    for (let i = 1; i <= 999; i++) {
      engine.evaluate(new FakeRequest("POST", "/v1/x").with("authorization", bearer("org-1")), ns(NOW), store, out);
    }
    expect(out.action).toBe(Action.ALLOW);
    expect(headerNames(out.headers)).toBe("RateLimit");
    engine.evaluate(new FakeRequest("POST", "/v1/x").with("authorization", bearer("org-1")), ns(NOW), store, out);
    expect(out.reason).toBe("circuit_breaker_open");
    expect(out.breakerAlert).toBe(true);
    expect(out.breakerPolicyId).toBe("circuit-breaker-policy");
    expect(store.has("cb_state:cb:circuit-breaker-policy:org-1")).toBe(true);
    engine.evaluate(new FakeRequest("POST", "/v1/x").with("authorization", bearer("org-1")), ns(NOW + 299), store, out);
    expect(out.reason).toBe("circuit_breaker_open");
    engine.evaluate(new FakeRequest("POST", "/v1/x").with("authorization", bearer("org-1")), ns(NOW + 300), store, out);
    expect(out.action).toBe(Action.ALLOW);
    expect(out.breakerAlert).toBe(false);
  });
});
