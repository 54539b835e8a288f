// The decision service (`fairvisor serve`): one ProxyWasmHost running build/fairvisor.wasm, the bundle file
// it enforces, and the HTTP server in front. Signals are wired by the caller (signals.ts), so tests can run
// many services in one process and call reload() directly.
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { ProxyWasmHost } from "../host/index.js";
import type { Clock, SharedDataStore } from "../host/types.js";
import { BundleApplier, type ActiveBundle } from "./bundle-applier.js";
import { FileBundleSource, type ReloadOutcome } from "./bundle-source.js";
import { vmConfigurationFor, type ServiceConfig } from "./config.js";
import { Decider } from "./decider.js";
import { createJsonLogger, type Logger } from "./log.js";
import { createDecisionServer } from "./server.js";

/** In-flight answers take microseconds; this only bounds stuck connections. */
const SHUTDOWN_GRACE_MS = 5000;

export interface ServiceOptions {
  config: ServiceConfig;
  /** Compiled build/fairvisor.wasm. */
  module: WebAssembly.Module | Uint8Array;
  /** Default: JSON lines on stderr at config.logLevel. */
  log?: Logger;
  /** Tests pass a ManualClock; default the system clock. */
  clock?: Clock;
  /** Default: the host's in-memory store (process-wide, survives reconfigures). */
  store?: SharedDataStore;
  /** Stat fallback period of the file watch (ms). */
  pollIntervalMs?: number;
  /** Watch the bundle file for changes (default true). */
  watch?: boolean;
}

export class DecisionService {
  private stopped = false;
  private markClosed!: () => void;
  /** Resolves once stop() has finished. */
  readonly closed = new Promise<void>((resolve) => (this.markClosed = resolve));

  private constructor(
    readonly host: ProxyWasmHost,
    private readonly server: Server,
    private readonly source: FileBundleSource,
    private readonly applier: BundleApplier,
    private readonly log: Logger,
  ) {}

  /** Creates the VMs, loads the bundle (a broken or missing file leaves the service up, not ready), listens. */
  static async start(opts: ServiceOptions): Promise<DecisionService> {
    const { config } = opts;
    const log = opts.log ?? createJsonLogger((line) => process.stderr.write(line), config.logLevel);
    const host = await ProxyWasmHost.create({
      module: opts.module,
      workers: config.workers,
      clock: opts.clock,
      store: opts.store,
      vmConfiguration: vmConfigurationFor(config),
      logLevel: config.logLevel,
      onLog: (line) => {
        // Load reports are summarised by the bundle source's own events.
        if (line.message.startsWith("load_report ")) return;
        log.log(line.level, "wasm_log", { msg: line.message, worker: line.worker });
      },
    });
    const applier = new BundleApplier(host);
    const source = new FileBundleSource({ path: config.configFile, applier, log, pollIntervalMs: opts.pollIntervalMs });
    await source.reload({ force: true }, "startup");
    if (opts.watch !== false) source.watch();

    const decider = new Decider(host, config.denyStatus);
    const server = createDecisionServer({
      decider,
      active: () => applier.active,
      vmAlive: () => host.workers.some((w) => !w.failed),
      log,
    });
    await listen(server, config.port, config.host);
    const service = new DecisionService(host, server, source, applier, log);
    log.log("info", "standalone_listening", { host: config.host, port: service.port, workers: config.workers });
    return service;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get activeBundle(): ActiveBundle | null {
    return this.applier.active;
  }

  /** force: SIGHUP semantics (any valid bundle, rollback allowed); otherwise only a higher bundle_version. */
  reload(opts: { force: boolean }): Promise<ReloadOutcome> {
    return this.source.reload(opts);
  }

  /** Stops watching, stops accepting, lets in-flight answers finish. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return this.closed;
    this.stopped = true;
    this.source.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    // A gateway holding a keep-alive connection open must not block shutdown for ever.
    const force = setTimeout(() => this.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    force.unref();
    await closed;
    clearTimeout(force);
    this.log.log("info", "standalone_stopped", {});
    this.markClosed();
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

