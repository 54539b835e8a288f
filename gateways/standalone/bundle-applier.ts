// Owns "which bundle is enforcing": hands bundle text to the wasm (every worker's proxy_on_configure), reads
// its load report and keeps the active bundle's facts for /readyz. The host keeps the previous
// configuration when the module refuses a new one, and its shared data (the counters) across configures, so
// a refused bundle leaves enforcement untouched and an accepted one keeps counters (project decision 12).
import { createHash } from "node:crypto";
import type { ConfigureResult } from "../host/types.js";
import { verifySignedBundle } from "./bundle-signature.js";
import { loadReportFrom, type LoadReport } from "./load-report.js";

export interface ActiveBundle {
  version: number;
  /** base64(SHA-1(bundle text)), the original's `policy_hash` (spec 2.6). */
  hash: string;
  text: string;
  /** Wall-clock time of the swap, epoch milliseconds. */
  loadedAt: number;
  report: LoadReport;
}

export type ApplyOutcome =
  | { result: "applied"; bundle: ActiveBundle }
  | { result: "unchanged"; version: number }
  | { result: "refused"; error: string; report: LoadReport }
  | { result: "version_not_monotonic"; version: number; currentVersion: number };

/** The part of ProxyWasmHost this needs. */
export interface Configurable {
  configure(pluginConfiguration: string): ConfigureResult;
}

export interface ApplyOptions {
  requireNewerVersion: boolean;
  /** Pulled and pushed bundles: the text must be `<signature>\n<payload>` signed with this key (spec 2.6). */
  signingKey?: string;
}

/** Told about every attempt, whichever source made it (metrics count reloads by result). */
export type ApplyListener = (outcome: ApplyOutcome) => void;

export class BundleApplier {
  private current: ActiveBundle | null = null;
  private readonly listeners: ApplyListener[] = [];

  constructor(private readonly host: Configurable, private readonly now: () => number = Date.now) {}

  onApply(listener: ApplyListener): void {
    this.listeners.push(listener);
  }

  get active(): ActiveBundle | null {
    return this.current;
  }

  /**
   * requireNewerVersion: the automatic path (file change) only moves forward, like the original's hot-reload
   * timer (spec 2.6, `version_not_monotonic`); a forced reload (SIGHUP, startup) may roll back.
   */
  apply(input: string, opts: ApplyOptions): ApplyOutcome {
    const outcome = this.applyOnce(input, opts);
    for (const listener of this.listeners) listener(outcome);
    return outcome;
  }

  private applyOnce(input: string, opts: ApplyOptions): ApplyOutcome {
    let text = input;
    if (opts.signingKey !== undefined) {
      const verified = verifySignedBundle(input, opts.signingKey);
      if (!verified.ok) return { result: "refused", error: verified.error, report: refusedReport(verified.error) };
      text = verified.payload;
    }
    const cur = this.current;
    if (cur && cur.text === text) return { result: "unchanged", version: cur.version };
    if (cur && opts.requireNewerVersion) {
      const version = peekBundleVersion(text);
      // Only a readable, numeric version is compared here; anything else goes to the wasm, which refuses it
      // with the exact message of spec 2.1.
      if (version !== undefined && version <= cur.version) {
        return { result: "version_not_monotonic", version, currentVersion: cur.version };
      }
    }
    const configured = this.host.configure(text);
    const report = loadReportFrom(configured.logs, configured.ok);
    if (!report.ok) return { result: "refused", error: report.error, report };
    const bundle: ActiveBundle = {
      version: report.version,
      hash: createHash("sha1").update(text, "utf8").digest("base64"),
      text,
      loadedAt: this.now(),
      report,
    };
    this.current = bundle;
    return { result: "applied", bundle };
  }
}

function refusedReport(error: string): LoadReport {
  return { ok: false, version: 0, policies: 0, rules: 0, rawPolicies: 0, rawRules: 0, errors: [], error };
}

/** bundle_version when the text is JSON with a positive numeric one; undefined otherwise. */
export function peekBundleVersion(text: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
    const v = (parsed as Record<string, unknown>).bundle_version;
    return typeof v === "number" && v > 0 ? v : undefined;
  } catch {
    return undefined;
  }
}
