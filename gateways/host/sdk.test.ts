// The host against the real @gcoredev/proxy-wasm-sdk-as 1.2.3 glue (test/fixtures/wasm/sdk-hello, compiled
// here with asc and the AssemblyScript WASI shim, like build/fairvisor.wasm). Proves the SDK's contexts,
// header calls and local reply work, and reproduces its reconfiguration trap (DESIGN.md §3: root
// proxy_on_done looks the root up in a map that never holds it → abort "Key does not exist"), which the host
// must handle as a trap without throwing.
import asc from "assemblyscript/asc";
import { beforeAll, describe, expect, it } from "vitest";
import { ProxyWasmHost } from "./host.js";
import type { LogLine } from "./types.js";

let wasm: Uint8Array;

beforeAll(async () => {
  const files: Record<string, Uint8Array> = {};
  const { error, stderr } = await asc.main(
    [
      "test/fixtures/wasm/sdk-hello/index.ts",
      "--config", "node_modules/@assemblyscript/wasi-shim/asconfig.json",
      "--runtime", "incremental",
      "-O2",
      "--outFile", "sdk-hello.wasm",
    ],
    { writeFile: (name: string, contents: string | Uint8Array) => void (files[name] = contents as Uint8Array) },
  );
  if (error) throw new Error(`asc failed: ${error.message}\n${stderr.toString()}`);
  wasm = files["sdk-hello.wasm"];
}, 120_000);

describe("@gcoredev/proxy-wasm-sdk-as guest", () => {
  it("starts, configures, and serves streams through the SDK's contexts", async () => {
    const host = await ProxyWasmHost.create({ module: wasm, workers: 2 });
    expect(host.workers.map((w) => w.failed)).toEqual([false, false]);
    expect(host.configure("{}")).toMatchObject({ ok: true, failedWorkers: [] });
    const s = host.worker(1).newStream({ sourceAddress: "127.0.0.1:1" });
    const r = s.onRequestHeaders([[":method", "GET"], [":path", "/hello"]], true);
    expect(r).toEqual({ verdict: "continue", localReply: null, trapped: false });
    expect(s.requestHeaders).toContainEqual(["x-sdk-path", "/hello"]);
    s.finish();
  });

  it("sends the SDK's local reply", async () => {
    const host = await ProxyWasmHost.create({ module: wasm });
    host.configure("{}");
    const s = host.worker(0).newStream();
    const r = s.onRequestHeaders([[":path", "/"], ["x-deny", "1"]], true);
    expect(r.localReply).toEqual({
      status: 403,
      details: "denied_by_sdk",
      body: new TextEncoder().encode("no"),
      headers: [["x-why", "sdk"]],
      grpcStatus: 2,
    });
    expect(r.verdict).toBe("stop_all_watermark");
    s.finish();
    expect(host.worker(0).failed).toBe(false);
  });

  it("reproduces the SDK's trap when the old root is retired on reconfiguration, and survives it", async () => {
    const logs: LogLine[] = [];
    const host = await ProxyWasmHost.create({ module: wasm, onLog: (l) => logs.push(l) });
    expect(host.configure("{}").ok).toBe(true);
    const r = host.configure('{"v":2}');
    expect(r.ok).toBe(true);
    expect(r.failedWorkers).toEqual([0]);
    expect(logs.some((l) => l.message.includes("Key does not exist"))).toBe(true);
    expect(logs.some((l) => l.level === "critical" && l.message.includes("proc_exit"))).toBe(true);
    const after = host.worker(0).newStream().onRequestHeaders([[":path", "/"]], true);
    expect(after.localReply).toMatchObject({ status: 503, details: "wasm_fail_stream" });
  });
});
