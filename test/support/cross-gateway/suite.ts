// The cross-gateway suite, after Hono's src/router/common.case.test.ts (STYLE.md, Tests): one function that
// takes a target factory and a list of skips, each with its reason. The cases share one target and run in
// order; each uses its own keys, so they do not interfere. Every expected value is exact and the same for all
// targets: verdicts, reasons, Retry-After (jittered from the same identity: no sub | 203.0.113.7 | path) and
// the RateLimit values.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiRequest, type Outcome } from "./scenario.js";
import type { Target, TargetFactory } from "./target.js";

export type CaseName =
  | "burst 3 then rejects"
  | "a second key has its own bucket"
  | "a kill switch match rejects"
  | "a path that matches no policy is allowed without RateLimit values"
  | "the reject reaches the client as 429 with a Retry-After header"
  | "a burst spread over two VMs is one bucket";

export interface Skip {
  test: CaseName;
  reason: string;
}

const allow = (remaining: number): Outcome => ({
  verdict: "allow",
  rateLimit: `"cross-api";r=${remaining};t=1`,
  rateLimitLimit: "3",
  rateLimitRemaining: String(remaining),
  rateLimitReset: "1",
});

/** Without the transport flag, which only one case checks. */
const core = (o: Outcome): Outcome => {
  const { retryAfterHeader: _ignored, ...rest } = o;
  return rest;
};

export const TOKEN_BUCKET_REJECT: Outcome = {
  verdict: "reject",
  reason: "token_bucket_exceeded",
  retryAfter: "112",
  rateLimit: '"cross-api";r=0;t=100',
  rateLimitLimit: "3",
  rateLimitRemaining: "0",
  rateLimitReset: "100",
};

export const KILL_SWITCH_REJECT: Outcome = {
  verdict: "reject",
  reason: "kill_switch",
  retryAfter: "4197",
  rateLimit: '"default";r=0;t=3600',
  rateLimitReset: "3600",
};

const CASES: Array<{ name: CaseName; run: (t: Target) => Promise<void> }> = [
  {
    name: "burst 3 then rejects",
    async run(t) {
      const seen: Outcome[] = [];
      for (let i = 0; i < 5; i++) seen.push(core(await t.send(apiRequest("alice"))));
      expect(seen).toEqual([allow(2), allow(1), allow(0), TOKEN_BUCKET_REJECT, TOKEN_BUCKET_REJECT]);
    },
  },
  {
    name: "a second key has its own bucket",
    async run(t) {
      expect(core(await t.send(apiRequest("bob")))).toEqual(allow(2));
      expect(core(await t.send(apiRequest("bob")))).toEqual(allow(1));
    },
  },
  {
    name: "a kill switch match rejects",
    async run(t) {
      // Kill switches apply before any policy and consume no counters (spec 7 step 3, 8.4).
      expect(core(await t.send(apiRequest("carol", { "x-tenant-id": "tenant-42" })))).toEqual(KILL_SWITCH_REJECT);
      expect(core(await t.send(apiRequest("carol", { "x-tenant-id": "tenant-42" }, "/health")))).toEqual({ ...KILL_SWITCH_REJECT, retryAfter: "4053" });
      expect(core(await t.send(apiRequest("carol")))).toEqual(allow(2));
    },
  },
  {
    name: "a path that matches no policy is allowed without RateLimit values",
    async run(t) {
      for (let i = 0; i < 4; i++) expect(core(await t.send(apiRequest("alice", {}, "/health")))).toEqual({ verdict: "allow" });
    },
  },
  {
    name: "the reject reaches the client as 429 with a Retry-After header",
    async run(t) {
      let last: Outcome | undefined;
      for (let i = 0; i < 4; i++) last = await t.send(apiRequest("erin"));
      expect(last).toEqual({ ...TOKEN_BUCKET_REJECT, retryAfterHeader: true });
    },
  },
  {
    name: "a burst spread over two VMs is one bucket",
    async run(t) {
      const seen: Outcome[] = [];
      for (let i = 0; i < 4; i++) seen.push(core(await t.send(apiRequest("dave"), { vm: i % 2 })));
      expect(seen).toEqual([allow(2), allow(1), allow(0), TOKEN_BUCKET_REJECT]);
    },
  },
];

export const ran: string[] = [];

export function crossGatewaySuite(label: string, factory: TargetFactory, skips: Skip[] = []): void {
  describe(`cross-gateway: ${label}`, () => {
    let target: Target | undefined;
    beforeAll(async () => {
      target = await factory();
      ran.push(target.name);
      console.log(`[cross-gateway] running target ${target.name}`);
    }, 120_000);
    afterAll(async () => {
      await target?.close();
    });
    for (const c of CASES) {
      const skip = skips.find((s) => s.test === c.name);
      if (skip) it.skip(`${c.name} (skipped: ${skip.reason})`, () => {});
      else it(c.name, () => c.run(target!));
    }
  });
}
