// FileBundleSource over real files: startup, forced reload, change detection (watch and stat poll) and what
// each outcome logs. The host is a stand-in that accepts any bundle with a positive numeric bundle_version.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ConfigureResult } from "../host/types.js";
import { BundleApplier } from "./bundle-applier.js";
import { FileBundleSource } from "./bundle-source.js";
import { MemoryLogger } from "./log.js";

class VersionCheckingHost {
  configure(text: string): ConfigureResult {
    let version = 0;
    try {
      const v = (JSON.parse(text) as { bundle_version?: unknown }).bundle_version;
      version = typeof v === "number" && v > 0 ? v : 0;
    } catch {
      /* refused below */
    }
    const ok = version > 0;
    const report = { ok, version, policies: 0, rules: 0, raw_policies: 0, raw_rules: 0, errors: [], error: ok ? "" : "bundle_version must be a positive number" };
    return { ok, logs: [{ level: ok ? "info" : "error", message: "load_report " + JSON.stringify(report), worker: 0, contextId: 1 }] };
  }
}

let dir: string;
let file: string;
let log: MemoryLogger;
let applier: BundleApplier;
let source: FileBundleSource;

const write = (text: string) => {
  // Write-then-rename, as editors and ConfigMap updates do.
  writeFileSync(file + ".tmp", text);
  renameSync(file + ".tmp", file);
};
const bundle = (v: number) => `{"bundle_version":${v},"policies":[]}`;
const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "fv-source-"));
  file = join(dir, "policy.json");
  log = new MemoryLogger();
  applier = new BundleApplier(new VersionCheckingHost());
  source = new FileBundleSource({ path: file, applier, log, pollIntervalMs: 50, debounceMs: 20 });
});
afterEach(() => {
  source.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("FileBundleSource", () => {
  it("startup with a missing file: unreadable, logged, no bundle", async () => {
    const out = await source.reload({ force: true }, "startup");
    expect(out.result).toBe("unreadable");
    expect(applier.active).toBeNull();
    expect(log.events("standalone_reload_failed")[0]).toMatchObject({ level: "error", trigger: "startup" });
    expect(String(log.events("standalone_reload_failed")[0].err)).toMatch(/^file_not_found: .*policy\.json \(ENOENT\)$/);
  });

  it("logs standalone_policy_reloaded with version and hash", async () => {
    write(bundle(3));
    await source.reload({ force: true }, "startup");
    expect(log.events("standalone_policy_reloaded")).toEqual([
      expect.objectContaining({ level: "info", version: 3, hash: applier.active?.hash, trigger: "startup", dropped: 0 }),
    ]);
  });

  it("a change to a higher version applies; a lower one is skipped once with version_not_monotonic", async () => {
    write(bundle(3));
    await source.reload({ force: true }, "startup");
    source.watch();
    write(bundle(4));
    await until(() => applier.active?.version === 4);
    write(bundle(2));
    await until(() => log.events("standalone_reload_failed").length > 0);
    await new Promise((r) => setTimeout(r, 200)); // several polls
    expect(log.events("standalone_reload_failed")).toEqual([
      expect.objectContaining({ level: "warn", err: "version_not_monotonic", version: 2, current_version: 4, trigger: "file_change" }),
    ]);
    expect(applier.active?.version).toBe(4);
    // SIGHUP semantics: the same file now rolls back.
    expect((await source.reload({ force: true })).result).toBe("applied");
    expect(applier.active?.version).toBe(2);
  });

  it("a broken file is refused and logged once; fixing it loads it", async () => {
    write("{oops");
    await source.reload({ force: true }, "startup");
    expect(applier.active).toBeNull();
    source.watch();
    await new Promise((r) => setTimeout(r, 200));
    expect(log.events("standalone_reload_failed").length).toBe(1);
    write(bundle(1));
    await until(() => applier.active?.version === 1);
  });

  it("the stat poll alone sees a change made in place", async () => {
    write(bundle(1));
    await source.reload({ force: true }, "startup");
    source.watch();
    writeFileSync(file, bundle(9));
    await until(() => applier.active?.version === 9);
  });
});
