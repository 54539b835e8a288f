// One FairvisorEngine per function instance: starts the host on the compiled build/fairvisor.wasm, applies
// the bundle and answers decide() by running one stream through the filter (stream-decision.ts). The host
// owns the contract; the engine only picks a VM and reads the answer.
import { ProxyWasmHost } from "../host/index.js";
import type { Clock, HostOptions, LogLine, SharedDataStore, Worker } from "../host/types.js";
import { loadReportFrom } from "../standalone/load-report.js";
import type { Logger } from "../standalone/log.js";
import { toDecision } from "./decision.js";
import { sourceAddressFor } from "./source-address.js";
import { runStream, storeUnavailableAnswer, unavailableAnswer, type StreamAnswer } from "./stream-decision.js";
import { Ticker } from "../standalone/stream-events.js";
import { redactUrl, type DistributedStore } from "../distributed/index.js";
import type { AdapterRequest, Decision } from "./types.js";

/** Said at every start-up and in each shim's README: the default store lives in this instance only. */
export const PER_INSTANCE_NOTICE =
  "limits are per instance until a distributed store is configured: the in-memory store counts only the requests this instance sees";

export interface EngineOptions {
  /** Compiled build/fairvisor.wasm (see loadFairvisorModule). */
  module: WebAssembly.Module;
  /** Bundle JSON text. */
  bundle: string;
  /** Which platform runs this engine, for the logs ("aws-lambda", "gcp", "azure"). */
  platform: string;
  log: Logger;
  /** Counter store; default the host's in-memory store. Ignored when `distributed` is set. */
  store?: SharedDataStore;
  /**
   * Counters in Redis (gateways/distributed, createDistributedStoreFromEnv): its store backs the host and
   * every decision runs through its runner as one transaction, as the decision service does.
   */
  distributed?: DistributedStore | null;
  clock?: Clock;
  /** VM instances sharing the store; default 1 (a function instance handles one request at a time). */
  workers?: number;
  /** Host profile and its options; the shims run the Envoy profile. */
  profile?: HostOptions["profile"];
  shmKvZones?: string[];
  /** The wasm's deployment options (assembly/filter/deployment.ts); default: no trusted proxies. */
  vmConfiguration?: Record<string, unknown>;
}

export class BundleRefusedError extends Error {}

export class FairvisorEngine {
  private next = 0;
  private readonly ticker: Ticker;

  private constructor(readonly host: ProxyWasmHost, readonly distributed: DistributedStore | null) {
    this.ticker = new Ticker(() => host.tick());
  }

  /** Starts the VMs and applies the bundle; a refused bundle is an error (the instance must not serve). */
  static async create(opts: EngineOptions): Promise<FairvisorEngine> {
    const { log } = opts;
    const distributed = opts.distributed ?? null;
    const host = await ProxyWasmHost.create({
      module: opts.module,
      workers: opts.workers ?? 1,
      store: distributed?.store ?? opts.store,
      clock: opts.clock,
      profile: opts.profile,
      shmKvZones: opts.shmKvZones,
      vmConfiguration: JSON.stringify(opts.vmConfiguration ?? { trusted_proxies: [], trust_geo_headers: false }),
      onLog: (line: LogLine) => {
        if (line.message.startsWith("load_report ")) return;
        log.log(line.level, "wasm_log", { msg: line.message, worker: line.worker });
      },
    });
    const configured = host.configure(opts.bundle);
    const report = loadReportFrom(configured.logs, configured.ok);
    if (!report.ok) throw new BundleRefusedError(`bundle refused: ${report.error}`);
    log.log("info", "adapter_bundle_loaded", { platform: opts.platform, version: report.version });
    if (distributed) {
      const o = distributed.options;
      log.log("info", "adapter_store_redis", {
        platform: opts.platform,
        target: redactUrl(o.url),
        mode: o.mode,
        failure_mode: o.failureMode,
        timeout_ms: o.timeoutMs,
        prefix: o.prefix,
      });
    } else if (opts.store === undefined) {
      log.log("warn", "adapter_store_per_instance", { platform: opts.platform, msg: PER_INSTANCE_NOTICE });
    } else {
      log.log("info", "adapter_store_injected", { platform: opts.platform });
    }
    return new FairvisorEngine(host, distributed);
  }

  /**
   * Decides. A throttle is waited out before answering: by the module itself where the host has ticks (the
   * stream pauses and resumes), otherwise here, from the X-Fairvisor-Delay-Ms it reports (throttle.ts).
   */
  async decide(request: AdapterRequest): Promise<Decision> {
    const answer = this.distributed ? await this.viaRedis(this.distributed, request) : await this.once(request);
    const decision = toDecision(answer);
    if (decision.delayMs > 0 && !answer.waited) await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
    return decision;
  }

  /** Closes the Redis connection, if any (tests; a function instance is simply frozen or dropped). */
  async close(): Promise<void> {
    await this.distributed?.close();
  }

  /** One attempt on a fresh stream; runStream finishes the stream before returning. */
  private async once(request: AdapterRequest): Promise<StreamAnswer> {
    const worker = this.pickWorker();
    return worker ? runStream(worker, request, sourceAddressFor(request.clientIp), this.ticker) : unavailableAnswer();
  }

  /**
   * The decision as one optimistic transaction (distributed/decision-runner.ts): re-run on a fresh stream
   * after a conflict; within the timeout or per failure mode, with the answers the decision service gives
   * (distributed-decider.ts): fail_open = a plain allow marked X-Fairvisor-Degraded, nothing counted;
   * fail_closed = 503 store_unavailable.
   */
  private async viaRedis(dist: DistributedStore, request: AdapterRequest): Promise<StreamAnswer> {
    const outcome = await dist.runner.run(() => this.once(request));
    if (outcome.origin === "redis" || outcome.origin === "local") return outcome.value;
    if (outcome.origin === "fail_open") return { status: 200, headers: [["X-Fairvisor-Degraded", "fail_open"]], body: new Uint8Array(0) };
    return storeUnavailableAnswer();
  }

  /** Round-robin over the VMs, skipping any that trapped; null when all have failed. */
  private pickWorker(): Worker | null {
    const workers = this.host.workers;
    for (let i = 0; i < workers.length; i++) {
      const w = workers[(this.next + i) % workers.length];
      if (!w.failed) {
        this.next = (this.next + i + 1) % workers.length;
        return w;
      }
    }
    return null;
  }
}
