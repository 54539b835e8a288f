// ProxyWasmHost: start, configuration and reconfiguration with Envoy's semantics (research/gateways.md 1.2;
// cpp-host src/wasm.cc start/startShutdown, src/context.cc onConfigure), ticks, logs and metrics.
import { describe, expect, it } from "vitest";
import { guest, u32At } from "../../test/fixtures/wasm/guests.js";
import { ManualClock } from "./clock.js";
import { ProxyWasmHost } from "./host.js";
import type { LogLine } from "./types.js";
import { WasmResult } from "./abi/status.js";

interface Call {
  kind: "create" | "configure" | "done" | "delete";
  id: number;
  parent: number;
}
const KINDS = ["", "create", "configure", "done", "delete"] as const;

function calls(host: ProxyWasmHost, worker = 0): Call[] {
  const n = u32At(host, 0x3fc, worker);
  const out: Call[] = [];
  for (let i = 0; i < n; i++) {
    const at = 0x400 + i * 12;
    out.push({ kind: KINDS[u32At(host, at, worker)] as Call["kind"], id: u32At(host, at + 4, worker), parent: u32At(host, at + 8, worker) });
  }
  return out;
}

describe("start and configure", () => {
  it("creates the root context, runs on_vm_start with VM_CONFIGURATION readable only then", async () => {
    const host = await ProxyWasmHost.create({ module: await guest("configure"), vmConfiguration: '{"mode":"x"}' });
    expect(calls(host)).toEqual([{ kind: "create", id: 1, parent: 0 }]);
    expect(u32At(host, 0x200)).toBe(WasmResult.Ok);
    expect(u32At(host, 0x204)).toBe(12);
    host.configure("ok");
    expect(u32At(host, 0x208)).toBe(WasmResult.NotFound);
  });

  it("gives the first configuration to the start root, then PLUGIN_CONFIGURATION is gone", async () => {
    const host = await ProxyWasmHost.create({ module: await guest("configure"), workers: 2 });
    const r = host.configure("ok-1");
    expect(r.ok).toBe(true);
    expect(r.logs.map((l) => [l.message, l.worker, l.contextId])).toEqual([["ok-1", 0, 1], ["ok-1", 1, 1]]);
    expect(calls(host)).toEqual([{ kind: "create", id: 1, parent: 0 }, { kind: "configure", id: 1, parent: 0 }]);
    const stream = host.worker(0).newStream();
    stream.onRequestHeaders([[":path", "/"]], true);
    expect(u32At(host, 0x20c)).toBe(WasmResult.NotFound);
  });

  it("reconfigures on a new root; once all workers accept, the old root gets on_done then on_delete", async () => {
    const host = await ProxyWasmHost.create({ module: await guest("configure"), workers: 2 });
    host.configure("ok-1");
    const r = host.configure("ok-2");
    expect(r.ok).toBe(true);
    for (const w of [0, 1]) {
      expect(calls(host, w).slice(2)).toEqual([
        { kind: "create", id: 2, parent: 0 },
        { kind: "configure", id: 2, parent: 0 },
        { kind: "done", id: 1, parent: 0 },
        { kind: "delete", id: 1, parent: 0 },
      ]);
    }
    const stream = host.worker(1).newStream();
    expect(calls(host, 1).at(-1)).toEqual({ kind: "create", id: stream.contextId, parent: 2 });
  });

  it("keeps the old root when the new configuration is refused; the new root is retired", async () => {
    const host = await ProxyWasmHost.create({ module: await guest("configure") });
    host.configure("ok-1");
    const r = host.configure("bad");
    expect(r.ok).toBe(false);
    expect(r.logs.map((l) => l.message)).toEqual(["bad"]);
    expect(calls(host).slice(2)).toEqual([
      { kind: "create", id: 2, parent: 0 },
      { kind: "configure", id: 2, parent: 0 },
      { kind: "done", id: 2, parent: 0 },
      { kind: "delete", id: 2, parent: 0 },
    ]);
    const stream = host.worker(0).newStream();
    expect(calls(host).at(-1)).toEqual({ kind: "create", id: stream.contextId, parent: 1 });
  });

  it("handles a trap in the old root's on_delete (SDK 1.2.3 'Key does not exist') as a trap, without throwing", async () => {
    const logs: LogLine[] = [];
    const host = await ProxyWasmHost.create({ module: await guest("configure"), onLog: (l) => logs.push(l) });
    expect(host.configure("trap-on-delete").ok).toBe(true);
    const r = host.configure("ok-2");
    expect(r.ok).toBe(true);
    expect(r.failedWorkers).toEqual([0]);
    expect(r.logs.some((l) => l.level === "critical")).toBe(true);
    expect(host.worker(0).failed).toBe(true);
    const after = host.worker(0).newStream().onRequestHeaders([[":path", "/"]], true);
    expect(after.localReply?.details).toBe("wasm_fail_stream");
    expect(host.configure("ok-3")).toMatchObject({ ok: false, failedWorkers: [0] });
  });
});

describe("ticks", () => {
  it("fires proxy_on_tick on the root when the period elapsed on the clock, per worker", async () => {
    const clock = new ManualClock(0n);
    const host = await ProxyWasmHost.create({ module: await guest("tick"), clock, workers: 2 });
    expect(u32At(host, 0x200)).toBe(WasmResult.Ok);
    host.tick();
    clock.advance(999);
    host.tick();
    expect(u32At(host, 0x204)).toBe(0);
    clock.advance(1);
    host.tick();
    expect([u32At(host, 0x204, 0), u32At(host, 0x204, 1)]).toEqual([1, 1]);
    expect(u32At(host, 0x208)).toBe(1);
    host.tick();
    expect(u32At(host, 0x204)).toBe(1);
    clock.advance(1000);
    host.tick();
    expect(u32At(host, 0x204)).toBe(2);
  });
});

describe("logs", () => {
  it("filters by level, routes fd_write, and collects configure logs", async () => {
    const seen: LogLine[] = [];
    const host = await ProxyWasmHost.create({ module: await guest("logs"), logLevel: "warn", onLog: (l) => seen.push(l) });
    const r = host.configure("");
    expect(r.logs.map((l) => [l.level, l.message])).toEqual([["warn", "level 3"], ["error", "level 4"], ["critical", "level 5"]]);
    expect(seen).toEqual(r.logs);
    expect(u32At(host, 0x200)).toBe(WasmResult.Ok);
    expect(u32At(host, 0x204)).toBe(3);
    expect(u32At(host, 0x208)).toBe(WasmResult.BadArgument);

    const all = await ProxyWasmHost.create({ module: await guest("logs"), logLevel: "trace" });
    const r2 = all.configure("");
    expect(r2.logs.map((l) => l.level)).toEqual(["trace", "debug", "info", "warn", "error", "critical", "info"]);
    expect(r2.logs[6].message).toBe("hello from stdout");
  });
});

describe("metrics", () => {
  it("defines (same name → same id, Envoy ids), increments, records and reads metrics across workers", async () => {
    const host = await ProxyWasmHost.create({ module: await guest("metrics"), workers: 2 });
    host.configure("");
    expect([u32At(host, 0x200), u32At(host, 0x204), u32At(host, 0x208), u32At(host, 0x20c)]).toEqual([4, 4, 5, 6]);
    expect(u32At(host, 0x200, 1)).toBe(4);
    host.worker(0).newStream().onRequestHeaders([[":path", "/"]], true);
    host.worker(1).newStream().onRequestHeaders([[":path", "/"]], true);
    expect(u32At(host, 0x218, 1)).toBe(WasmResult.Ok);
    expect(u32At(host, 0x210, 1)).toBe(2);
    expect(u32At(host, 0x21c)).toBe(WasmResult.BadArgument);
    expect(u32At(host, 0x220)).toBe(WasmResult.BadArgument);
    expect(host.metrics()).toEqual(new Map([
      ["requests", { type: "counter", value: 2n }],
      ["inflight", { type: "gauge", value: 6n }],
      ["latency", { type: "histogram", value: 20n }],
    ]));
  });
});
