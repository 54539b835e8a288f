// The shared adapter core on the real build/fairvisor.wasm: the injected store is the one counting, a
// throttle is waited out once (by the module, through host ticks), and client addresses become Envoy's
// source.address form.
import { describe, expect, it } from "vitest";
import { InMemorySharedData, SystemClock } from "../host/index.js";
import { MemoryLogger } from "../standalone/log.js";
import { FairvisorEngine } from "./engine.js";
import { sourceAddressFor } from "./source-address.js";
import { testEngine, testModule } from "./testing.js";

const request = (key: string) => ({ method: "GET", uri: "/x", authority: "a", headers: [["x-api-key", key]] as Array<[string, string]>, clientIp: "192.0.2.1" });
const tb = { bundle_version: 1, policies: [{ id: "p", spec: { selector: { pathPrefix: "/" }, rules: [{ name: "r", limit_keys: ["header:x-api-key"], algorithm: "token_bucket", algorithm_config: { tokens_per_second: 1, burst: 1 } }] } }] };

describe("FairvisorEngine", () => {
  it("counts in the injected store (the seam for a distributed store) and says so instead of the per-instance warning", async () => {
    const store = new InMemorySharedData();
    const a = await testEngine(tb, { store });
    const b = await testEngine(tb, { store });
    expect((await a.engine.decide(request("k"))).verdict).toBe("allow");
    // Another instance on the same store sees the spent token.
    expect(await b.engine.decide(request("k"))).toMatchObject({ verdict: "reject", reason: "token_bucket_exceeded", retryAfter: "2" });
    expect(a.log.events("adapter_store_per_instance")).toEqual([]);
    expect(a.log.events("adapter_store_injected")).toEqual([{ level: "info", event: "adapter_store_injected", platform: "test" }]);
  });

  it("waits a throttle out once: the module pauses the request and resumes it from a host tick", async () => {
    const bundle = {
      bundle_version: 1,
      policies: [{ id: "spend", spec: { selector: { pathPrefix: "/" }, rules: [{ name: "budget", limit_keys: ["header:x-api-key"], algorithm: "cost_based",
        algorithm_config: { budget: 2, period: "1h", staged_actions: [{ threshold_percent: 50, action: "throttle", delay_ms: 150 }, { threshold_percent: 100, action: "reject" }] } }] } }],
    };
    const engine = await FairvisorEngine.create({ module: testModule(), bundle: JSON.stringify(bundle), platform: "test", log: new MemoryLogger(), clock: new SystemClock() });
    const started = Date.now();
    const throttled = await engine.decide(request("k"));
    const took = Date.now() - started;
    expect(throttled).toMatchObject({ verdict: "allow", warning: "budget_throttle", delayMs: 150 });
    expect(took).toBeGreaterThanOrEqual(140);
    expect(took).toBeLessThan(290); // not twice
    expect(throttled.headers.map(([k]) => k)).not.toContain("X-Fairvisor-Delay-Ms");
  });

  it("client addresses in Envoy's source.address form; anything else is no address", () => {
    expect(sourceAddressFor("203.0.113.7")).toBe("203.0.113.7:0");
    expect(sourceAddressFor(" 2001:db8::1 ")).toBe("[2001:db8::1]:0");
    expect(sourceAddressFor("...")).toBe("");
    expect(sourceAddressFor("IP")).toBe("");
    expect(sourceAddressFor(undefined)).toBe("");
  });
});
