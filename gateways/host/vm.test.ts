// Traps and imports. A trap (RuntimeError, proc_exit, a refused host call) fails that worker for good:
// fail_closed → 503 wasm_fail_stream for that stream and every later one, fail_open → untouched
// (research/gateways.md 1.8; envoy context.cc failStream; cpp-host CHECK_FAIL_HTTP). Never thrown.
import { describe, expect, it } from "vitest";
import { compileWat, guest, u32At } from "../../test/fixtures/wasm/guests.js";
import { ProxyWasmHost } from "./host.js";
import type { LogLine } from "./types.js";
import { WasmResult } from "./abi/status.js";

const TRAP: Array<[string, string]> = [[":path", "/"], ["x-trap", "1"]];
const FINE: Array<[string, string]> = [[":path", "/"]];

describe("traps", () => {
  it("fail_closed: the trapping stream and every later stream on that worker get 503 wasm_fail_stream", async () => {
    const logs: LogLine[] = [];
    const host = await ProxyWasmHost.create({ module: await guest("trap"), workers: 2, onLog: (l) => logs.push(l) });
    host.configure("");
    const s1 = host.worker(0).newStream();
    const r1 = s1.onRequestHeaders(TRAP, true);
    expect(r1.trapped).toBe(true);
    expect(r1.localReply).toEqual({ status: 503, details: "wasm_fail_stream", body: new Uint8Array(0), headers: [], grpcStatus: 14 });
    expect(host.worker(0).failed).toBe(true);
    expect(logs.some((l) => l.level === "critical" && /unreachable/i.test(l.message))).toBe(true);
    s1.finish();

    const calls = u32At(host, 0x200);
    const s2 = host.worker(0).newStream();
    const r2 = s2.onRequestHeaders(FINE, true);
    expect(r2.trapped).toBe(false);
    expect(r2.localReply?.status).toBe(503);
    expect(r2.localReply?.details).toBe("wasm_fail_stream");
    expect(s2.onResponseHeaders([[":status", "200"]], true).localReply?.status).toBe(503);
    expect(u32At(host, 0x200)).toBe(calls); // the module is not called any more
    s2.finish();

    const other = host.worker(1).newStream().onRequestHeaders(FINE, true);
    expect(other).toEqual({ verdict: "continue", localReply: null, trapped: false });
  });

  it("fail_open: the trapping stream and later ones pass through untouched", async () => {
    const host = await ProxyWasmHost.create({ module: await guest("trap"), failurePolicy: "fail_open" });
    host.configure("");
    const s1 = host.worker(0).newStream();
    expect(s1.onRequestHeaders(TRAP, true)).toEqual({ verdict: "continue", localReply: null, trapped: true });
    const s2 = host.worker(0).newStream();
    expect(s2.onRequestHeaders(FINE, false)).toEqual({ verdict: "continue", localReply: null, trapped: false });
    const body = s2.onRequestBody(new TextEncoder().encode("abc"), true);
    expect(Buffer.from(body.body).toString()).toBe("abc");
    expect(host.worker(0).failed).toBe(true);
  });

  it("treats proc_exit (AssemblyScript abort) as a trap and logs the abort message", async () => {
    const logs: LogLine[] = [];
    const host = await ProxyWasmHost.create({ module: await guest("proc-exit"), onLog: (l) => logs.push(l) });
    host.configure("");
    const r = host.worker(0).newStream().onRequestHeaders(FINE, true);
    expect(r.trapped).toBe(true);
    expect(r.localReply?.details).toBe("wasm_fail_stream");
    expect(logs.find((l) => l.level === "error")?.message).toBe("abort: Key does not exist in ~lib/map.ts(105:17)");
    expect(logs.some((l) => l.level === "critical" && l.message.includes("proc_exit(255)"))).toBe(true);
  });

  it("turns a stack overflow into a trap, not a crash", async () => {
    const mod = await compileWat("recurse", `(module
      (memory (export "memory") 1)
      (func (export "malloc") (param i32) (result i32) (i32.const 1024))
      (func (export "proxy_abi_version_0_2_1"))
      (func $f (param i32) (result i32) (call $f (i32.add (local.get 0) (i32.const 1))))
      (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32) (call $f (i32.const 0))))`);
    const host = await ProxyWasmHost.create({ module: mod });
    const r = host.worker(0).newStream().onRequestHeaders(FINE, true);
    expect(r.trapped).toBe(true);
    expect(r.localReply?.status).toBe(503);
  });

  it("traps a host call made during _start other than logging (cpp-host restricted callbacks)", async () => {
    const mod = await compileWat("start-restricted", `(module
      (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
      (import "env" "proxy_get_current_time_nanoseconds" (func $now (param i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 64) "starting")
      (func (export "malloc") (param i32) (result i32) (i32.const 1024))
      (func (export "proxy_abi_version_0_2_1"))
      (func (export "_start") (drop (call $log (i32.const 2) (i32.const 64) (i32.const 8))) (drop (call $now (i32.const 0)))))`);
    const logs: LogLine[] = [];
    const host = await ProxyWasmHost.create({ module: mod, onLog: (l) => logs.push(l) });
    expect(logs[0]).toMatchObject({ level: "info", message: "starting" });
    expect(host.worker(0).failed).toBe(true);
    expect(logs[1].message).toContain("proxy_get_current_time_nanoseconds is not allowed");
    expect(host.worker(0).newStream().onRequestHeaders(FINE, true).localReply?.status).toBe(503);
  });

  it("rejects a module without the ABI 0.2.1 marker at create()", async () => {
    const mod = await compileWat("no-abi", `(module (memory (export "memory") 1)
      (func (export "malloc") (param i32) (result i32) (i32.const 0)))`);
    await expect(ProxyWasmHost.create({ module: mod })).rejects.toThrow(/proxy_abi_version_0_2_1/);
  });
});

describe("imports", () => {
  it("stubs unknown env and foreign-module imports with Unimplemented so instantiation succeeds", async () => {
    const host = await ProxyWasmHost.create({ module: await guest("unknown-imports") });
    const r = host.worker(0).newStream().onRequestHeaders(FINE, true);
    expect(r.trapped).toBe(false);
    expect(u32At(host, 0x200)).toBe(WasmResult.Unimplemented);
    expect(u32At(host, 0x204)).toBe(WasmResult.Unimplemented);
  });

  it("provides every env.proxy_* import that @gcoredev/proxy-wasm-sdk-as declares for ABI 0.2.1", async () => {
    const { readFileSync } = await import("node:fs");
    const sdk = readFileSync(new URL("../../node_modules/@gcoredev/proxy-wasm-sdk-as/assembly/imports.ts", import.meta.url), "utf8");
    const declared = [...sdk.matchAll(/@external\("env", "(proxy_[a-z_0-9]+)"\)/g)].map((m) => m[1]);
    const fastEdge = new Set(["proxy_dictionary_get", "proxy_get_secret", "proxy_get_effective_at_secret", "proxy_kv_store_open",
      "proxy_kv_store_get", "proxy_kv_store_scan", "proxy_kv_store_zrange_by_score", "proxy_kv_store_zscan", "proxy_kv_store_bf_exists"]);
    const { envImports } = await import("./abi/imports.js");
    const implemented = new Set(Object.keys(envImports({ mem: {}, runtime: { profile: {}, metrics: {} } } as never)));
    const missing = declared.filter((n) => !fastEdge.has(n) && !implemented.has(n));
    expect(declared.length).toBeGreaterThan(30);
    expect(missing).toEqual([]);
  });
});
