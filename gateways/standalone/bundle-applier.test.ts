// BundleApplier: the monotonic rule, the no-op on identical text, refusal keeping the active bundle, the
// readiness facts. The host is a recording stand-in answering with load_report lines; the real wasm's
// answers are covered in test/decision-service.test.ts.
import { describe, expect, it } from "vitest";
import type { ConfigureResult } from "../host/types.js";
import { BundleApplier, peekBundleVersion } from "./bundle-applier.js";

class RecordingHost {
  readonly configured: string[] = [];
  constructor(private readonly answer: (text: string) => { ok: boolean; version: number; error?: string; errors?: string[] }) {}
  configure(text: string): ConfigureResult {
    this.configured.push(text);
    const a = this.answer(text);
    const report = { ok: a.ok, version: a.version, policies: 1, rules: 1, raw_policies: 1, raw_rules: 1, errors: a.errors ?? [], error: a.error ?? "" };
    return { ok: a.ok, logs: [{ level: a.ok ? "info" : "error", message: "load_report " + JSON.stringify(report), worker: 0, contextId: 1 }] };
  }
}

const versionOf = (text: string) => (JSON.parse(text) as { bundle_version: number }).bundle_version;
const acceptAll = () => new RecordingHost((t) => ({ ok: true, version: versionOf(t) }));
const bundle = (v: number, extra = "") => `{"bundle_version":${v},"policies":[]${extra}}`;

describe("BundleApplier", () => {
  it("first bundle: applied with base64 SHA-1 hash and load time", () => {
    const applier = new BundleApplier(acceptAll(), () => 1767225600123);
    const out = applier.apply(bundle(1), { requireNewerVersion: true });
    expect(out.result).toBe("applied");
    expect(applier.active).toMatchObject({ version: 1, hash: "218lqD0eYI7k0qS2xus76Czv0Y0=", loadedAt: 1767225600123 });
  });

  it("identical text is a no-op, even when forced", () => {
    const host = acceptAll();
    const applier = new BundleApplier(host);
    applier.apply(bundle(2), { requireNewerVersion: false });
    expect(applier.apply(bundle(2), { requireNewerVersion: false })).toEqual({ result: "unchanged", version: 2 });
    expect(host.configured.length).toBe(1);
  });

  it("automatic path: a version not above the current one is skipped without configuring", () => {
    const host = acceptAll();
    const applier = new BundleApplier(host);
    applier.apply(bundle(5), { requireNewerVersion: true });
    expect(applier.apply(bundle(5, ',"x":1'), { requireNewerVersion: true })).toEqual({
      result: "version_not_monotonic",
      version: 5,
      currentVersion: 5,
    });
    expect(applier.apply(bundle(4), { requireNewerVersion: true }).result).toBe("version_not_monotonic");
    expect(host.configured.length).toBe(1);
    expect(applier.apply(bundle(6), { requireNewerVersion: true }).result).toBe("applied");
  });

  it("forced path: a lower version rolls back", () => {
    const applier = new BundleApplier(acceptAll());
    applier.apply(bundle(5), { requireNewerVersion: false });
    expect(applier.apply(bundle(3), { requireNewerVersion: false }).result).toBe("applied");
    expect(applier.active?.version).toBe(3);
  });

  it("a refused bundle leaves the active one in place", () => {
    const host = new RecordingHost((t) =>
      t.includes("bad") ? { ok: false, version: 0, error: "policies must be a table" } : { ok: true, version: versionOf(t) },
    );
    const applier = new BundleApplier(host);
    applier.apply(bundle(1), { requireNewerVersion: false });
    const out = applier.apply('{"bundle_version":2,"policies":"bad"}', { requireNewerVersion: true });
    expect(out).toMatchObject({ result: "refused", error: "policies must be a table" });
    expect(applier.active?.version).toBe(1);
  });

  it("text without a readable version goes to the module, which decides", () => {
    const host = new RecordingHost(() => ({ ok: false, version: 0, error: "bundle_version must be a positive number" }));
    const applier = new BundleApplier(host);
    expect(applier.apply('{"bundle_version":"7"}', { requireNewerVersion: true })).toMatchObject({
      result: "refused",
      error: "bundle_version must be a positive number",
    });
  });
});

describe("peekBundleVersion", () => {
  it("reads only positive numeric versions of JSON objects", () => {
    expect(peekBundleVersion('{"bundle_version":7}')).toBe(7);
    expect(peekBundleVersion('{"bundle_version":"7"}')).toBeUndefined();
    expect(peekBundleVersion('{"bundle_version":0}')).toBeUndefined();
    expect(peekBundleVersion("[1]")).toBeUndefined();
    expect(peekBundleVersion("{oops")).toBeUndefined();
  });
});
