// Decision service and reverse proxy (`fairvisor serve`): fronts, reconcile, metrics, admin API, debug sessions, hot reload.
export { DecisionService, createHost, type ServiceOptions } from "./service.js";
export { resolveConfig, vmConfigurationFor, ConfigError, type ServiceConfig, type ConfigFlags, type DenyStatus } from "./config.js";
export { installSignalHandlers } from "./signals.js";
export { createJsonLogger, MemoryLogger, type Logger } from "./log.js";
export { loadReportFrom, parseLoadReport, type LoadReport } from "./load-report.js";
export type { ReloadOutcome } from "./bundle-source.js";
export type { ActiveBundle, ApplyOutcome } from "./bundle-applier.js";
export { ServiceMetrics } from "./metrics.js";
export { ReservationBook } from "./reservations.js";
export { signBundle, verifySignedBundle } from "./bundle-signature.js";
export { Decider, type DecisionOutcome } from "./decider.js";
export type { DecisionFacts, DecisionAction } from "./decision-facts.js";
