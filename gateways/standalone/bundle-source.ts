// The bundle file on disk: initial load, forced reload (SIGHUP, the original's documented rollback path) and
// change detection (fs.watch on the directory plus a periodic stat, because editors and Kubernetes ConfigMaps
// replace files by rename or symlink swap, which a watch on the file itself misses). What a reload logs is
// in apply-log.ts; an unreadable file is `standalone_reload_failed` with err=file_not_found.
import { watch, type FSWatcher } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { logApplyOutcome } from "./apply-log.js";
import type { ApplyOutcome, BundleApplier } from "./bundle-applier.js";
import type { Logger } from "./log.js";

export type ReloadOutcome = ApplyOutcome | { result: "unreadable"; error: string };

export interface BundleSourceOptions {
  path: string;
  applier: BundleApplier;
  log: Logger;
  /** Stat fallback period. Default 5 s, the original hot-reload timer's default (spec 2.7). */
  pollIntervalMs?: number;
  /** Quiet time after a watch event before reading, so a write in several steps is read once. */
  debounceMs?: number;
}

export class FileBundleSource {
  private readonly path: string;
  private readonly applier: BundleApplier;
  private readonly log: Logger;
  private readonly pollIntervalMs: number;
  private readonly debounceMs: number;
  /** Reloads run one at a time, so an older read can never be applied after a newer one. */
  private queue: Promise<unknown> = Promise.resolve();
  private watcher: FSWatcher | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private debounceTimer: NodeJS.Timeout | null = null;
  private lastStat = "";
  /** Text of the last change-triggered attempt, so an unchanged broken file is not re-logged every poll. */
  private lastSeenText: string | null = null;

  constructor(opts: BundleSourceOptions) {
    this.path = opts.path;
    this.applier = opts.applier;
    this.log = opts.log;
    this.pollIntervalMs = opts.pollIntervalMs ?? 5000;
    this.debounceMs = opts.debounceMs ?? 100;
  }

  /** Reads the file and applies it. force: any valid bundle applies; else only a higher bundle_version. */
  reload(opts: { force: boolean }, trigger = opts.force ? "forced" : "file_change"): Promise<ReloadOutcome> {
    const run = this.queue.then(() => this.readAndApply(opts.force, trigger, false));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Starts change detection. */
  watch(): void {
    try {
      this.watcher = watch(dirname(this.path), { persistent: false }, () => this.scheduleCheck());
      this.watcher.on("error", (err) => {
        this.log.log("warn", "standalone_watch_failed", { err: String(err), file: this.path });
        this.watcher?.close();
        this.watcher = null;
      });
    } catch (err) {
      // The poll below still sees changes; the watch only makes them faster.
      this.log.log("warn", "standalone_watch_failed", { err: String(err), file: this.path });
    }
    void this.statKey().then((key) => (this.lastStat = key));
    this.pollTimer = setInterval(() => void this.poll(), this.pollIntervalMs);
    this.pollTimer.unref();
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.pollTimer = this.debounceTimer = null;
  }

  private scheduleCheck(): void {
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = null;
      void this.checkForChange();
    }, this.debounceMs);
    this.debounceTimer.unref();
  }

  private async poll(): Promise<void> {
    const key = await this.statKey();
    if (key === this.lastStat) return;
    this.lastStat = key;
    await this.checkForChange();
  }

  private checkForChange(): Promise<ReloadOutcome> {
    const run = this.queue.then(() => this.readAndApply(false, "file_change", true));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async statKey(): Promise<string> {
    try {
      const s = await stat(this.path);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      return "missing";
    }
  }

  private async readAndApply(force: boolean, trigger: string, skipSeen: boolean): Promise<ReloadOutcome> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (err) {
      const error = `file_not_found: ${this.path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
      // A file that stays missing is reported once, at warn level like the original's timer (spec 2.7).
      if (!skipSeen) this.log.log("error", "standalone_reload_failed", { err: error, file: this.path, trigger });
      else if (this.lastSeenText !== null) this.log.log("warn", "standalone_reload_failed", { err: error, file: this.path, trigger });
      this.lastSeenText = null;
      return { result: "unreadable", error };
    }
    if (skipSeen && text === this.lastSeenText) {
      return { result: "unchanged", version: this.applier.active?.version ?? 0 };
    }
    this.lastSeenText = text;
    const outcome = this.applier.apply(text, { requireNewerVersion: !force });
    this.logOutcome(outcome, trigger);
    return outcome;
  }

  private logOutcome(outcome: ApplyOutcome, trigger: string): void {
    logApplyOutcome(this.log, outcome, { file: this.path, trigger });
  }
}
