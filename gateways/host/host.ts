// ProxyWasmHost: compiles the module once, runs `workers` VM instances of it, and drives configuration,
// ticks and metrics across them with Envoy's semantics (DESIGN.md §3; research/gateways.md 1.2-1.3).
import { logLevelNumber } from "./abi/log.js";
import { InMemorySharedData } from "./shared-data.js";
import { SharedQueues } from "./shared-queues.js";
import { SystemClock } from "./clock.js";
import { MetricsRegistry, type MetricKind } from "./metrics-registry.js";
import { profileFor } from "./profiles/index.js";
import type { HostRuntime } from "./runtime.js";
import type { ConfigureResult, HostOptions, LogLine, SharedDataStore, Worker } from "./types.js";
import { WorkerImpl, type StagedRoot } from "./worker.js";

const encoder = new TextEncoder();

function toBytes(value: string | Uint8Array | undefined): Uint8Array {
  if (value === undefined) return new Uint8Array(0);
  return typeof value === "string" ? encoder.encode(value) : value;
}

function requireAbi(module: WebAssembly.Module): void {
  const names = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  // The ABI marker decides the ABI (cpp-host src/wasm.cc); this host speaks 0.2.1 only.
  if (!names.has("proxy_abi_version_0_2_1")) {
    throw new Error("the module does not export proxy_abi_version_0_2_1 (this host implements proxy-wasm ABI 0.2.1)");
  }
  if (!names.has("proxy_on_memory_allocate") && !names.has("malloc")) {
    throw new Error("the module exports neither proxy_on_memory_allocate nor malloc");
  }
}

export class ProxyWasmHost {
  readonly workers: WorkerImpl[];
  readonly store: SharedDataStore;
  private readonly runtime: HostRuntime;
  private collecting: LogLine[] | null = null;

  private constructor(runtime: HostRuntime, module: WebAssembly.Module, count: number) {
    this.runtime = runtime;
    this.store = runtime.store;
    this.workers = [];
    for (let i = 0; i < count; i++) this.workers.push(new WorkerImpl(i, runtime, module));
  }

  /** Compiles once, instantiates `workers` VMs and starts each (_initialize/_start, root context, on_vm_start). */
  static async create(opts: HostOptions): Promise<ProxyWasmHost> {
    const module = opts.module instanceof WebAssembly.Module ? opts.module : await WebAssembly.compile(opts.module as Uint8Array<ArrayBuffer>);
    requireAbi(module);
    const profile = profileFor(opts.profile ?? "envoy", { shmKvZones: opts.shmKvZones });
    const onLog = opts.onLog;
    let host: ProxyWasmHost | null = null;
    const runtime: HostRuntime = {
      profile,
      vmId: opts.vmId ?? "fairvisor",
      pluginName: opts.pluginName ?? "fairvisor",
      rootIdName: opts.rootId ?? "",
      clock: opts.clock ?? new SystemClock(),
      store: opts.store ?? new InMemorySharedData({ casRule: profile.casRule }),
      queues: new SharedQueues(),
      metrics: new MetricsRegistry(),
      httpCall: opts.httpCall,
      logLevel: logLevelNumber(opts.logLevel ?? "info"),
      failurePolicy: opts.failurePolicy ?? "fail_closed",
      vmConfiguration: toBytes(opts.vmConfiguration),
      emitLog(line: LogLine): void {
        host?.collecting?.push(line);
        onLog?.(line);
      },
    };
    const workers = opts.workers ?? 1;
    if (!Number.isInteger(workers) || workers < 1) throw new Error(`workers must be a positive integer, got ${workers}`);
    host = new ProxyWasmHost(runtime, module, workers);
    return host;
  }

  worker(i: number): Worker {
    const w = this.workers[i];
    if (w === undefined) throw new RangeError(`no worker ${i} (this host has ${this.workers.length})`);
    return w;
  }

  /**
   * Envoy reconfiguration: each live worker configures a new root context (the root created at VM start
   * takes the first configuration). Only if every live worker accepts does the new root become current,
   * and the old roots get proxy_on_done then proxy_on_delete; otherwise the new roots are retired and the
   * last good configuration keeps serving. Failed workers are skipped and reported.
   */
  configure(pluginConfiguration: string | Uint8Array): ConfigureResult {
    const bytes = toBytes(pluginConfiguration);
    const logs: LogLine[] = [];
    const previous = this.collecting;
    this.collecting = logs;
    try {
      const staged: Array<[WorkerImpl, StagedRoot]> = [];
      let ok = true;
      for (const w of this.workers) {
        if (w.failed) continue;
        const s = w.stage(bytes);
        staged.push([w, s]);
        if (!s.accepted) ok = false;
      }
      if (staged.length === 0) ok = false;
      for (const [w, s] of staged) {
        if (ok) w.commit(s, bytes);
        else w.rollback(s);
      }
      const failedWorkers = this.workers.filter((w) => w.failed).map((w) => w.index);
      return { ok, logs, failedWorkers };
    } finally {
      this.collecting = previous;
    }
  }

  /** Fires proxy_on_tick on every root context whose tick period has elapsed on the host clock. */
  tick(): void {
    const now = this.runtime.clock.nowNanos();
    for (const w of this.workers) w.tick(now);
  }

  metrics(): Map<string, { type: MetricKind; value: bigint }> {
    return this.runtime.metrics.snapshot();
  }
}
