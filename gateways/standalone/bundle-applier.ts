// Owns "which bundle is enforcing": hands bundle text to the wasm (every worker's proxy_on_configure), reads
// its load report and keeps the active bundle's facts for /readyz. The host keeps the previous
// configuration when the module refuses a new one, and its shared data (the counters) across configures, so
// a refused bundle leaves enforcement untouched and an accepted one keeps counters (project decision 12).
import { createHash } from "node:crypto";
import type { ConfigureResult } from "../host/types.js";
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

export class BundleApplier {
  private current: ActiveBundle | null = null;

  constructor(private readonly host: Configurable, private readonly now: () => number = Date.now) {}

  get active(): ActiveBundle | null {
    return this.current;
  }

  /**
   * requireNewerVersion: the automatic path (file change) only moves forward, like the original's hot-reload
   * timer (spec 2.6, `version_not_monotonic`); a forced reload (SIGHUP, startup) may roll back.
   */
  apply(text: string, opts: { requireNewerVersion: boolean }): ApplyOutcome {
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
