// A bundle pulled from an HTTP(S) URL (project decision 14, replacing the original's SaaS config pull, spec
// 14): poll every interval with If-None-Match (the last ETag), apply only a higher bundle_version (the
// monotonic rule of spec 2.6), optionally check the signature (spec 2.6). An unreachable source, an error
// status or a refused bundle change nothing: the last good bundle keeps enforcing.
//   bundle_pull_failed  warn  transport error or unexpected status (`err`, `status`)
//   + the apply events of apply-log.ts with source=url
import { request } from "undici";
import { logApplyOutcome } from "./apply-log.js";
import type { ApplyOutcome, BundleApplier } from "./bundle-applier.js";
import type { Logger } from "./log.js";
import type { ServiceMetrics } from "./metrics.js";

export interface UrlSourceOptions {
  url: string;
  applier: BundleApplier;
  log: Logger;
  intervalMs: number;
  signingKey?: string;
  metrics?: ServiceMetrics;
  /** Per pull; default 10 s (the original's SaaS client: connect 5 s, send 10 s, spec 14). */
  timeoutMs?: number;
}

export type PullOutcome = ApplyOutcome | { result: "not_modified" } | { result: "failed"; error: string };

export class UrlBundleSource {
  private etag: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PullOutcome> | null = null;
  /** Logged without query string or credentials, which may carry a token. */
  private readonly shownUrl: string;

  constructor(private readonly opts: UrlSourceOptions) {
    const u = new URL(opts.url);
    this.shownUrl = `${u.protocol}//${u.host}${u.pathname}`;
  }

  start(): void {
    this.timer = setInterval(() => void this.pull(), this.opts.intervalMs);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pull; concurrent calls share the one in flight. */
  pull(): Promise<PullOutcome> {
    if (!this.running) this.running = this.pullOnce().finally(() => (this.running = null));
    return this.running;
  }

  private async pullOnce(): Promise<PullOutcome> {
    const { log, metrics } = this.opts;
    const timeout = this.opts.timeoutMs ?? 10_000;
    let status: number;
    let text: string;
    let etag: string | null;
    try {
      const res = await request(this.opts.url, {
        method: "GET",
        headers: this.etag ? { "if-none-match": this.etag } : {},
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: AbortSignal.timeout(timeout),
      });
      status = res.statusCode;
      const value = res.headers.etag;
      etag = typeof value === "string" ? value : null;
      text = await res.body.text();
    } catch (err) {
      const error = (err as Error).message || String(err);
      metrics?.sourceReachable.set(0);
      metrics?.sourceCalls.inc({ operation: "config_pull", status: "error" });
      log.log("warn", "bundle_pull_failed", { url: this.shownUrl, err: error });
      return { result: "failed", error };
    }
    metrics?.sourceReachable.set(1);
    if (status === 304) {
      metrics?.sourceCalls.inc({ operation: "config_pull", status: "success" });
      return { result: "not_modified" };
    }
    if (status !== 200) {
      metrics?.sourceCalls.inc({ operation: "config_pull", status: "error" });
      log.log("warn", "bundle_pull_failed", { url: this.shownUrl, status, err: `HTTP ${status}` });
      return { result: "failed", error: `HTTP ${status}` };
    }
    metrics?.sourceCalls.inc({ operation: "config_pull", status: "success" });
    // Remembered even when refused: the same bad body is not fetched and logged again every interval.
    this.etag = etag;
    const outcome = this.opts.applier.apply(text, { requireNewerVersion: true, signingKey: this.opts.signingKey });
    logApplyOutcome(log, outcome, { source: "url", url: this.shownUrl });
    return outcome;
  }
}
