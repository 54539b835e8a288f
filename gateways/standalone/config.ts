// Decision-service settings from the environment of the original engine (spec section 12) plus command-line
// flags; a flag wins over its variable. Every problem is a ConfigError whose message the CLI prints as
// `fairvisor: <message>` before exiting 1, like the original's Docker entrypoint.
import { DistributedConfigError, distributedOptionsFromEnv, type DistributedOptions } from "../distributed/index.js";
import { isIP } from "node:net";
import type { LogLevel } from "../host/types.js";

export type DenyStatus = 429 | 403 | 401;

export type ServiceMode = "decision_service" | "reverse_proxy";

export interface ServiceConfig {
  /** Bundle file; "" when the bundle comes only from FAIRVISOR_BUNDLE_URL or the admin API. */
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
  /** Optional for callers that build a config by hand (tests); resolveConfig fills them in. */
  mode?: ServiceMode;
  /** reverse_proxy: where allowed requests go (spec 11). */
  backendUrl?: string;
  /** reverse_proxy: upstream response-headers and body-idle timeout, answered 504 (default 60 s). */
  upstreamTimeoutMs?: number;
  /** decision_service: how long an LLM reservation waits for /v1/reconcile (default 5 min). */
  reservationTtlMs?: number;
  /** Enables /v1/admin/* (without it they answer 404). */
  adminToken?: string;
  /** Enables /v1/debug/* and the debug headers (spec 9.7). */
  debugSecret?: string;
  /** Pulled bundle source (project decision 14). */
  bundleUrl?: string;
  bundlePollIntervalMs?: number;
  /** When set, pulled and pushed bundles must be `<base64 HMAC-SHA256>\n<payload>` (spec 2.6). */
  bundleSigningKey?: string;
  /** Counters in Redis, shared by every instance (gateways/distributed; --redis / FAIRVISOR_REDIS_*). */
  redis?: DistributedOptions;
}

/** Flag values as commander hands them over (strings, absent when not given). */
export interface ConfigFlags {
  config?: string;
  port?: string;
  host?: string;
  workers?: string;
  trustedProxies?: string;
  denyStatus?: string;
  redis?: string;
}

export class ConfigError extends Error {}

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = "0.0.0.0";
const MAX_WORKERS = 64;

export function resolveConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv): ServiceConfig {
  const mode = parseMode(env.FAIRVISOR_MODE);
  const configFile = flags.config ?? nonEmpty(env.FAIRVISOR_CONFIG_FILE);
  const bundleUrl = optionalUrl(env.FAIRVISOR_BUNDLE_URL, "FAIRVISOR_BUNDLE_URL");
  if (!configFile && !bundleUrl) {
    throw new ConfigError("either FAIRVISOR_BUNDLE_URL or FAIRVISOR_CONFIG_FILE (or --config) must be set");
  }
  const backendUrl = optionalUrl(env.FAIRVISOR_BACKEND_URL, "FAIRVISOR_BACKEND_URL");
  if (mode === "reverse_proxy" && !backendUrl) {
    throw new ConfigError("FAIRVISOR_BACKEND_URL is required when FAIRVISOR_MODE=reverse_proxy");
  }
  return {
    configFile: configFile ?? "",
    host: flags.host ?? DEFAULT_HOST,
    port: flags.port === undefined ? DEFAULT_PORT : integerIn(flags.port, 0, 65535, "--port"),
    workers: flags.workers === undefined ? 1 : integerIn(flags.workers, 1, MAX_WORKERS, "--workers"),
    trustedProxies: parseTrustedProxies(flags.trustedProxies ?? env.FAIRVISOR_TRUSTED_PROXIES ?? ""),
    denyStatus: parseDenyStatus(flags.denyStatus ?? nonEmpty(env.FAIRVISOR_DENY_STATUS)),
    logLevel: parseLogLevel(nonEmpty(env.FAIRVISOR_LOG_LEVEL)),
    mode,
    backendUrl,
    upstreamTimeoutMs: positiveNumber(env.FAIRVISOR_UPSTREAM_TIMEOUT_MS, "FAIRVISOR_UPSTREAM_TIMEOUT_MS", 60_000),
    reservationTtlMs: positiveNumber(env.FAIRVISOR_RESERVATION_TTL_MS, "FAIRVISOR_RESERVATION_TTL_MS", 300_000),
    adminToken: nonEmpty(env.FAIRVISOR_ADMIN_TOKEN),
    debugSecret: nonEmpty(env.FAIRVISOR_DEBUG_SESSION_SECRET),
    bundleUrl,
    // Seconds, like the original's FAIRVISOR_CONFIG_POLL_INTERVAL (spec 12).
    bundlePollIntervalMs: positiveNumber(env.FAIRVISOR_BUNDLE_POLL_INTERVAL, "FAIRVISOR_BUNDLE_POLL_INTERVAL", 30) * 1000,
    bundleSigningKey: nonEmpty(env.FAIRVISOR_BUNDLE_SIGNING_KEY),
    redis: redisOptions(flags.redis, env, mode),
  };
}

/** gateways/distributed/config.ts reads FAIRVISOR_REDIS_*; only decision_service commits through Redis so far. */
function redisOptions(flag: string | undefined, env: NodeJS.ProcessEnv, mode: ServiceMode): DistributedOptions | undefined {
  let options: DistributedOptions | null;
  try {
    options = distributedOptionsFromEnv(env, nonEmpty(flag));
  } catch (err) {
    if (err instanceof DistributedConfigError) throw new ConfigError(err.message);
    throw err;
  }
  if (options && mode === "reverse_proxy") throw new ConfigError("--redis (FAIRVISOR_REDIS_URL) is only available in decision_service mode");
  return options ?? undefined;
}

/**
 * The vm_configuration JSON the wasm reads in proxy_on_vm_start. decision_info: every answer carries
 * X-Fairvisor-Decision-Info, which metrics, logs and debug headers read and no client sees (decision-facts.ts).
 */
export function vmConfigurationFor(config: ServiceConfig): string {
  return JSON.stringify({ trusted_proxies: config.trustedProxies, trust_geo_headers: false, decision_info: true });
}

function parseMode(mode: string | undefined): ServiceMode {
  if (mode === undefined || mode === "" || mode === "decision_service") return "decision_service";
  if (mode === "reverse_proxy") return mode;
  throw new ConfigError("FAIRVISOR_MODE must be decision_service or reverse_proxy");
}

function optionalUrl(text: string | undefined, name: string): string | undefined {
  const v = nonEmpty(text);
  if (v === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new ConfigError(`${name} must be an http or https URL, got '${v}'`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ConfigError(`${name} must be an http or https URL, got '${v}'`);
  return v;
}

/** The original's wording for interval variables (spec 12): `... must be a positive number`. */
function positiveNumber(text: string | undefined, name: string, fallback: number): number {
  const v = nonEmpty(text);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number`);
  return n;
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
