// proxy_log and proxy_get_log_level (proxy-wasm/spec v0.2.1 "Logging"). Levels 0..5 are trace..critical;
// a level above 5 is BadArgument. Lines below the host level are dropped, like Envoy's ENVOY_LOG filter
// (envoy context.cc Context::log, getLogLevel).
import type { LogLevel } from "../types.js";
import type { AbiHost } from "./abi-host.js";
import { WasmResult } from "./status.js";

export const LOG_LEVELS: readonly LogLevel[] = ["trace", "debug", "info", "warn", "error", "critical"];

export function logLevelNumber(level: LogLevel): number {
  const n = LOG_LEVELS.indexOf(level);
  if (n < 0) throw new Error(`unknown log level ${level}`);
  return n;
}

export function logImports(h: AbiHost) {
  const mem = h.mem;
  return {
    proxy_log(level: number, ptr: number, size: number): number {
      level >>>= 0;
      if (level > 5) return WasmResult.BadArgument;
      if (!mem.ok(ptr >>> 0, size >>> 0)) return WasmResult.InvalidMemoryAccess;
      if (level < h.runtime.logLevel) return WasmResult.Ok;
      h.log(level, mem.string(ptr, size)!);
      return WasmResult.Ok;
    },
    proxy_get_log_level(levelPtr: number): number {
      if (!h.runtime.profile.logLevelQuery) return WasmResult.Unimplemented;
      return mem.setU32(levelPtr, h.runtime.logLevel) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
  };
}
