// Reconfiguration as Envoy does it (new root context, old one gets on_done + on_delete). Guards the
// @gcoredev/proxy-wasm-sdk-as 1.2.3 root on_done trap (DESIGN.md section 3; assembly/filter/README.md "SDK work-arounds")
// and the last-good-bundle rule (project decision 12).
import { describe, expect, it } from "vitest";
import { loadReports, send, startHost, tokenBucketBundle } from "./support/fairvisor-host.js";

describe("reconfigure", () => {
  it("keeps the VM healthy across many reconfigurations", async () => {
    const t = await startHost(tokenBucketBundle({ burst: 100, rate: 1 }));
    for (let v = 2; v <= 20; v++) {
      const result = t.host.configure(JSON.stringify(tokenBucketBundle({ burst: 100, rate: 1, version: v })));
      expect(result.ok).toBe(true);
    }
    expect(t.logs.filter((l) => l.level === "critical")).toEqual([]);
    expect(t.host.worker(0).failed).toBe(false);
    const a = send(t, { headers: { "x-api-key": "k" } });
    expect(a.status).toBe(200);
    expect(a.headers["ratelimit-limit"]).toBe("100");
  });

  it("refuses a bad top level and keeps enforcing the last good bundle", async () => {
    const t = await startHost(tokenBucketBundle({ burst: 1, rate: 1 }));
    expect(send(t, { headers: { "x-api-key": "k" } }).status).toBe(200);
    const bad = t.host.configure(JSON.stringify({ bundle_version: "7", policies: [] }));
    expect(bad.ok).toBe(false);
    const report = loadReports(bad.logs)[0];
    expect(report.ok).toBe(false);
    expect(report.error).toBe("bundle_version must be a positive number");
    // Still the old bundle, and its counter: the key is exhausted.
    expect(send(t, { headers: { "x-api-key": "k" } }).status).toBe(429);
    expect(t.host.worker(0).failed).toBe(false);
  });

  it("reports invalid JSON with line and column", async () => {
    const t = await startHost(undefined);
    const result = t.host.configure('{\n  "bundle_version": 1,\n  "policies": [}\n');
    expect(result.ok).toBe(false);
    const report = loadReports(result.logs)[0];
    expect(String(report.error)).toMatch(/^json_parse_error: .*line 3 column \d+/);
  });

  it("drops a bad policy, enforces the rest and reports both", async () => {
    const bundle = tokenBucketBundle({ burst: 1, rate: 1 }) as { policies: unknown[] };
    bundle.policies.unshift({ id: "broken", spec: { rules: [] } });
    const t = await startHost(undefined);
    const result = t.host.configure(JSON.stringify(bundle));
    expect(result.ok).toBe(true);
    const report = loadReports(result.logs)[0];
    expect(report.errors).toEqual(["policy=broken: missing selector"]);
    expect(report.policies).toBe(1);
    expect(report.raw_policies).toBe(2);
    expect(result.logs.some((l) => l.message === "load_from_string validation_error=policy=broken: missing selector")).toBe(true);
    expect(send(t, { headers: { "x-api-key": "k" } }).status).toBe(200);
    expect(send(t, { headers: { "x-api-key": "k" } }).status).toBe(429);
  });

  it("keeps counters across a reload when the rule keeps its name (spec 2.7)", async () => {
    const t = await startHost(tokenBucketBundle({ burst: 2, rate: 0.001 }));
    expect(send(t, { headers: { "x-api-key": "k" } }).status).toBe(200);
    expect(send(t, { headers: { "x-api-key": "k" } }).status).toBe(200);
    expect(t.host.configure(JSON.stringify(tokenBucketBundle({ burst: 2, rate: 0.001, version: 2 }))).ok).toBe(true);
    expect(send(t, { headers: { "x-api-key": "k" } }).status).toBe(429);
  });
});
