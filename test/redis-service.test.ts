// Three decision-service processes (`node bin/fairvisor.js serve --redis ...`) share one real redis-server:
// 3,000 decisions for one key, spread over the three, eight in flight per process, against a token bucket of
// burst 100 that never refills during the test. Exact mode admits exactly 100. Then Redis is killed in the
// middle of a run and restarted, with one process per failure mode: each answers as configured, none
// crashes, and after recovery the three enforce one bucket exactly again.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisServer } from "./support/redis/redis-server.js";
import { buildDist, decision, startServiceProcess, stopServiceProcess, type ServiceProcess } from "./support/redis/service-process.js";

const BURST = 100;
const TOTAL = 3000;
const IN_FLIGHT = 8;
const dir = mkdtempSync(join(tmpdir(), "fv-redis-service-"));
let redis: RedisServer;
const services: ServiceProcess[] = [];
const modeServices: ServiceProcess[] = [];

const bundleOf = (burst: number) => ({
  bundle_version: 1,
  policies: [
    {
      id: "tb",
      spec: {
        selector: { pathPrefix: "/api/" },
        mode: "enforce",
        rules: [{ name: "r", limit_keys: ["header:x-api-key"], algorithm: "token_bucket", algorithm_config: { tokens_per_second: 0.0001, burst } }],
      },
    },
  ],
});

beforeAll(async () => {
  buildDist();
  redis = await RedisServer.start();
}, 180_000);

afterAll(async () => {
  for (const s of services) await stopServiceProcess(s);
  for (const s of modeServices) await stopServiceProcess(s);
  await redis?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("fairvisor serve --redis, three processes", () => {
  it("admit exactly the burst out of 3,000 decisions spread over the three", async () => {
    const file = join(dir, "bundle.json");
    writeFileSync(file, JSON.stringify(bundleOf(BURST)));
    // A long budget: this is about exactness, and a loaded CI machine must not turn a slow answer into a 503.
    const env = { FAIRVISOR_REDIS_TIMEOUT_MS: "10000", FAIRVISOR_REDIS_PREFIX: "svc:", FAIRVISOR_LOG_LEVEL: "info" };
    for (let i = 0; i < 3; i++) services.push(await startServiceProcess(["--config", file, "--redis", redis.url], env));
    for (const s of services) expect(s.lines.some((l) => l.event === "redis_connected")).toBe(true);

    const counts = new Map<number, number>();
    const unexpected: string[] = [];
    let next = 0;
    const loop = async (s: ServiceProcess) => {
      while (next < TOTAL) {
        next++;
        const r = await decision(s.port, { "X-Api-Key": "hot" });
        counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
        if (r.status !== 200 && r.status !== 429) unexpected.push(`${r.status} ${r.body}`);
      }
    };
    const started = performance.now();
    await Promise.all(services.flatMap((s) => Array.from({ length: IN_FLIGHT }, () => loop(s))));
    if (process.env.FV_DEBUG) console.log(performance.now() - started, unexpected.slice(0, 5), services.map((s) => s.lines.filter((l) => l.level !== "info")));
    expect(unexpected).toEqual([]);
    expect(Object.fromEntries(counts)).toEqual({ 200: BURST, 429: TOTAL - BURST });
    // Nobody degraded and nobody crashed.
    for (const s of services) {
      expect(s.lines.filter((l) => l.event === "redis_degraded")).toEqual([]);
      expect(s.proc.exitCode).toBeNull();
    }
  }, 120_000);
});

async function until(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("fairvisor serve --redis, Redis killed mid-run and restarted", () => {
  it("each process answers per its failure mode, none crashes, enforcement is exact after recovery", async () => {
    const SMALL = 20;
    const file = join(dir, "bundle-small.json");
    writeFileSync(file, JSON.stringify(bundleOf(SMALL)));
    const modes = ["fail_open", "fail_closed", "local"] as const;
    for (const mode of modes) {
      // 3 s rather than the default 50 ms: a busy CI machine must not be taken for a Redis outage before
      // the kill; the kill itself is seen at once (the socket closes), whatever the timeout.
      const env = { FAIRVISOR_REDIS_TIMEOUT_MS: "3000", FAIRVISOR_REDIS_PREFIX: "kill:", FAIRVISOR_REDIS_FAILURE_MODE: mode };
      modeServices.push(await startServiceProcess(["--config", file, "--redis", redis.url], env));
    }
    const [open, closed, local] = modeServices;
    const spread = async (total: number, key: string) => {
      const statuses: number[] = [];
      await Promise.all(modeServices.map(async (s, i) => {
        for (let n = i; n < total; n += 3) statuses.push((await decision(s.port, { "X-Api-Key": key })).status);
      }));
      return statuses.filter((st) => st === 200).length;
    };
    expect(await spread(30, "before")).toBe(SMALL);

    // Kill Redis while decisions are in flight on every process.
    const load = Promise.all(modeServices.map(async (s) => {
      for (let n = 0; n < 20; n++) await decision(s.port, { "X-Api-Key": "mid-run" });
    }));
    await new Promise((r) => setTimeout(r, 20));
    await redis.stop(true);
    await load;
    await until(() => modeServices.every((s) => s.lines.some((l) => l.event === "redis_degraded")));

    const during = async (s: ServiceProcess) => {
      const out: string[] = [];
      for (let n = 0; n < 4; n++) {
        const r = await decision(s.port, { "X-Api-Key": "during" });
        out.push(`${r.status} ${r.headers["x-fairvisor-degraded"] ?? r.headers["x-fairvisor-reason"] ?? r.headers["ratelimit-remaining"]}`);
      }
      return out;
    };
    expect(await during(open)).toEqual(Array(4).fill("200 fail_open"));
    expect(await during(closed)).toEqual(Array(4).fill("503 store_unavailable"));
    // A bucket of its own, counted by the wasm in this process only.
    expect(await during(local)).toEqual(["200 19", "200 18", "200 17", "200 16"]);

    await redis.start();
    await until(() => modeServices.every((s) => s.lines.some((l) => l.event === "redis_recovered")));
    // The restarted Redis is empty: one fresh bucket, shared again, enforced exactly over the three.
    expect(await spread(60, "after")).toBe(SMALL);
    for (const s of modeServices) {
      expect(s.proc.exitCode).toBeNull();
      expect(s.lines.filter((l) => typeof l.event === "string" && l.event.startsWith("redis_") && l.event !== "redis_late_commit").map((l) => l.event)).toEqual(["redis_connected", "redis_degraded", "redis_recovered"]);
    }
  }, 120_000);
});
