import { describe, expect, it } from "vitest";
import type { LogLine } from "../host/types.js";
import { loadReportFrom, parseLoadReport } from "./load-report.js";

const line = (message: string, level: LogLine["level"] = "info"): LogLine => ({ level, message, worker: 0, contextId: 0 });

describe("parseLoadReport", () => {
  it("reads the module's load_report line", () => {
    const r = parseLoadReport(
      'load_report {"ok":true,"version":7,"policies":2,"rules":3,"raw_policies":3,"raw_rules":4,"errors":["policy=p2: missing selector"],"error":""}',
    );
    expect(r).toEqual({
      ok: true,
      version: 7,
      policies: 2,
      rules: 3,
      rawPolicies: 3,
      rawRules: 4,
      errors: ["policy=p2: missing selector"],
      error: "",
    });
  });
  it("ignores other lines and broken JSON", () => {
    expect(parseLoadReport("configured")).toBeNull();
    expect(parseLoadReport("load_report {oops")).toBeNull();
  });
});

describe("loadReportFrom", () => {
  it("takes the first report among the configure logs", () => {
    const logs = [
      line("starting"),
      line('load_report {"ok":false,"version":0,"policies":0,"rules":0,"raw_policies":0,"raw_rules":0,"errors":[],"error":"bundle_version must be a positive number"}', "error"),
    ];
    expect(loadReportFrom(logs, false)).toMatchObject({ ok: false, error: "bundle_version must be a positive number" });
  });
  it("a host refusal wins over a line that says ok", () => {
    const logs = [line('load_report {"ok":true,"version":1,"policies":0,"rules":0,"raw_policies":0,"raw_rules":0,"errors":[],"error":""}')];
    expect(loadReportFrom(logs, false).ok).toBe(false);
  });
  it("no line: refused with a message saying so", () => {
    expect(loadReportFrom([], false)).toMatchObject({ ok: false, error: "bundle refused (no load_report logged)" });
    expect(loadReportFrom([], true)).toMatchObject({ ok: false, error: "module accepted the bundle but logged no load_report" });
  });
});
