// Distributed counter state on Redis/Valkey: a SharedDataStore for the proxy-wasm host plus the runner that commits each decision exactly (README.md).
export { createDistributedStore, createDistributedStoreFromEnv, type DistributedStore, type CreateOptions } from "./distributed-store.js";
export { DistributedDecisionRunner, type RunOutcome, type CommitOnceOptions, type CommitOnceResult, type Origin } from "./decision-runner.js";
export { DistributedDecider, type AsyncDecider } from "./distributed-decider.js";
export { RedisSharedData, type RedisSharedDataOptions } from "./redis-shared-data.js";
export { distributedOptionsFromEnv, distributedOptions, DistributedConfigError, DEFAULTS } from "./config.js";
export { KeyLayout } from "./keys.js";
export { connectionTarget, RedisUrlError } from "./url.js";
export { redactUrl } from "./redis-link.js";
export type { DistributedOptions, DistributedStats, FailureMode, ConsistencyMode, LinkState, DistributedLogger } from "./types.js";
