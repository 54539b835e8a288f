// Decision service (`fairvisor serve`): /v1/decision for nginx, Traefik and Envoy fronts, health, hot reload.
export { DecisionService, type ServiceOptions } from "./service.js";
export { resolveConfig, vmConfigurationFor, ConfigError, type ServiceConfig, type ConfigFlags, type DenyStatus } from "./config.js";
export { installSignalHandlers } from "./signals.js";
export { createJsonLogger, MemoryLogger, type Logger } from "./log.js";
export { loadReportFrom, parseLoadReport, type LoadReport } from "./load-report.js";
export type { ReloadOutcome } from "./bundle-source.js";
export type { ActiveBundle, ApplyOutcome } from "./bundle-applier.js";
