// GET /metrics (spec section 10, project decision 15): the 18 families of the original are always listed,
// each decision is counted once with bounded labels (route = the deciding policy's selector, never the raw
// path), the bundle's version and hash are exported, host health comes from the wasm's own counters.
// Labels, reasons and rules come from the wasm's X-Fairvisor-Decision-Info (gateways/standalone/
// decision-facts.ts), which no client ever sees.
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { DecisionService } from "../gateways/standalone/service.js";
import { startService, tokenBucketBundle, type Started } from "./support/service-harness.js";

const running: DecisionService[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

const SPEC_FAMILIES: Array<[string, string]> = [
  ["fairvisor_decisions_total", "counter"],
  ["fairvisor_decision_duration_seconds", "histogram"],
  ["fairvisor_ratelimit_remaining", "gauge"],
  ["fairvisor_tokens_consumed_total", "counter"],
  ["fairvisor_tokens_remaining", "gauge"],
  ["fairvisor_token_estimation_accuracy_ratio", "gauge"],
  ["fairvisor_token_reservation_unused_total", "counter"],
  ["fairvisor_loop_detected_total", "counter"],
  ["fairvisor_circuit_state", "gauge"],
  ["fairvisor_kill_switch_active", "gauge"],
  ["fairvisor_shadow_mode_active", "gauge"],
  ["fairvisor_global_shadow_active", "gauge"],
  ["fairvisor_kill_switch_override_active", "gauge"],
  ["fairvisor_saas_reachable", "gauge"],
  ["fairvisor_saas_calls_total", "counter"],
  ["fairvisor_events_sent_total", "counter"],
  ["fairvisor_config_info", "gauge"],
  ["fairvisor_build_info", "gauge"],
];
const HEALTH_FAMILIES: Array<[string, string]> = [
  ["fairvisor_wasm_traps_total", "counter"],
  ["fairvisor_cas_retries_total", "counter"],
  ["fairvisor_store_errors_total", "counter"],
  ["fairvisor_bundle_reloads_total", "counter"],
];

async function start(bundle: string): Promise<Started> {
  const s = await startService(bundle);
  running.push(s.service);
  return s;
}
const metrics = async (s: Started) => (await fetch(`${s.base}/metrics`)).text();
/** Every answer is also checked for the decision info, which is the service's alone. */
const ask = (s: Started, uri: string, key = "k") =>
  fetch(`${s.base}/v1/decision`, { headers: { "x-original-method": "GET", "x-original-uri": uri, "x-api-key": key } }).then((r) => {
    expect(r.headers.get("x-fairvisor-decision-info")).toBeNull();
    return r.status;
  });
/** The sample lines of one family. */
const samples = (text: string, name: string) => text.split("\n").filter((l) => l.startsWith(name + "{") || l.startsWith(name + " "));

describe("/metrics", () => {
  it("lists the 18 families of spec 10 and the host-health families with their types, before any decision", async () => {
    const s = await start(tokenBucketBundle(1));
    const text = await metrics(s);
    for (const [name, type] of [...SPEC_FAMILIES, ...HEALTH_FAMILIES]) {
      expect([name, text.includes(`# TYPE ${name} ${type}\n`)]).toEqual([name, true]);
      expect(text).toMatch(new RegExp(`# HELP ${name} \\S`));
    }
    expect(samples(text, "fairvisor_build_info")).toEqual(['fairvisor_build_info{version="0.1.0"} 1']);
    const hash = createHash("sha1").update(tokenBucketBundle(1)).digest("base64");
    expect(samples(text, "fairvisor_config_info")).toEqual([`fairvisor_config_info{version="1",hash="${hash}"} 1`]);
    expect(samples(text, "fairvisor_decisions_total")).toEqual([]);
  });

  it("each decision is counted once, labelled by action, policy, exact reason and the policy's selector", async () => {
    const s = await start(tokenBucketBundle(1, { burst: 2, id: "tb" }));
    expect([await ask(s, "/api/a?x=1"), await ask(s, "/api/b"), await ask(s, "/api/c"), await ask(s, "/web/x")]).toEqual([200, 200, 429, 200]);
    const text = await metrics(s);
    expect(samples(text, "fairvisor_decisions_total")).toEqual([
      'fairvisor_decisions_total{action="allow",policy="tb",reason="all_rules_passed",route="/api/"} 2',
      'fairvisor_decisions_total{action="reject",policy="tb",reason="token_bucket_exceeded",route="/api/"} 1',
      'fairvisor_decisions_total{action="allow",policy="none",reason="no_matching_policy",route="none"} 1',
    ]);
    expect(samples(text, "fairvisor_decision_duration_seconds_count")).toEqual([
      'fairvisor_decision_duration_seconds_count{route="/api/",mode="enforce"} 3',
      'fairvisor_decision_duration_seconds_count{route="none",mode="enforce"} 1',
    ]);
    expect(samples(text, "fairvisor_ratelimit_remaining")).toEqual(['fairvisor_ratelimit_remaining{window="request",policy="tb",route="/api/"} 0']);
    expect(samples(text, "fairvisor_wasm_traps_total")).toEqual(["fairvisor_wasm_traps_total 0"]);
  });

  it("a shadow would-reject is seen through the decision info: allowed, counted as shadow_reject with its policy and reason, logged", async () => {
    const s = await start(tokenBucketBundle(1, { burst: 1, id: "sh", shadow: true }));
    expect([await ask(s, "/api/a"), await ask(s, "/api/a")]).toEqual([200, 200]);
    const text = await metrics(s);
    expect(samples(text, "fairvisor_decisions_total")).toEqual([
      'fairvisor_decisions_total{action="allow",policy="sh",reason="all_rules_passed",route="/api/"} 1',
      'fairvisor_decisions_total{action="shadow_reject",policy="sh",reason="token_bucket_exceeded",route="/api/"} 1',
    ]);
    expect(samples(text, "fairvisor_decision_duration_seconds_count")).toEqual([
      'fairvisor_decision_duration_seconds_count{route="/api/",mode="enforce"} 1',
      'fairvisor_decision_duration_seconds_count{route="/api/",mode="shadow"} 1',
    ]);
    expect(samples(text, "fairvisor_shadow_mode_active")).toEqual(['fairvisor_shadow_mode_active{scope="request"} 1']);
    const lines = s.log.events("decision");
    expect(lines).toEqual([
      {
        level: "info",
        event: "decision",
        action: "shadow_reject",
        policy: "sh",
        rule: "per-key",
        reason: "token_bucket_exceeded",
        route: "/api/",
        key_hash: createHash("sha256").update("k|127.0.0.1").digest("hex").slice(0, 16),
        method: "GET",
        path: "/api/a",
      },
    ]);
  });

  it("an enforcing reject after a shadow would-reject is labelled by the reject and logs the would-reject", async () => {
    const rule = (burst: number) => ({ name: `burst-${burst}`, limit_keys: ["header:x-api-key"], algorithm: "token_bucket", algorithm_config: { tokens_per_second: 1, burst } });
    const bundle = JSON.stringify({
      bundle_version: 1,
      policies: [
        { id: "a-shadow", spec: { selector: { pathPrefix: "/api/" }, mode: "shadow", rules: [rule(1)] } },
        { id: "b-enforce", spec: { selector: { pathPrefix: "/api/" }, mode: "enforce", rules: [rule(2)] } },
      ],
    });
    const s = await start(bundle);
    expect([await ask(s, "/api/a"), await ask(s, "/api/a"), await ask(s, "/api/a")]).toEqual([200, 200, 429]);
    expect(samples(await metrics(s), "fairvisor_decisions_total")).toEqual([
      'fairvisor_decisions_total{action="allow",policy="b-enforce",reason="all_rules_passed",route="/api/"} 1',
      'fairvisor_decisions_total{action="shadow_reject",policy="a-shadow",reason="token_bucket_exceeded",route="/api/"} 1',
      'fairvisor_decisions_total{action="reject",policy="b-enforce",reason="token_bucket_exceeded",route="/api/"} 1',
    ]);
    // RateLimit-Remaining is the enforcing limiter's, even on the shadow_reject that names a-shadow.
    expect(samples(await metrics(s), "fairvisor_ratelimit_remaining")).toEqual(['fairvisor_ratelimit_remaining{window="request",policy="b-enforce",route="/api/"} 0']);
    const keyHash = createHash("sha256").update("k|127.0.0.1").digest("hex").slice(0, 16);
    const common = { event: "decision", route: "/api/", key_hash: keyHash, method: "GET", path: "/api/a" };
    expect(s.log.events("decision")).toEqual([
      { level: "info", action: "shadow_reject", policy: "a-shadow", rule: "burst-1", reason: "token_bucket_exceeded", ...common },
      // The engine keeps only the would-reject's reason once an enforcing policy decided (decision-info.ts).
      { level: "warn", action: "reject", policy: "b-enforce", rule: "burst-2", reason: "token_bucket_exceeded", ...common, would_reject: "token_bucket_exceeded" },
    ]);
  });

  it("a reject is logged once with a hashed key, never the raw key", async () => {
    const s = await start(tokenBucketBundle(1, { burst: 1 }));
    await ask(s, "/api/a?token=zzz", "secret-key-123");
    await ask(s, "/api/a?token=zzz", "secret-key-123");
    const lines = s.log.events("decision");
    expect(lines).toEqual([
      {
        level: "warn",
        event: "decision",
        action: "reject",
        policy: "tb",
        rule: "per-key",
        reason: "token_bucket_exceeded",
        route: "/api/",
        key_hash: createHash("sha256").update("secret-key-123|127.0.0.1").digest("hex").slice(0, 16),
        method: "GET",
        path: "/api/a",
      },
    ]);
    expect(JSON.stringify(s.log.lines)).not.toContain("secret-key-123");
    expect(lines[0].key_hash).toBe(createHash("sha256").update("secret-key-123|127.0.0.1").digest("hex").slice(0, 16));
  });
});
