// Metrics (proxy-wasm/spec v0.2.1 "Metrics"): counter 0, gauge 1, histogram 2. Rules per Envoy's
// Context::defineMetric/incrementMetric/recordMetric/getMetric live in ../metrics-registry.ts.
// i64 parameters arrive as BigInt (WebAssembly JS API, BigInt integration).
import type { AbiHost } from "./abi-host.js";
import { WasmResult } from "./status.js";

export function metricImports(h: AbiHost) {
  const mem = h.mem;
  const metrics = h.runtime.metrics;
  return {
    proxy_define_metric(type: number, namePtr: number, nameSize: number, idPtr: number): number {
      const name = mem.string(namePtr, nameSize);
      if (name === null) return WasmResult.InvalidMemoryAccess;
      const id = metrics.define(type >>> 0, name);
      if (id < 0) return WasmResult.BadArgument;
      return mem.setU32(idPtr, id) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_increment_metric(id: number, offset: bigint): number {
      return metrics.increment(id >>> 0, BigInt.asIntN(64, offset));
    },
    proxy_record_metric(id: number, value: bigint): number {
      return metrics.record(id >>> 0, BigInt.asUintN(64, value));
    },
    proxy_get_metric(id: number, resultPtr: number): number {
      const v = metrics.get(id >>> 0);
      if (typeof v !== "bigint") return v;
      return mem.setU64(resultPtr, v) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
  };
}
