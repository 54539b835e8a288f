// The wasm in the TypeScript host under one of its profiles (gateways/host/profiles): envoy, kong (strict CAS,
// shm_kv zone, key prefix through VM configuration) and apisix (no shared data). Requests go to the VM asked
// for, else round-robin.
import { FairvisorEngine } from "../../../../gateways/adapter/engine.js";
import { toDecision } from "../../../../gateways/adapter/decision.js";
import { runStream } from "../../../../gateways/adapter/stream-decision.js";
import { SystemClock } from "../../../../gateways/host/index.js";
import type { HostOptions } from "../../../../gateways/host/types.js";
import { MemoryLogger } from "../../../../gateways/standalone/log.js";
import { fairvisorModule } from "../../fairvisor-host.js";
import { BUNDLE_TEXT, CLIENT_IP, HOST } from "../scenario.js";
import { outcomeFromHttp, type Target, type TargetFactory } from "../target.js";

export interface ProfileOptions {
  workers: number;
  shmKvZones?: string[];
  vmConfiguration?: Record<string, unknown>;
}

export function hostProfileTarget(profile: NonNullable<HostOptions["profile"]>, opts: ProfileOptions): TargetFactory {
  return async (): Promise<Target> => {
    const engine = await FairvisorEngine.create({
      module: fairvisorModule(),
      bundle: BUNDLE_TEXT,
      platform: `host:${profile}`,
      log: new MemoryLogger(),
      clock: new SystemClock(),
      profile,
      workers: opts.workers,
      shmKvZones: opts.shmKvZones,
      vmConfiguration: opts.vmConfiguration,
    });
    let next = 0;
    return {
      name: `host:${profile}`,
      async send(req, sendOpts = {}) {
        const vm = sendOpts.vm ?? next++ % opts.workers;
        const headers = Object.entries(req.headers);
        // Envoy's source.address is "ip:port"; the kong/apisix profiles strip the port themselves.
        const answer = await runStream(engine.host.worker(vm), { method: req.method, uri: req.path, authority: HOST, headers }, `${CLIENT_IP}:40000`);
        const d = toDecision(answer);
        return outcomeFromHttp(d.status, d.headers);
      },
      async close() {},
    };
  };
}

