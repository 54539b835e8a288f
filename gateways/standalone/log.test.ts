// The pino logger's line format: the service's log contract (README) and what `fairvisor logs` reads.
import { describe, expect, it } from "vitest";
import { createJsonLogger } from "./log.js";

describe("createJsonLogger", () => {
  it("one JSON object per line: level name, ISO time, event, fields; below the level nothing", () => {
    const lines: string[] = [];
    const log = createJsonLogger((l) => lines.push(l), "info");
    log.log("debug", "hidden", {});
    log.log("warn", "decision", { action: "reject", reason: "token_bucket_exceeded" });
    log.log("critical", "wasm_log", { msg: "trap" });
    expect(lines.length).toBe(2);
    expect(lines.every((l) => l.endsWith("\n") && !l.slice(0, -1).includes("\n"))).toBe(true);
    const [a, b] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(a).toEqual({ level: "warn", time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), event: "decision", action: "reject", reason: "token_bucket_exceeded" });
    expect(b).toMatchObject({ level: "critical", event: "wasm_log", msg: "trap" });
  });
});
