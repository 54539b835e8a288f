// Stream and context control (proxy-wasm/spec v0.2.1 "Common stream operations", "Context lifecycle";
// envoy context.cc continueStream/closeStream; cpp-host src/exports.cc, src/wasm.cc done()).
//   - continue/close act after the VM call returns (Envoy defers them: "we are in a reentrant call");
//     continuing a side ends its phase, so its maps and body stop being accessible;
//   - DOWNSTREAM continue is Ok, UPSTREAM continue Unimplemented, other types BadArgument;
//   - proxy_done completes a context whose on_done returned false; NotFound otherwise;
//   - proxy_set_effective_context switches the context later host calls act on, until the call returns.
import type { AbiHost } from "./abi-host.js";
import { StreamType } from "./enums.js";
import { WasmResult } from "./status.js";

export function streamControlImports(h: AbiHost) {
  const mem = h.mem;

  function continueStream(type: number): number {
    const ctx = h.active();
    if (type === StreamType.Upstream) return WasmResult.Unimplemented;
    if (type === StreamType.Downstream) return WasmResult.Ok;
    if (type !== StreamType.HttpRequest && type !== StreamType.HttpResponse) return WasmResult.BadArgument;
    const stream = ctx?.stream ?? null;
    if (stream !== null) {
      const side = type === StreamType.HttpRequest ? "request" : "response";
      h.afterCall(() => stream.continueStream(side));
    }
    return WasmResult.Ok;
  }

  return {
    proxy_continue_stream(type: number): number {
      return continueStream(type >>> 0);
    },
    /** ABI 0.1.0 names, still accepted by Envoy. */
    proxy_continue_request(): number {
      return continueStream(StreamType.HttpRequest);
    },
    proxy_continue_response(): number {
      return continueStream(StreamType.HttpResponse);
    },
    proxy_close_stream(type: number): number {
      type >>>= 0;
      if (type > StreamType.Upstream) return WasmResult.BadArgument;
      const stream = h.active()?.stream ?? null;
      if (stream !== null && type <= StreamType.HttpResponse) {
        const side = type === StreamType.HttpRequest ? "request" : "response";
        h.afterCall(() => stream.closeStream(side));
      }
      return WasmResult.Ok;
    },
    proxy_done(): number {
      if (!h.runtime.profile.doneCall) return WasmResult.Unimplemented;
      const ctx = h.active();
      return ctx !== null && h.done(ctx) ? WasmResult.Ok : WasmResult.NotFound;
    },
    proxy_set_effective_context(contextId: number): number {
      return h.setEffective(contextId >>> 0) ? WasmResult.Ok : WasmResult.BadArgument;
    },
    proxy_clear_route_cache(): number {
      return WasmResult.Ok;
    },
    /** No foreign functions are registered in this host (cpp-host: NotFound for an unknown name). */
    proxy_call_foreign_function(namePtr: number, nameSize: number, argsPtr: number, argsSize: number): number {
      if (!mem.ok(namePtr >>> 0, nameSize >>> 0) || !mem.ok(argsPtr >>> 0, argsSize >>> 0)) return WasmResult.InvalidMemoryAccess;
      return WasmResult.NotFound;
    },
  };
}
