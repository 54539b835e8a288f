// Reads the wasm's verdict on a bundle. proxy_on_configure can only return true/false, so the module also
// logs one line `load_report {json}` (info when accepted, error when refused) with the counts and messages;
// every host-side consumer (this service, `fairvisor validate`) reads that line instead of re-validating.
import type { LogLine } from "../host/types.js";

export interface LoadReport {
  ok: boolean;
  /** bundle_version of the accepted bundle (0 when refused before it was read). */
  version: number;
  /** Policies and rules kept after dropping invalid policies. */
  policies: number;
  rules: number;
  /** Counts in the bundle as written (what `fairvisor validate` prints, spec section 13). */
  rawPolicies: number;
  rawRules: number;
  /** One message per dropped policy (spec 2.2). */
  errors: string[];
  /** Why the whole bundle was refused; "" when ok. */
  error: string;
}

const PREFIX = "load_report ";

/** Parses one log message; null when it is not a load report. */
export function parseLoadReport(message: string): LoadReport | null {
  if (!message.startsWith(PREFIX)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(message.slice(PREFIX.length));
  } catch {
    return null;
  }
  if (typeof raw !== "object" || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
  return {
    ok: r.ok === true,
    version: num(r.version),
    policies: num(r.policies),
    rules: num(r.rules),
    rawPolicies: num(r.raw_policies),
    rawRules: num(r.raw_rules),
    errors: Array.isArray(r.errors) ? r.errors.map(String) : [],
    error: typeof r.error === "string" ? r.error : "",
  };
}

/**
 * The report of one configure call. Every worker logs its own identical report; the first one is taken.
 * `accepted` is the host's answer (all workers returned true) and wins over the line's `ok`, so a module
 * that forgets to log can never make a refused bundle look accepted.
 */
export function loadReportFrom(logs: LogLine[], accepted: boolean): LoadReport {
  for (const line of logs) {
    const report = parseLoadReport(line.message);
    if (report) return { ...report, ok: report.ok && accepted };
  }
  return {
    ok: false,
    version: 0,
    policies: 0,
    rules: 0,
    rawPolicies: 0,
    rawRules: 0,
    errors: [],
    error: accepted ? "module accepted the bundle but logged no load_report" : "bundle refused (no load_report logged)",
  };
}
