// Stream lifecycle details not covered by the ABI-area tests: deferred completion with proxy_done
// (spec "proxy_on_done": false → the module calls proxy_done later; cpp-host WasmBase::done) and the
// stream-context ids Envoy hands out (one counter per VM shared by roots and streams, never reused).
import { describe, expect, it } from "vitest";
import { compileWat, u32At } from "../../test/fixtures/wasm/guests.js";
import { ManualClock } from "./clock.js";
import { ProxyWasmHost } from "./host.js";
import { WasmResult } from "./abi/status.js";

const PENDING_DONE = `(module
  (import "env" "proxy_set_effective_context" (func $effective (param i32) (result i32)))
  (import "env" "proxy_done" (func $done (param i32) (result i32)))
  (import "env" "proxy_set_tick_period_milliseconds" (func $period (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "malloc") (param i32) (result i32) (i32.const 4096))
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (drop (call $period (i32.const 10))) (i32.const 1))
  (func (export "proxy_on_done") (param $ctx i32) (result i32) (i32.store (i32.const 0x200) (local.get $ctx)) (i32.const 0))
  (func (export "proxy_on_tick") (param $root i32)
    (i32.store (i32.const 0x210) (call $done (i32.const 0)))
    (i32.store (i32.const 0x214) (call $effective (i32.const 999)))
    (drop (call $effective (i32.load (i32.const 0x200))))
    (i32.store (i32.const 0x204) (call $done (i32.const 0))))
  (func (export "proxy_on_log") (param i32) (i32.store (i32.const 0x208) (i32.add (i32.load (i32.const 0x208)) (i32.const 1))))
  (func (export "proxy_on_delete") (param i32) (i32.store (i32.const 0x20c) (i32.add (i32.load (i32.const 0x20c)) (i32.const 1)))))`;

describe("stream lifecycle", () => {
  it("waits for proxy_done when on_done returns false, then runs on_log and on_delete", async () => {
    const clock = new ManualClock(0n);
    const host = await ProxyWasmHost.create({ module: await compileWat("pending-done", PENDING_DONE), clock });
    const s = host.worker(0).newStream();
    s.onRequestHeaders([[":path", "/"]], true);
    s.finish();
    expect(u32At(host, 0x200)).toBe(s.contextId);
    expect([u32At(host, 0x208), u32At(host, 0x20c)]).toEqual([0, 0]);
    clock.advance(10);
    host.tick();
    expect(u32At(host, 0x210)).toBe(WasmResult.NotFound); // the root was not waiting for proxy_done
    expect(u32At(host, 0x214)).toBe(WasmResult.BadArgument); // unknown context id
    expect(u32At(host, 0x204)).toBe(WasmResult.Ok);
    expect([u32At(host, 0x208), u32At(host, 0x20c)]).toEqual([1, 1]);
  });

  it("numbers contexts per VM from 1, roots and streams alike", async () => {
    const host = await ProxyWasmHost.create({ module: await compileWat("pending-done", PENDING_DONE), workers: 2 });
    host.configure("");
    expect([host.worker(0).newStream().contextId, host.worker(0).newStream().contextId]).toEqual([2, 3]);
    expect(host.worker(1).newStream().contextId).toBe(2);
  });
});
