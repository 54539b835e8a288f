// One token-bucket suite run by build/fairvisor.wasm under each host profile (STYLE.md "Cross-gateway and
// cross-profile": a suite function taking a target, each target's file a few lines). What differs per
// gateway is data in the target: how the peer address looks, which options the gateway can give the module,
// and whether counters are shared by all workers (research/gateways.md section 0).
import { describe, expect, it } from "vitest";
import type { HostOptions } from "../../../gateways/host/types.js";
import { InMemorySharedData, send, startHost, tokenBucketBundle, type TestHost } from "../fairvisor-host.js";

export interface ProfileTarget {
  /** Label in test names. */
  name: string;
  /** Host options that make the host behave as this gateway (profile, zones, VM configuration). */
  options: Partial<HostOptions>;
  /** `source.address` as this gateway reports it for a client ip and port. */
  peer(ip: string, port: number): string;
  /**
   * How two workers (Envoy threads / nginx workers) see one key's counter.
   * "shared": one counter (shared data). "per-worker": each worker counts alone (no shared data), and the
   * module must say so once with a `shared_data_unavailable` log line. The reason is required.
   */
  counters: { kind: "shared" } | { kind: "per-worker"; reason: string };
}

const KEYED = { path: "/v1/data", headers: { "x-api-key": "k1" } };

async function hostFor(target: ProfileTarget, bundle: unknown, extra: Partial<HostOptions> = {}): Promise<TestHost> {
  return startHost(bundle, { ...target.options, ...extra });
}

export function tokenBucketSuite(target: ProfileTarget): void {
  describe(`token_bucket under the ${target.name} profile`, () => {
    it("spec 9.3 worked example: burst 2, rate 1, three rapid requests", async () => {
      const t = await hostFor(target, tokenBucketBundle({ burst: 2, rate: 1 }));
      const a = send(t, { ...KEYED, sourceAddress: target.peer("192.0.2.10", 40000) });
      expect([a.status, a.headers["ratelimit-limit"], a.headers["ratelimit-remaining"], a.headers["ratelimit"]]).toEqual([
        200, "2", "1", '"tb-basic";r=1;t=1',
      ]);
      const b = send(t, { ...KEYED, sourceAddress: target.peer("192.0.2.10", 40001) });
      expect([b.status, b.headers["ratelimit-remaining"]]).toEqual([200, "0"]);
      const c = send(t, { ...KEYED, sourceAddress: target.peer("192.0.2.10", 40002) });
      expect(c.status).toBe(429);
      expect(c.headers["retry-after"]).toBe("2");
      expect(c.headers["ratelimit"]).toBe('"tb-basic";r=0;t=1');
      expect(c.headers["x-fairvisor-reason"]).toBe("token_bucket_exceeded");
      expect(t.host.workers.every((w) => !w.failed)).toBe(true);
    });

    it("refills with the clock", async () => {
      const t = await hostFor(target, tokenBucketBundle({ burst: 1, rate: 1 }));
      const peer = target.peer("192.0.2.11", 40000);
      expect(send(t, { ...KEYED, sourceAddress: peer }).status).toBe(200);
      expect(send(t, { ...KEYED, sourceAddress: peer }).status).toBe(429);
      t.clock.advance(1000);
      expect(send(t, { ...KEYED, sourceAddress: peer }).status).toBe(200);
    });

    it("keys ip:address on the client address in this gateway's source.address form", async () => {
      const t = await hostFor(target, tokenBucketBundle({ burst: 1, rate: 0.0001, keys: ["ip:address"] }));
      // Same client, another source port: one bucket. Another client: its own bucket.
      expect(send(t, { sourceAddress: target.peer("198.51.100.7", 1111) }).status).toBe(200);
      expect(send(t, { sourceAddress: target.peer("198.51.100.7", 2222) }).status).toBe(429);
      expect(send(t, { sourceAddress: target.peer("198.51.100.8", 1111) }).status).toBe(200);
    });

    const counters = target.counters;
    if (counters.kind === "shared") {
      it("two workers share one counter: the burst holds across workers", async () => {
        const store = new InMemorySharedData({ casRule: target.options.profile === "kong" ? "strict" : "envoy" });
        const t = await hostFor(target, tokenBucketBundle({ burst: 3, rate: 0.0001 }), { workers: 2, store });
        const statuses = [0, 1, 0, 1, 0, 1].map((worker) => send(t, { ...KEYED, worker, sourceAddress: target.peer("192.0.2.12", 1) }).status);
        expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
      });
    } else {
      it(`two workers count apart (${counters.reason}) and the module logs shared_data_unavailable`, async () => {
        const t = await hostFor(target, tokenBucketBundle({ burst: 2, rate: 0.0001 }), { workers: 2 });
        const statuses = [0, 0, 0, 1, 1, 1].map((worker) => send(t, { ...KEYED, worker, sourceAddress: target.peer("192.0.2.12", 1) }).status);
        expect(statuses).toEqual([200, 200, 429, 200, 200, 429]);
        expect(t.logs.filter((l) => l.message.includes("shared_data_unavailable")).map((l) => l.worker)).toEqual([0, 1]);
        expect(t.host.workers.every((w) => !w.failed)).toBe(true);
      });
    }
  });
}
