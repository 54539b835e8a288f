// The serverless shims (through gateways/adapter) and the Kong JS plugin with FAIRVISOR_REDIS_URL, on a REAL
// redis-server: separate instances that share nothing but Redis enforce one bucket exactly, and the Kong
// plugin (inside the real kong-js-pluginserver, which inherits its environment like any process) shares
// counters with a decision service.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { awsFixture } from "../gateways/adapter/testing.js";
import { engineFromEnv, type FairvisorEngine } from "../gateways/adapter/index.js";
import { createAuthorizerHandler } from "../gateways/aws-lambda/handler.js";
import type { RestRequestAuthorizerEvent } from "../gateways/aws-lambda/types.js";
import { distributedOptions } from "../gateways/distributed/index.js";
import { MemoryLogger } from "../gateways/standalone/log.js";
import type { DecisionService } from "../gateways/standalone/service.js";
import { tokenBucketBundle } from "./support/fairvisor-host.js";
import { ensureDist, ROOT } from "./support/gateways/dist.js";
import { KongEmulator, kongPluginConfig, type ScriptedRequest } from "./support/gateways/kong-rpc.js";
import { RedisServer } from "./support/redis/redis-server.js";
import { startService } from "./support/service-harness.js";

const BURST = 5;
// Refill negligible for the test's duration (one token per ~3 hours): what is admitted is the burst only.
const BUNDLE = JSON.stringify(tokenBucketBundle({ burst: BURST, rate: 0.0001 }));
// Well above a loopback round trip, so a busy 2-core CI machine is not taken for a Redis outage.
const TIMEOUT_MS = "500";

let redis: RedisServer | null = null;
const engines: FairvisorEngine[] = [];
const services: DecisionService[] = [];
let kongServer: ChildProcess | null = null;
let kongPrefix: string | null = null;

afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
  for (const s of services.splice(0)) await s.stop();
  if (kongServer && kongServer.exitCode === null) {
    const exited = new Promise((r) => kongServer!.once("exit", r));
    kongServer.kill("SIGTERM");
    await exited;
  }
  kongServer = null;
  if (kongPrefix) rmSync(kongPrefix, { recursive: true, force: true });
  kongPrefix = null;
  await redis?.dispose();
  redis = null;
});

const REST_REQUEST = awsFixture<RestRequestAuthorizerEvent>("apigw-custom-auth-request-type-request.json");
/** The recorded REST REQUEST event carrying the bucket's key (multiValueHeaders is what the processor reads). */
const event = (apiKey: string): RestRequestAuthorizerEvent => ({
  ...REST_REQUEST,
  headers: { ...REST_REQUEST.headers, "X-Api-Key": apiKey },
  multiValueHeaders: { ...REST_REQUEST.multiValueHeaders, "X-Api-Key": [apiKey] },
});

function lambdaInstance(env: NodeJS.ProcessEnv) {
  const log = new MemoryLogger();
  const engine = engineFromEnv("aws-lambda", env, log);
  // The engine is created on the first invocation; registered for close() once it exists.
  const tracked = async () => {
    const e = await engine();
    if (!engines.includes(e)) engines.push(e);
    return e;
  };
  return { log, engine: tracked, handler: createAuthorizerHandler({ engine: tracked }) };
}

const effectOf = (r: unknown) => (r as { policyDocument: { Statement: Array<{ Effect: string }> } }).policyDocument.Statement[0].Effect;

describe("serverless shims on one Redis", () => {
  it("two Lambda containers (each its own engine, store and connection) admit exactly the burst of one bucket", async () => {
    redis = await RedisServer.start();
    const env = { FAIRVISOR_BUNDLE: BUNDLE, FAIRVISOR_REDIS_URL: redis.url, FAIRVISOR_REDIS_TIMEOUT_MS: TIMEOUT_MS, FAIRVISOR_REDIS_PREFIX: "shims:" };
    const a = lambdaInstance(env);
    const b = lambdaInstance(env);
    const effects: string[] = [];
    for (let i = 0; i < 10 * BURST; i++) effects.push(effectOf(await (i % 2 === 0 ? a : b).handler(event("shared"))));
    // Alternating: a, b, a, b, a admit the 5 tokens; every later request is denied on both containers.
    expect(effects).toEqual([...Array(BURST).fill("Allow"), ...Array(9 * BURST).fill("Deny")]);
    const [ea, eb] = [await a.engine(), await b.engine()];
    // Every decision was answered by Redis (exact), none by the failure mode.
    expect(ea.distributed!.runner.stats.decisions).toEqual({ redis: 5 * BURST, local: 0, fail_open: 0, fail_closed: 0 });
    expect(eb.distributed!.runner.stats.decisions).toEqual({ redis: 5 * BURST, local: 0, fail_open: 0, fail_closed: 0 });
    // Start-up names the Redis target and mode instead of the per-instance warning.
    for (const { log } of [a, b]) {
      expect(log.events("adapter_store_per_instance")).toEqual([]);
      expect(log.events("adapter_store_redis")).toEqual([
        { level: "info", event: "adapter_store_redis", platform: "aws-lambda", target: redis.url, mode: "exact", failure_mode: "fail_closed", timeout_ms: 500, prefix: "shims:" },
      ]);
    }
    // Once per container: later invocations reuse the engine and its store.
    expect(await a.engine()).toBe(ea);
  });

  it("Redis frozen (SIGSTOP): the engine answers 503 store_unavailable within the timeout (fail_closed), then exact again", async () => {
    redis = await RedisServer.start();
    const env = { FAIRVISOR_BUNDLE: BUNDLE, FAIRVISOR_REDIS_URL: redis.url, FAIRVISOR_REDIS_TIMEOUT_MS: "200", FAIRVISOR_REDIS_PREFIX: "frozen:" };
    const a = lambdaInstance(env);
    const engine = await a.engine();
    const req = { method: "GET", uri: "/", authority: "api.example.com", headers: [["x-api-key", "k"]] as Array<[string, string]> };
    expect((await engine.decide(req)).verdict).toBe("allow");
    await redis.pause();
    const t = performance.now();
    const during = await engine.decide(req);
    const ms = performance.now() - t;
    expect([during.status, during.reason]).toEqual([503, "store_unavailable"]);
    // Waited for the timeout and not much more (one decision; the next ones do not call Redis at all).
    expect(ms).toBeGreaterThanOrEqual(199);
    expect(ms).toBeLessThan(350);
    expect(engine.distributed!.runner.stats.state).toBe("degraded");
    await redis.resume();
    const until = Date.now() + 10_000;
    while (engine.distributed!.runner.stats.state !== "connected" && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(engine.distributed!.runner.stats.transitions).toEqual({ degraded: 1, recovered: 1 });
    // 1 token before the outage + 1 spent by the commit that landed late = 2 of 5: three allows left.
    const after: string[] = [];
    for (let i = 0; i < 5; i++) after.push((await engine.decide(req)).verdict);
    expect(after).toEqual(["allow", "allow", "allow", "reject", "reject"]);
  });
});

describe("Kong JS plugin on Redis, beside a decision service", () => {
  const SERVER = join(ROOT, "node_modules", ".bin", "kong-js-pluginserver");
  const PLUGINS_DIR = join(ROOT, "gateways", "kong", "plugin");

  async function startKong(env: NodeJS.ProcessEnv): Promise<{ socket: string; output: string[] }> {
    ensureDist(["kong/index.js"]);
    kongPrefix = mkdtempSync(join(tmpdir(), "fv-kong-redis-"));
    const socket = join(kongPrefix, "x.sock");
    const output: string[] = [];
    kongServer = spawn(SERVER, ["--plugins-directory", PLUGINS_DIR, "--kong-prefix", kongPrefix, "--sock-name", "x.sock"], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    kongServer.stdout!.on("data", (c: Buffer) => output.push(c.toString("utf8")));
    kongServer.stderr!.on("data", (c: Buffer) => output.push(c.toString("utf8")));
    const deadline = Date.now() + 15_000;
    while (!existsSync(socket)) {
      if (Date.now() > deadline) throw new Error("plugin server did not listen:\n" + output.join(""));
      await new Promise((r) => setTimeout(r, 50));
    }
    return { socket, output };
  }

  it("the plugin server with FAIRVISOR_REDIS_URL and a decision service share one bucket exactly", async () => {
    redis = await RedisServer.start();
    const prefix = "kong-svc:";
    const { socket, output } = await startKong({ FAIRVISOR_REDIS_URL: redis.url, FAIRVISOR_REDIS_PREFIX: prefix, FAIRVISOR_REDIS_TIMEOUT_MS: TIMEOUT_MS });
    // Real time on both sides: the bucket's bytes carry timestamps, and both must read the same clock.
    const svc = await startService(BUNDLE, { redis: distributedOptions(redis.url, { prefix, timeoutMs: Number(TIMEOUT_MS) }) }, true);
    services.push(svc.service);
    // Redis keys are namespaced by vm_id, "fairvisor" by default on both sides (the plugin's `vm_id` config
    // field), so a real Kong plugin entity, whose id is a UUID, shares the decision service's bucket.
    const config = kongPluginConfig({ bundle: BUNDLE, bundle_path: null, trusted_proxies: null }, "3f1c2a9e-7b4d-4e21-9a55-0c8d2f6b1e77", "route-1");
    const kong = new KongEmulator(socket, "fairvisor");
    const kongReq: ScriptedRequest = {
      method: "GET",
      pathWithQuery: "/v1/data",
      host: "api.example.com",
      headers: { host: ["api.example.com"], "x-api-key": ["shared"] },
      ip: "127.0.0.1",
    };
    const outcomes: string[] = [];
    for (let i = 0; i < 10 * BURST; i++) {
      if (i % 2 === 0) {
        const run = await kong.handleEvent(config, "access", kongReq);
        outcomes.push(`kong:${run.exit?.status ?? 200}`);
      } else {
        const r = await fetch(`${svc.base}/v1/decision`, { headers: { "x-original-method": "GET", "x-original-uri": "/v1/data", "x-api-key": "shared" } });
        outcomes.push(`svc:${r.status}`);
      }
    }
    const expected = Array.from({ length: 10 * BURST }, (_, i) => `${i % 2 === 0 ? "kong" : "svc"}:${i < BURST ? 200 : 429}`);
    expect(outcomes).toEqual(expected);
    const log = output.join("");
    expect(log).toContain(`"event":"kong_state_redis","target":"${redis.url}","mode":"exact","failure_mode":"fail_closed"`);
    expect(log).not.toContain("kong_state_per_process");
  }, 60_000);
});
