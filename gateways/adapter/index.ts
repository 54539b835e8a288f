// gateways/adapter: the core every serverless shim shares (one engine per instance, decide(request) → Decision).
export { FairvisorEngine, BundleRefusedError, PER_INSTANCE_NOTICE, type EngineOptions } from "./engine.js";
export { bundleFromEnv, loadFairvisorModule, engineFromEnv, platformLogger, ConfigurationError } from "./environment.js";
export { headerListFrom, isHopByHop } from "./headers.js";
export { headerOf, toDecision } from "./decision.js";
export { sourceAddressFor } from "./source-address.js";
export type { AdapterRequest, Decision, Verdict, RateLimitValues } from "./types.js";
