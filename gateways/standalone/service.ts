// The decision service (`fairvisor serve`): one ProxyWasmHost running build/fairvisor.wasm, the bundle
// sources (file, URL, admin push) that feed it, and the HTTP server in front, in decision_service or
// reverse_proxy mode. Signals are wired by the caller (signals.ts), so tests can run many services in one
// process and call reload() directly.
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { ProxyWasmHost } from "../host/index.js";
import type { Clock, HostOptions, SharedDataStore } from "../host/types.js";
import { AdminApi } from "./admin.js";
import { BundleApplier, type ActiveBundle } from "./bundle-applier.js";
import { bundleFacts } from "./bundle-facts.js";
import { FileBundleSource, type ReloadOutcome } from "./bundle-source.js";
import { UrlBundleSource } from "./bundle-url-source.js";
import { vmConfigurationFor, type ServiceConfig } from "./config.js";
import { DebugSessions } from "./debug-session.js";
import { Decider } from "./decider.js";
import { createJsonLogger, type Logger } from "./log.js";
import { ServiceMetrics } from "./metrics.js";
import { ReservationBook } from "./reservations.js";
import { Ticker } from "./stream-events.js";
import { Upstream } from "./reverse-proxy/upstream.js";
import { createDecisionServer } from "./server.js";
import { createDistributedStore, DistributedDecider, type DistributedStore } from "../distributed/index.js";

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
  /**
   * The counters' shared data. Default: the host's in-memory store (process-wide, survives reconfigures).
   * A store shared by several instances (Redis) plugs in here; see createHost below.
   */
  store?: SharedDataStore;
  /** Stat fallback period of the file watch (ms). */
  pollIntervalMs?: number;
  /** Watch the bundle file for changes (default true). */
  watch?: boolean;
}

/** The one place the service builds its proxy-wasm host: every option it passes is visible here. */
export function createHost(opts: ServiceOptions, log: Logger): Promise<ProxyWasmHost> {
  const { config } = opts;
  const hostOptions: HostOptions = {
    module: opts.module,
    workers: config.workers,
    clock: opts.clock,
    store: opts.store,
    vmConfiguration: vmConfigurationFor(config),
    logLevel: config.logLevel,
    onLog: (line) => {
      // Load reports are summarised by the bundle sources' own events.
      if (line.message.startsWith("load_report ")) return;
      log.log(line.level, "wasm_log", { msg: line.message, worker: line.worker });
    },
  };
  return ProxyWasmHost.create(hostOptions);
}

interface Parts {
  host: ProxyWasmHost;
  server: Server;
  applier: BundleApplier;
  metrics: ServiceMetrics;
  log: Logger;
  file: FileBundleSource | null;
  url: UrlBundleSource | null;
  book: ReservationBook;
  upstream: Upstream | null;
  distributed: DistributedStore | null;
}

export class DecisionService {
  private stopped = false;
  private markClosed!: () => void;
  /** Resolves once stop() has finished. */
  readonly closed = new Promise<void>((resolve) => (this.markClosed = resolve));

  private constructor(private readonly parts: Parts) {}

  /** Creates the VMs, loads the bundle (a broken or missing source leaves the service up, not ready), listens. */
  static async start(opts: ServiceOptions): Promise<DecisionService> {
    const { config } = opts;
    const log = opts.log ?? createJsonLogger((line) => process.stderr.write(line), config.logLevel);
    // --redis: counters in Redis, every decision committed as a transaction (gateways/distributed).
    const distributed = config.redis && !opts.store ? await createDistributedStore(config.redis, { log }) : null;
    const host = await createHost(distributed ? { ...opts, store: distributed.store } : opts, log);
    const metrics = new ServiceMetrics(host);
    if (distributed) metrics.observeStore(() => distributed.runner.stats);
    const applier = new BundleApplier(host);
    applier.onApply((o) => {
      metrics.reloads.inc({ result: o.result });
      if (o.result === "applied") metrics.bundleApplied(o.bundle.version, o.bundle.hash, bundleFacts(o.bundle.text));
    });
    const admin = new AdminApi({ token: config.adminToken, applier, log, signingKey: config.bundleSigningKey });

    const file = config.configFile ? new FileBundleSource({ path: config.configFile, applier, log, pollIntervalMs: opts.pollIntervalMs }) : null;
    if (file) {
      await file.reload({ force: true }, "startup");
      if (opts.watch !== false) file.watch();
    }
    const url = config.bundleUrl
      ? new UrlBundleSource({ url: config.bundleUrl, applier, log, metrics, intervalMs: config.bundlePollIntervalMs ?? 30_000, signingKey: config.bundleSigningKey })
      : null;
    if (url) {
      await url.pull();
      url.start();
    }

    const ticker = new Ticker(() => host.tick());
    const decider = new Decider(host, config.denyStatus, ticker);
    const viaRedis = distributed ? new DistributedDecider(decider, distributed.runner) : null;
    const book = new ReservationBook({
      ttlMs: config.reservationTtlMs ?? 300_000,
      onExpired: (id, held, why) => {
        metrics.reservationsExpired.inc();
        log.log("info", "reservation_expired", { reservation_id: id, policy: held.policy || null, why });
      },
    });
    metrics.openReservations = () => book.size;
    const debug = config.debugSecret ? new DebugSessions(config.debugSecret) : undefined;
    const upstream = config.mode === "reverse_proxy" && config.backendUrl ? new Upstream({ backendUrl: config.backendUrl, timeoutMs: config.upstreamTimeoutMs ?? 60_000 }) : null;
    const server = createDecisionServer({
      decider: viaRedis ?? decider,
      reconcileVia: viaRedis ? (body, run) => viaRedis.reconcile(body, run) : undefined,
      active: () => applier.active,
      vmAlive: () => host.workers.some((w) => !w.failed),
      log,
      metrics,
      book,
      debug,
      admin,
      proxy: upstream
        ? { pickWorker: () => decider.pickWorker(), shadowCount: () => decider.shadowCount(), upstream, log, metrics, debug, ticker, active: () => applier.active }
        : undefined,
    });
    await listen(server, config.port, config.host);
    const service = new DecisionService({ host, server, applier, metrics, log, file, url, book, upstream, distributed });
    log.log("info", "standalone_listening", { host: config.host, port: service.port, workers: config.workers, mode: config.mode ?? "decision_service" });
    return service;
  }

  get host(): ProxyWasmHost {
    return this.parts.host;
  }

  get port(): number {
    return (this.parts.server.address() as AddressInfo).port;
  }

  get activeBundle(): ActiveBundle | null {
    return this.parts.applier.active;
  }

  /** The Redis store and runner when --redis is set (stats for metrics and tests). */
  get distributed(): DistributedStore | null {
    return this.parts.distributed;
  }

  get metrics(): ServiceMetrics {
    return this.parts.metrics;
  }

  /** force: SIGHUP semantics (any valid bundle, rollback allowed); otherwise only a higher bundle_version. */
  reload(opts: { force: boolean }): Promise<ReloadOutcome> {
    const { file, url } = this.parts;
    if (file) return file.reload(opts);
    if (url) return url.pull().then((o) => (o.result === "not_modified" ? { result: "unchanged", version: this.activeBundle?.version ?? 0 } : o.result === "failed" ? { result: "unreadable", error: o.error } : o));
    return Promise.resolve({ result: "unreadable", error: "no bundle source configured" });
  }

  /** Stops the sources, stops accepting, lets in-flight answers finish. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return this.closed;
    this.stopped = true;
    const { server, file, url, book, upstream, log } = this.parts;
    file?.close();
    url?.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // A gateway holding a keep-alive connection open must not block shutdown for ever.
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    force.unref();
    await closed;
    clearTimeout(force);
    book.close();
    await upstream?.close();
    await this.parts.distributed?.close();
    log.log("info", "standalone_stopped", {});
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
