// Builds the import object for one VM: every env.proxy_* import under its spec name, the WASI functions,
// and a stub for anything else the module declares (e.g. FastEdge's env.proxy_dictionary_get) that returns
// Unimplemented (ENOSYS for WASI) so instantiation never fails on an import we do not know.
// Each import passes a gate: while the host restricts calls (during _start/_initialize and inside the
// guest allocator), any import outside the allowed list traps, as cpp-host's setRestrictedCallback does
// (src/wasm.cc startVm, include/proxy-wasm/wasm.h allocMemory).
import type { AbiHost } from "./abi-host.js";
import { bufferImports } from "./buffers.js";
import { WasiErrno } from "./enums.js";
import { headerImports } from "./headers.js";
import { httpCallImports } from "./http-calls.js";
import { localReplyImports } from "./local-reply.js";
import { logImports } from "./log.js";
import { metricImports } from "./metrics.js";
import { propertyImports } from "./properties.js";
import { sharedDataImports } from "./shared-data.js";
import { WasmResult } from "./status.js";
import { streamControlImports } from "./stream-control.js";
import { timeImports } from "./time.js";
import { wasiImports } from "./wasi.js";

const WASI = "wasi_snapshot_preview1";

/** Host calls allowed while _start/_initialize run (cpp-host src/wasm.cc startVm). */
export const START_ALLOWED: ReadonlySet<string> = new Set([
  "env.proxy_log",
  ...["fd_write", "args_sizes_get", "args_get", "environ_sizes_get", "environ_get", "fd_prestat_get", "fd_prestat_dir_name",
    "clock_time_get", "random_get"].map((n) => `${WASI}.${n}`),
]);

/** Host calls allowed inside the guest allocator (cpp-host include/proxy-wasm/wasm.h allocMemory). */
export const ALLOCATOR_ALLOWED: ReadonlySet<string> = new Set(["env.proxy_log", `${WASI}.fd_write`, `${WASI}.clock_time_get`]);

export interface ImportGate {
  /** Allowed imports while restricted; null when unrestricted. */
  restricted: ReadonlySet<string> | null;
  /** Throws (trapping the guest) for a call outside the allowed list. */
  refuse(name: string): never;
}

type HostFn = (...args: never[]) => unknown;

function gate(g: ImportGate, name: string, fn: HostFn): HostFn {
  const f = fn as unknown as (...args: unknown[]) => unknown;
  // Fixed arity (the longest import, proxy_grpc_call, has 12) keeps the wrapper free of rest-array allocations.
  return function (a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, f1?: unknown, g1?: unknown, h?: unknown,
    i?: unknown, j?: unknown, k?: unknown, l?: unknown) {
    const allowed = g.restricted;
    if (allowed !== null && !allowed.has(name)) g.refuse(name);
    return f(a, b, c, d, e, f1, g1, h, i, j, k, l);
  } as HostFn;
}

export function envImports(h: AbiHost): Record<string, HostFn> {
  return {
    ...logImports(h),
    ...timeImports(h),
    ...propertyImports(h),
    ...headerImports(h),
    ...bufferImports(h),
    ...sharedDataImports(h),
    ...metricImports(h),
    ...httpCallImports(h),
    ...streamControlImports(h),
    ...localReplyImports(h),
  } as Record<string, HostFn>;
}

export function buildImports(module: WebAssembly.Module, h: AbiHost, g: ImportGate): WebAssembly.Imports {
  const env = envImports(h);
  const wasi = wasiImports(h) as unknown as Record<string, HostFn>;
  const out: Record<string, Record<string, HostFn>> = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind !== "function") {
      throw new Error(`unsupported import ${imp.module}.${imp.name} (${imp.kind}): the module must define its own ${imp.kind}`);
    }
    const table = imp.module === "env" ? env : imp.module === WASI ? wasi : undefined;
    let fn = table !== undefined && Object.hasOwn(table, imp.name) ? table[imp.name] : undefined;
    if (fn === undefined) fn = imp.module === WASI ? () => WasiErrno.Nosys : () => WasmResult.Unimplemented;
    (out[imp.module] ??= {})[imp.name] = gate(g, `${imp.module}.${imp.name}`, fn);
  }
  return out as WebAssembly.Imports;
}
