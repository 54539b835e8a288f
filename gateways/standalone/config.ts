// Decision-service settings from the environment of the original engine (spec section 12) plus command-line
// flags; a flag wins over its variable. Every problem is a ConfigError whose message the CLI prints as
// `fairvisor: <message>` before exiting 1, like the original's Docker entrypoint.
import { isIP } from "node:net";
import type { LogLevel } from "../host/types.js";

export type DenyStatus = 429 | 403 | 401;

export interface ServiceConfig {
  configFile: string;
  host: string;
  port: number;
  /** VM instances, used round-robin. */
  workers: number;
  /** CIDRs whose X-Forwarded-For is believed (project decision 13); empty = use the TCP peer. */
  trustedProxies: string[];
  /** Status of a reject; 403/401 for fronts that only honour those (nginx auth_request, DESIGN.md section 4). */
  denyStatus: DenyStatus;
  logLevel: LogLevel;
}

/** Flag values as commander hands them over (strings, absent when not given). */
export interface ConfigFlags {
  config?: string;
  port?: string;
  host?: string;
  workers?: string;
  trustedProxies?: string;
  denyStatus?: string;
}

export class ConfigError extends Error {}

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = "0.0.0.0";
const MAX_WORKERS = 64;

export function resolveConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv): ServiceConfig {
  checkMode(env.FAIRVISOR_MODE);
  const configFile = flags.config ?? nonEmpty(env.FAIRVISOR_CONFIG_FILE);
  if (!configFile) throw new ConfigError("FAIRVISOR_CONFIG_FILE (or --config) must be set");
  return {
    configFile,
    host: flags.host ?? DEFAULT_HOST,
    port: flags.port === undefined ? DEFAULT_PORT : integerIn(flags.port, 0, 65535, "--port"),
    workers: flags.workers === undefined ? 1 : integerIn(flags.workers, 1, MAX_WORKERS, "--workers"),
    trustedProxies: parseTrustedProxies(flags.trustedProxies ?? env.FAIRVISOR_TRUSTED_PROXIES ?? ""),
    denyStatus: parseDenyStatus(flags.denyStatus ?? nonEmpty(env.FAIRVISOR_DENY_STATUS)),
    logLevel: parseLogLevel(nonEmpty(env.FAIRVISOR_LOG_LEVEL)),
  };
}

/** The vm_configuration JSON the wasm reads in proxy_on_vm_start. */
export function vmConfigurationFor(config: ServiceConfig): string {
  return JSON.stringify({ trusted_proxies: config.trustedProxies, trust_geo_headers: false });
}

function checkMode(mode: string | undefined): void {
  if (mode === undefined || mode === "" || mode === "decision_service") return;
  if (mode === "reverse_proxy") throw new ConfigError("reverse_proxy mode is not available in this build");
  throw new ConfigError("FAIRVISOR_MODE must be decision_service or reverse_proxy");
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === "" ? undefined : v;
}

function integerIn(text: string, min: number, max: number, name: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got '${text}'`);
  }
  return n;
}

function parseDenyStatus(text: string | undefined): DenyStatus {
  if (text === undefined) return 429;
  if (text === "429" || text === "403" || text === "401") return Number(text) as DenyStatus;
  throw new ConfigError(`--deny-status (FAIRVISOR_DENY_STATUS) must be 429, 403 or 401, got '${text}'`);
}

/** Comma list of CIDRs; a bare address means that one host (/32 or /128). */
export function parseTrustedProxies(text: string): string[] {
  const out: string[] = [];
  for (const item of text.split(",")) {
    const entry = item.trim();
    if (!entry) continue;
    const slash = entry.indexOf("/");
    const addr = slash < 0 ? entry : entry.slice(0, slash);
    const family = isIP(addr);
    const maxBits = family === 6 ? 128 : 32;
    const bitsText = slash < 0 ? String(maxBits) : entry.slice(slash + 1);
    const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : -1;
    if (family === 0 || bits < 0 || bits > maxBits) {
      throw new ConfigError(`invalid trusted proxy CIDR: '${entry}'`);
    }
    out.push(`${addr}/${bits}`);
  }
  return out;
}

const LOG_LEVELS: Record<string, LogLevel> = {
  trace: "trace",
  debug: "debug",
  info: "info",
  notice: "info", // nginx levels of the original's FAIRVISOR_LOG_LEVEL
  warn: "warn",
  error: "error",
  crit: "critical",
  critical: "critical",
};

function parseLogLevel(text: string | undefined): LogLevel {
  if (text === undefined) return "info";
  const level = LOG_LEVELS[text.toLowerCase()];
  if (!level) throw new ConfigError(`FAIRVISOR_LOG_LEVEL must be one of ${Object.keys(LOG_LEVELS).join(", ")}`);
  return level;
}
