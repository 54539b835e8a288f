// Redis slow or gone, per failure mode, with a real redis-server: SIGSTOP makes it unresponsive (every
// call times out: "slow"), SIGKILL + restart makes it disappear and come back empty (no persistence).
// Each mode answers within the timeout as configured, nothing throws, the link logs and counts
// connected → degraded → recovered, and enforcement after recovery is exact again.
import { afterEach, describe, expect, it } from "vitest";
import { tokenBucketBundle } from "./support/fairvisor-host.js";
import { RedisServer } from "./support/redis/redis-server.js";
import { requestOnce, startInstance, type Instance } from "./support/redis/instances.js";
import type { FailureMode } from "../gateways/distributed/index.js";

const BURST = 5;
// Above the 50 ms default so that a busy CI machine stalling this process is not taken for an outage
// before the test causes one; the behaviour does not depend on the value.
const TIMEOUT_MS = 200;
const bundle = tokenBucketBundle({ burst: BURST, rate: 0.0001 });
const KEY = { "x-api-key": "k" };

let redis: RedisServer | null = null;
let inst: Instance | null = null;

afterEach(async () => {
  await inst?.dist.close();
  inst = null;
  if (redis) {
    redis.running && (await redis.resume());
    await redis.dispose();
  }
  redis = null;
});

type Result = { origin: string; status: number | null; ms: number };

async function one(i: Instance): Promise<Result> {
  const t = performance.now();
  const o = await i.dist.runner.run(() => requestOnce(i, KEY));
  const ms = performance.now() - t;
  return { origin: o.origin, status: o.origin === "redis" || o.origin === "local" ? o.value : null, ms };
}

async function many(i: Instance, n: number): Promise<Result[]> {
  const out: Result[] = [];
  for (let k = 0; k < n; k++) out.push(await one(i));
  return out;
}

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 20));
  }
}

const summary = (rs: Result[]) => rs.map((r) => `${r.origin}:${r.status ?? "-"}`);
const events = (i: Instance) => i.log.lines.filter((l) => l.event.startsWith("redis_") && l.event !== "redis_late_commit").map((l) => l.event);

/** What each mode answers while Redis is unusable (8 decisions on a bucket with BURST - 3 tokens left in Redis). */
const DURING: Record<FailureMode, string[]> = {
  fail_open: Array(8).fill("fail_open:-"),
  fail_closed: Array(8).fill("fail_closed:-"),
  // The local store starts empty: a full bucket of its own, enforced exactly on this instance.
  local: [...Array(BURST).fill("local:200"), ...Array(8 - BURST).fill("local:429")],
};

describe.each(["fail_open", "fail_closed", "local"] as const)("failure mode %s", (mode) => {
  it("Redis unresponsive (SIGSTOP): answered within the timeout, then exact again after SIGCONT", async () => {
    redis = await RedisServer.start();
    inst = await startInstance(redis.url, bundle, { failureMode: mode, timeoutMs: TIMEOUT_MS, prefix: `stop-${mode}:` });
    expect(summary(await many(inst, 3))).toEqual(Array(3).fill("redis:200"));

    await redis.pause();
    const during = await many(inst, 8);
    expect(summary(during)).toEqual(DURING[mode]);
    // The first decision waited for the timeout (and only that long); the others knew Redis was degraded
    // and did not call it at all.
    expect(during[0].ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 1);
    expect(during[0].ms).toBeLessThan(TIMEOUT_MS + 150);
    for (const r of during.slice(1)) expect(r.ms).toBeLessThan(TIMEOUT_MS);
    expect(inst.dist.runner.stats.state).toBe("degraded");
    expect(inst.dist.runner.stats.timeouts).toBe(1);
    expect(inst.dist.runner.stats.commits).toBe(3);

    await redis.resume();
    await waitFor(() => inst!.dist.runner.stats.state === "connected");
    // The commit that timed out reached Redis once it woke up: its token is spent (counted in lateCommits).
    await waitFor(() => inst!.dist.runner.stats.lateCommits === 1);
    const left = BURST - 3 - 1;
    expect(summary(await many(inst, 4))).toEqual([...Array(left).fill("redis:200"), ...Array(4 - left).fill("redis:429")]);
    expect(events(inst)).toEqual(["redis_connected", "redis_degraded", "redis_recovered"]);
    expect(inst.dist.runner.stats.transitions).toEqual({ degraded: 1, recovered: 1 });
  });

  it("Redis killed and restarted empty: answered per mode, reconnects, enforces a fresh bucket exactly", async () => {
    redis = await RedisServer.start();
    inst = await startInstance(redis.url, bundle, { failureMode: mode, timeoutMs: TIMEOUT_MS, prefix: `kill-${mode}:` });
    expect(summary(await many(inst, 3))).toEqual(Array(3).fill("redis:200"));

    await redis.stop(true);
    await waitFor(() => inst!.dist.runner.stats.state === "degraded");
    const during = await many(inst, 8);
    expect(summary(during)).toEqual(DURING[mode]);
    // A killed Redis closes the socket: known at once, no decision waits, none calls it.
    for (const r of during) expect(r.ms).toBeLessThan(TIMEOUT_MS);
    expect(inst.dist.runner.stats.timeouts).toBe(0);

    await redis.start();
    await waitFor(() => inst!.dist.runner.stats.state === "connected");
    // A non-persistent Redis forgot the bucket: the cache was dropped at recovery, so nobody trusts the
    // old value and a fresh bucket is enforced exactly.
    expect(summary(await many(inst, BURST + 2))).toEqual([...Array(BURST).fill("redis:200"), "redis:429", "redis:429"]);
    expect(events(inst)).toEqual(["redis_connected", "redis_degraded", "redis_recovered"]);
  });
});

describe("bounded commits", () => {
  it("past maxPendingCommits a decision takes the failure mode at once instead of queueing", async () => {
    redis = await RedisServer.start();
    inst = await startInstance(redis.url, bundle, { failureMode: "fail_closed", maxPendingCommits: 2, prefix: "shed:" });
    const i = inst;
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, n) => i.dist.runner.run(() => requestOnce(i, { "x-api-key": `key-${n}` }))));
    expect(outcomes.map((o) => o.origin)).toEqual(["redis", "redis", "fail_closed", "fail_closed", "fail_closed", "fail_closed"]);
    expect(i.dist.runner.stats.shed).toBe(4);
    expect(i.dist.runner.stats.state).toBe("connected");
  });
});
