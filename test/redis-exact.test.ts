// Exact limits across instances: three instances, each with its own host, cache and Redis connection,
// share one real redis-server; 3,000 requests for one key, several in flight per instance, against a token
// bucket of burst 100 that never refills during the test. Exactly 100 are admitted, and no decision took
// a failure path (every answer came from a committed transaction).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { tokenBucketBundle } from "./support/fairvisor-host.js";
import { RedisServer } from "./support/redis/redis-server.js";
import { requestOnce, startInstance, type Instance } from "./support/redis/instances.js";

const BURST = 100;
const TOTAL = 3000;
const IN_FLIGHT_PER_INSTANCE = 8;
// One token per ~3 hours: nothing comes back while the test runs on the system clock.
const bundle = tokenBucketBundle({ burst: BURST, rate: 0.0001 });

let redis: RedisServer;
const instances: Instance[] = [];

beforeAll(async () => {
  redis = await RedisServer.start();
});

afterAll(async () => {
  for (const i of instances) await i.dist.close();
  await redis?.dispose();
});

/** Sends `total` requests round-robin over the instances with `inFlight` concurrent loops per instance. */
async function drive(insts: Instance[], total: number, inFlight: number, headers: (i: number) => Record<string, string>) {
  const counts = new Map<number, number>();
  let next = 0;
  const loop = async (inst: Instance) => {
    while (next < total) {
      const i = next++;
      const outcome = await inst.dist.runner.run(() => requestOnce(inst, headers(i)));
      const status = outcome.origin === "redis" ? outcome.value : -1;
      counts.set(status, (counts.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(insts.flatMap((inst) => Array.from({ length: inFlight }, () => loop(inst))));
  return counts;
}

describe("exact mode, three instances, one Redis", () => {
  it("admits exactly the burst out of 3,000 concurrent requests on one key", async () => {
    // A generous budget: this test is about exactness under contention, not about the 50 ms default.
    for (let n = 0; n < 3; n++) instances.push(await startInstance(redis.url, bundle, { timeoutMs: 5000, prefix: "exact:" }));
    const counts = await drive(instances, TOTAL, IN_FLIGHT_PER_INSTANCE, () => ({ "x-api-key": "hot" }));
    expect(counts.get(200)).toBe(BURST);
    expect(counts.get(429)).toBe(TOTAL - BURST);
    expect(counts.get(-1)).toBeUndefined();
    const stats = instances.map((i) => i.dist.runner.stats);
    expect(stats.reduce((n, s) => n + s.decisions.redis, 0)).toBe(TOTAL);
    // Three instances really raced: some commits lost and were re-run on fresh values.
    expect(stats.reduce((n, s) => n + s.conflicts, 0)).toBeGreaterThan(0);
    expect(stats.every((s) => s.exhausted === 0 && s.state === "connected")).toBe(true);

    // The bucket in Redis says the same: one key under the vm_id's hash tag, no tokens left.
    const client = new Redis(redis.url);
    try {
      const keys = await client.keys("exact:{fairvisor}:*");
      expect(keys.length).toBe(1);
      expect(await client.ttl(keys[0])).toBeGreaterThan(0);
    } finally {
      client.disconnect();
    }
  }, 60_000);
});
