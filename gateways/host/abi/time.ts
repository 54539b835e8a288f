// Clock and timer imports (proxy-wasm/spec v0.2.1 "Clocks", "Timers"). The tick period belongs to the
// root context of the caller (cpp-host src/context.cc setTimerPeriod uses root_context()->id()), and each
// worker ticks on its own (research/gateways.md 1.3).
import type { AbiHost } from "./abi-host.js";
import { WasmResult } from "./status.js";

export function timeImports(h: AbiHost) {
  const mem = h.mem;
  return {
    proxy_get_current_time_nanoseconds(ptr: number): number {
      return mem.setU64(ptr, h.runtime.clock.nowNanos()) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_set_tick_period_milliseconds(periodMs: number): number {
      if (!h.runtime.profile.ticks) return WasmResult.Unimplemented;
      const ctx = h.active();
      const root = ctx === null ? null : h.rootOf(ctx);
      if (root === null) return WasmResult.BadArgument;
      h.setTickPeriod(root, periodMs >>> 0);
      return WasmResult.Ok;
    },
  };
}
