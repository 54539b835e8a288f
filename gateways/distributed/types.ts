// Options and shapes of the distributed (Redis) state. Defaults are in config.ts.
import type { LogLevel } from "../host/types.js";

/** `exact` is the only mode built (README.md "Why no bounded mode"). */
export type ConsistencyMode = "exact";

/**
 * What a decision does when Redis cannot answer within the timeout (or is known to be down):
 *   fail_open   allow, count nothing;
 *   fail_closed deny with 503 (X-Fairvisor-Reason: store_unavailable);
 *   local       decide with this instance's in-memory store only (limits then hold per instance).
 */
export type FailureMode = "fail_open" | "fail_closed" | "local";

export type LinkState = "connecting" | "connected" | "degraded";

/** The shape of the decision service's logger (gateways/standalone/log.ts), declared here so the shims can pass theirs. */
export interface DistributedLogger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}

export interface DistributedOptions {
  /** redis://, rediss://, redis+cluster://, redis+sentinel:// (config.ts). */
  url: string;
  mode: ConsistencyMode;
  failureMode: FailureMode;
  /** A decision is answered within this time, by Redis or by the failure mode. Default 50 ms. */
  timeoutMs: number;
  /** Key prefix before the `{vm_id}` hash tag. Default "fairvisor:". */
  prefix: string;
  /** TTL of every written key; idle keys disappear. Default 2 days (a daily counter must outlive its day). */
  keyTtlSeconds: number;
  /** Commit attempts of one decision (conflicts), then the failure mode. Default 32, the module's own CAS bound. */
  maxAttempts: number;
  /** Commits in flight at once; past it a decision takes the failure mode at once (no unbounded queue). */
  maxPendingCommits: number;
  /** Refunds waiting for Redis to come back; past it a refund is logged as lost. */
  maxQueuedRefunds: number;
  /** Health probe period while degraded. Default 200 ms. */
  probeIntervalMs: number;
  /** Local cache bound (keys). */
  maxCachedKeys: number;
  /** Extra ioredis options (FAIRVISOR_REDIS_OPTIONS, JSON), merged over ours. */
  redisOptions: Record<string, unknown>;
}

/** Counters for a metrics exporter (prom-client or the wasm's metrics); all only grow except `state`. */
export interface DistributedStats {
  state: LinkState;
  transitions: { degraded: number; recovered: number };
  decisions: { redis: number; local: number; fail_open: number; fail_closed: number };
  commits: number;
  conflicts: number;
  /** Decisions that ran out of commit attempts (contention) and took the failure mode. */
  exhausted: number;
  /** Decisions refused at once because maxPendingCommits commits were in flight. */
  shed: number;
  timeouts: number;
  /** Commits that timed out (their decision took the failure mode) and were applied by Redis afterwards. */
  lateCommits: number;
  refunds: { committed: number; replayed: number; queued: number; lost: number; local: number };
  /** Writes the module made outside any transaction (a wiring bug; applied blind). */
  unwrappedWrites: number;
}

export function emptyStats(): DistributedStats {
  return {
    state: "connecting",
    transitions: { degraded: 0, recovered: 0 },
    decisions: { redis: 0, local: 0, fail_open: 0, fail_closed: 0 },
    commits: 0,
    conflicts: 0,
    exhausted: 0,
    shed: 0,
    timeouts: 0,
    lateCommits: 0,
    refunds: { committed: 0, replayed: 0, queued: 0, lost: 0, local: 0 },
    unwrappedWrites: 0,
  };
}
