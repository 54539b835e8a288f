// The factory the gateways call: one RedisSharedData (pass it as HostOptions.store), its link and the
// runner that turns each decision into a committed transaction. One per process: every host of the
// process shares the cache and the connection.
import type { CasRule } from "../host/shared-data.js";
import { distributedOptionsFromEnv } from "./config.js";
import { DistributedDecisionRunner } from "./decision-runner.js";
import { RedisLink } from "./redis-link.js";
import { RedisSharedData } from "./redis-shared-data.js";
import type { DistributedLogger, DistributedOptions } from "./types.js";

export interface DistributedStore {
  readonly store: RedisSharedData;
  readonly runner: DistributedDecisionRunner;
  readonly options: DistributedOptions;
  close(): Promise<void>;
}

export interface CreateOptions {
  log?: DistributedLogger;
  /** Kong's strict CAS; default Envoy's. Must match the host profile. */
  casRule?: CasRule;
  /**
   * Wait at most this long for the first connection, then return with the link still connecting (it goes
   * on in the background: connected, or degraded and probing). Decisions meanwhile take the failure mode.
   * For serverless cold starts, whose first decision must not wait longer than the decision timeout.
   * Default: wait for the connection attempt to finish (the decision service, at start-up).
   */
  connectWithinMs?: number;
}

/** Connects (a failed first connection leaves the store degraded and probing, it does not throw). */
export async function createDistributedStore(options: DistributedOptions, create: CreateOptions = {}): Promise<DistributedStore> {
  const log = create.log ?? stderrLogger();
  const store = new RedisSharedData({ casRule: create.casRule, maxCachedKeys: options.maxCachedKeys });
  const link = new RedisLink(options, log);
  const runner = new DistributedDecisionRunner(store, link, options, log);
  const started = link.start(); // never rejects: a failure marks the link degraded
  if (create.connectWithinMs === undefined) await started;
  else await raceTimer(started, create.connectWithinMs);
  return { store, runner, options, close: () => runner.close() };
}

/**
 * For the shims (Kong, Lambda, GCP, Azure): null when FAIRVISOR_REDIS_URL is unset, so the caller keeps
 * the host's in-memory store. Throws DistributedConfigError on a bad setting.
 */
export async function createDistributedStoreFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  create: CreateOptions = {},
): Promise<DistributedStore | null> {
  const options = distributedOptionsFromEnv(env);
  return options === null ? null : createDistributedStore(options, create);
}

function raceTimer(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([p, elapsed]).finally(() => clearTimeout(timer));
}

function stderrLogger(): DistributedLogger {
  return {
    log(level, event, fields = {}) {
      process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }) + "\n");
    },
  };
}
