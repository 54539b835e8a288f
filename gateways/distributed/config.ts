// Distributed-state settings from the environment (and the `--redis` flag of `fairvisor serve`):
//   FAIRVISOR_REDIS_URL           redis://, rediss://, redis+cluster://, redis+sentinel:// (url.ts); unset = no Redis
//   FAIRVISOR_REDIS_MODE          exact (default; the only mode built, README.md)
//   FAIRVISOR_REDIS_FAILURE_MODE  fail_open | fail_closed (default) | local
//   FAIRVISOR_REDIS_TIMEOUT_MS    decision budget for Redis, default 50
//   FAIRVISOR_REDIS_PREFIX        key prefix, default "fairvisor:"
//   FAIRVISOR_REDIS_KEY_TTL_S     TTL of written keys, default 172800 (2 days)
//   FAIRVISOR_REDIS_MAX_ATTEMPTS  commit attempts per decision, default 32
//   FAIRVISOR_REDIS_MAX_PENDING   commits in flight, default 1024
//   FAIRVISOR_REDIS_OPTIONS       JSON merged into the ioredis options (Cluster: ClusterOptions)
import { RedisUrlError, connectionTarget } from "./url.js";
import type { DistributedOptions, FailureMode } from "./types.js";

export class DistributedConfigError extends Error {}

export const DEFAULTS = {
  mode: "exact",
  failureMode: "fail_closed",
  timeoutMs: 50,
  prefix: "fairvisor:",
  keyTtlSeconds: 172_800,
  maxAttempts: 32,
  maxPendingCommits: 1024,
  maxQueuedRefunds: 10_000,
  probeIntervalMs: 200,
  maxCachedKeys: 100_000,
} as const;

/** Null when no Redis URL is configured (the in-memory store is used). `url` overrides FAIRVISOR_REDIS_URL. */
export function distributedOptionsFromEnv(env: NodeJS.ProcessEnv, url?: string): DistributedOptions | null {
  const target = url ?? nonEmpty(env.FAIRVISOR_REDIS_URL);
  if (target === undefined) return null;
  try {
    connectionTarget(target);
  } catch (err) {
    if (err instanceof RedisUrlError) throw new DistributedConfigError(err.message);
    throw err;
  }
  const mode = nonEmpty(env.FAIRVISOR_REDIS_MODE) ?? DEFAULTS.mode;
  if (mode === "bounded") {
    throw new DistributedConfigError("FAIRVISOR_REDIS_MODE=bounded is not built (see gateways/distributed/README.md); use exact");
  }
  if (mode !== "exact") throw new DistributedConfigError(`FAIRVISOR_REDIS_MODE must be exact, got '${mode}'`);
  const failureMode = nonEmpty(env.FAIRVISOR_REDIS_FAILURE_MODE) ?? DEFAULTS.failureMode;
  if (failureMode !== "fail_open" && failureMode !== "fail_closed" && failureMode !== "local") {
    throw new DistributedConfigError(`FAIRVISOR_REDIS_FAILURE_MODE must be fail_open, fail_closed or local, got '${failureMode}'`);
  }
  const prefix = env.FAIRVISOR_REDIS_PREFIX ?? DEFAULTS.prefix;
  if (prefix.includes("{") || prefix.includes("}")) {
    throw new DistributedConfigError("FAIRVISOR_REDIS_PREFIX must not contain braces (they would move the hash tag)");
  }
  return {
    url: target,
    mode: "exact",
    failureMode: failureMode as FailureMode,
    timeoutMs: integer(env.FAIRVISOR_REDIS_TIMEOUT_MS, DEFAULTS.timeoutMs, 1, 60_000, "FAIRVISOR_REDIS_TIMEOUT_MS"),
    prefix,
    keyTtlSeconds: integer(env.FAIRVISOR_REDIS_KEY_TTL_S, DEFAULTS.keyTtlSeconds, 1, 31_536_000, "FAIRVISOR_REDIS_KEY_TTL_S"),
    maxAttempts: integer(env.FAIRVISOR_REDIS_MAX_ATTEMPTS, DEFAULTS.maxAttempts, 1, 1000, "FAIRVISOR_REDIS_MAX_ATTEMPTS"),
    maxPendingCommits: integer(env.FAIRVISOR_REDIS_MAX_PENDING, DEFAULTS.maxPendingCommits, 1, 1_000_000, "FAIRVISOR_REDIS_MAX_PENDING"),
    maxQueuedRefunds: DEFAULTS.maxQueuedRefunds,
    probeIntervalMs: DEFAULTS.probeIntervalMs,
    maxCachedKeys: DEFAULTS.maxCachedKeys,
    redisOptions: jsonObject(env.FAIRVISOR_REDIS_OPTIONS),
  };
}

/** Options for tests and embedders: defaults plus overrides. */
export function distributedOptions(url: string, overrides: Partial<DistributedOptions> = {}): DistributedOptions {
  const base = distributedOptionsFromEnv({}, url) as DistributedOptions;
  return { ...base, ...overrides };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === "" ? undefined : v;
}

function integer(text: string | undefined, fallback: number, min: number, max: number, name: string): number {
  if (text === undefined || text === "") return fallback;
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new DistributedConfigError(`${name} must be an integer between ${min} and ${max}, got '${text}'`);
  }
  return n;
}

function jsonObject(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text === "") return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new DistributedConfigError("FAIRVISOR_REDIS_OPTIONS must be a JSON object");
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new DistributedConfigError("FAIRVISOR_REDIS_OPTIONS must be a JSON object");
  return v as Record<string, unknown>;
}
