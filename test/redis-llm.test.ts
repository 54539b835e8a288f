// LLM reservations and reconciliations over Redis (token_bucket_llm, spec 8.3) with three decision
// services in one process sharing a real redis-server. A reservation is a re-runnable decision; its
// reconcile feeds the stream held by the instance that reserved (standalone reservations.ts), which
// cannot be re-run, so it goes through the runner's claim path (DistributedDecisionRunner.commitOnce).
// Every instance's clock is frozen at the same instant, so nothing refills and the bucket left in Redis
// must be exactly burst − real usage.
import { afterEach, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { distributedOptions, type DistributedOptions } from "../gateways/distributed/index.js";
import type { DecisionService } from "../gateways/standalone/service.js";
import { startService, type Started } from "./support/service-harness.js";
import { RedisServer } from "./support/redis/redis-server.js";

const BURST = 100_000;
const ESTIMATE = 20;
const MAX_TOKENS = 300;
const LLM_BUNDLE = JSON.stringify({
  bundle_version: 1,
  policies: [
    {
      id: "llm",
      spec: {
        selector: { pathPrefix: "/v1/chat/" },
        rules: [
          {
            name: "tpm",
            limit_keys: ["header:x-api-key"],
            algorithm: "token_bucket_llm",
            algorithm_config: { tokens_per_minute: 1000, burst_tokens: BURST, token_source: { estimator: "header_hint" } },
          },
        ],
      },
    },
  ],
});
const CHAT = JSON.stringify({ model: "gpt-4o", max_tokens: MAX_TOKENS, messages: [{ role: "user", content: "hello" }] });

let redis: RedisServer | null = null;
const running: DecisionService[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  await redis?.dispose();
  redis = null;
});

async function start(prefix: string, overrides: Partial<DistributedOptions> = {}): Promise<Started> {
  const s = await startService(LLM_BUNDLE, { redis: distributedOptions(redis!.url, { prefix, timeoutMs: 2000, ...overrides }) });
  running.push(s.service);
  return s;
}

async function reserve(s: Started): Promise<string> {
  const r = await fetch(`${s.base}/v1/decision`, {
    method: "POST",
    headers: { "x-original-method": "POST", "x-original-uri": "/v1/chat/completions", "x-api-key": "team-a", "x-token-estimate": String(ESTIMATE), "content-type": "application/json" },
    body: CHAT,
  });
  expect(r.status).toBe(200);
  return r.headers.get("x-fairvisor-reservation") as string;
}

async function reconcile(s: Started, id: string, completion: number): Promise<[number, unknown]> {
  const r = await fetch(`${s.base}/v1/reconcile`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ reservation_id: id, usage: { prompt_tokens: ESTIMATE, completion_tokens: completion } }),
  });
  return [r.status, await r.json()];
}

/** Tokens left in the TPM bucket, read from Redis (BucketState: f64 tokens, f64 last refill, LE). */
async function tokensLeft(prefix: string): Promise<number> {
  const client = new Redis(redis!.url);
  try {
    const keys = await client.keys(`${prefix}{fairvisor}:tpm:*`);
    expect(keys.length).toBe(1);
    const v = await client.hgetBuffer(keys[0], "v");
    return (v as Buffer).readDoubleLE(0);
  } finally {
    client.disconnect();
  }
}

describe("LLM reservations over Redis", () => {
  it("reservations and reconciles spread over three instances charge exactly the real usage", async () => {
    redis = await RedisServer.start();
    const services = [await start("llm:"), await start("llm:"), await start("llm:")];
    const PER_INSTANCE = 30;
    const IN_FLIGHT = 3;
    let charged = 0;
    let n = 0;
    const loop = async (s: Started, left: { n: number }) => {
      while (left.n-- > 0) {
        const id = await reserve(s);
        // Completion tokens vary per request (0..299), so every refund is a different amount.
        const completion = (n++ * 37) % MAX_TOKENS;
        charged += ESTIMATE + completion;
        expect(await reconcile(s, id, completion)).toEqual([200, { status: "reconciled" }]);
      }
    };
    await Promise.all(
      services.flatMap((s) => {
        const left = { n: PER_INSTANCE };
        return Array.from({ length: IN_FLIGHT }, () => loop(s, left));
      }),
    );
    expect(await tokensLeft("llm:")).toBe(BURST - charged);
    const stats = services.map((s) => s.service.distributed!.runner.stats);
    expect(stats.reduce((k, st) => k + st.refunds.committed, 0)).toBe(3 * PER_INSTANCE);
    expect(stats.every((st) => st.refunds.lost === 0 && st.refunds.queued === 0 && st.exhausted === 0)).toBe(true);
    // The three really raced on the one TPM key.
    expect(stats.reduce((k, st) => k + st.conflicts, 0)).toBeGreaterThan(0);
  }, 60_000);

  it("a reconcile while Redis is unresponsive is queued (202) and applied once Redis is back", async () => {
    redis = await RedisServer.start();
    const s = await start("llmq:", { timeoutMs: 200 });
    const id = await reserve(s);
    expect(await tokensLeft("llmq:")).toBe(BURST - ESTIMATE - MAX_TOKENS);
    await redis.pause();
    expect(await reconcile(s, id, 100)).toEqual([202, { status: "queued" }]);
    await redis.resume();
    const runner = s.service.distributed!.runner;
    const until = Date.now() + 10_000;
    while (runner.stats.refunds.replayed < 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(runner.stats.refunds).toEqual({ committed: 1, replayed: 1, queued: 1, lost: 0, local: 0 });
    expect(await tokensLeft("llmq:")).toBe(BURST - ESTIMATE - 100);
    expect(s.log.events("redis_refund_queued").length).toBe(1);
  }, 30_000);
});
