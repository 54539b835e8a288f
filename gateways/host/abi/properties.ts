// proxy_get_property / proxy_set_property (proxy-wasm/spec v0.2.1 "Properties"). The path arrives as the
// module sent it: segments separated by "\0" on Envoy (envoy context.cc Context::getProperty splits on '\0',
// DESIGN.md §3). The profile resolves it; integers are written as 8-byte little-endian (serializeValue).
import type { AbiHost } from "./abi-host.js";
import { WasmResult } from "./status.js";

export function propertyImports(h: AbiHost) {
  const mem = h.mem;
  const int64 = new Uint8Array(8);
  const int64View = new DataView(int64.buffer);
  const facts = {
    pluginName: h.runtime.pluginName,
    rootIdName: h.runtime.rootIdName,
    vmId: h.runtime.vmId,
    rootContextId: 0,
  };
  return {
    proxy_get_property(pathPtr: number, pathSize: number, valuePtrPtr: number, valueSizePtr: number): number {
      const path = mem.string(pathPtr, pathSize);
      if (path === null) return WasmResult.InvalidMemoryAccess;
      const ctx = h.active();
      if (ctx === null) return WasmResult.NotFound;
      facts.rootContextId = h.rootOf(ctx)?.id ?? 0;
      const value = h.runtime.profile.getProperty(path, ctx, facts);
      if (value === undefined) return WasmResult.NotFound;
      let ok: boolean;
      if (typeof value === "string") ok = mem.copyOutString(value, valuePtrPtr, valueSizePtr);
      else if (typeof value === "bigint") {
        int64View.setBigInt64(0, BigInt.asIntN(64, value), true);
        ok = mem.copyOut(int64, valuePtrPtr, valueSizePtr);
      } else ok = mem.copyOut(value, valuePtrPtr, valueSizePtr);
      return ok ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_set_property(pathPtr: number, pathSize: number, valuePtr: number, valueSize: number): number {
      const path = mem.string(pathPtr, pathSize);
      const value = mem.copy(valuePtr, valueSize);
      if (path === null || value === null) return WasmResult.InvalidMemoryAccess;
      const ctx = h.active();
      if (ctx === null) return WasmResult.NotFound;
      return h.runtime.profile.setProperty(path, value, ctx);
    },
  };
}
