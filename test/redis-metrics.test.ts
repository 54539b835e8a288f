// /metrics of a decision service on a REAL redis-server: the store families (read from runner.stats at
// scrape time) show connected, then one degraded transition after SIGSTOP, then one recovered after SIGCONT.
import { afterEach, expect, it } from "vitest";
import { distributedOptions } from "../gateways/distributed/index.js";
import type { DecisionService } from "../gateways/standalone/service.js";
import { tokenBucketBundle } from "./support/fairvisor-host.js";
import { RedisServer } from "./support/redis/redis-server.js";
import { startService } from "./support/service-harness.js";

let redis: RedisServer | null = null;
let service: DecisionService | null = null;

afterEach(async () => {
  await service?.stop();
  service = null;
  if (redis) {
    await redis.resume();
    await redis.dispose();
  }
  redis = null;
});

/** The lines of the store families (HELP/TYPE dropped), as scraped. */
async function storeLines(base: string): Promise<string[]> {
  const text = await (await fetch(`${base}/metrics`)).text();
  // fairvisor_store_errors_total is the wasm's own counter (always registered), not the Redis store's.
  return text.split("\n").filter((l) => l.startsWith("fairvisor_store_") && !l.startsWith("fairvisor_store_errors_total"));
}

const lines = (s: { connected: number; degraded: number; toDegraded: number; recovered: number; redis: number; failClosed: number; late: number }) => [
  `fairvisor_store_state{state="connected"} ${s.connected}`,
  `fairvisor_store_state{state="degraded"} ${s.degraded}`,
  `fairvisor_store_transitions_total{to="degraded"} ${s.toDegraded}`,
  `fairvisor_store_transitions_total{to="recovered"} ${s.recovered}`,
  `fairvisor_store_decisions_total{origin="redis"} ${s.redis}`,
  `fairvisor_store_decisions_total{origin="local"} 0`,
  `fairvisor_store_decisions_total{origin="fail_open"} 0`,
  `fairvisor_store_decisions_total{origin="fail_closed"} ${s.failClosed}`,
  // One instance on a fresh key: nothing else commits, so no conflict.
  `fairvisor_store_conflicts_total 0`,
  `fairvisor_store_late_commits_total ${s.late}`,
  `fairvisor_store_refunds_queued_total 0`,
];

const decide = (base: string) => fetch(`${base}/v1/decision`, { headers: { "x-original-method": "GET", "x-original-uri": "/", "x-api-key": "k" } });

it("store metrics: connected, degraded after SIGSTOP, recovered after SIGCONT", async () => {
  redis = await RedisServer.start();
  const s = await startService(JSON.stringify(tokenBucketBundle({ burst: 5, rate: 0.0001 })), { redis: distributedOptions(redis.url, { prefix: "metrics:", timeoutMs: 200 }) });
  service = s.service;
  expect((await decide(s.base)).status).toBe(200);
  expect(await storeLines(s.base)).toEqual(lines({ connected: 1, degraded: 0, toDegraded: 0, recovered: 0, redis: 1, failClosed: 0, late: 0 }));

  await redis.pause();
  // The first decision meets the frozen Redis, waits the timeout and takes the failure mode (fail_closed).
  expect((await decide(s.base)).status).toBe(503);
  expect(await storeLines(s.base)).toEqual(lines({ connected: 0, degraded: 1, toDegraded: 1, recovered: 0, redis: 1, failClosed: 1, late: 0 }));

  await redis.resume();
  const until = Date.now() + 10_000;
  while (service.distributed!.runner.stats.state !== "connected" && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  // The commit that timed out was applied once Redis woke up: one late commit.
  expect(await storeLines(s.base)).toEqual(lines({ connected: 1, degraded: 0, toDegraded: 1, recovered: 1, redis: 1, failClosed: 1, late: 1 }));
});

it("without Redis no store family is registered", async () => {
  const s = await startService(JSON.stringify(tokenBucketBundle({ burst: 5, rate: 0.0001 })));
  service = s.service;
  expect(await storeLines(s.base)).toEqual([]);
});
