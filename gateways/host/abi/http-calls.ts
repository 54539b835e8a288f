// Callouts (proxy-wasm/spec v0.2.1 "HTTP calls", "gRPC calls"), as Envoy does them
// (envoy context.cc Context::httpCall; cpp-host src/exports.cc http_call; research/gateways.md 1.4):
//   - the call belongs to the caller's ROOT context (exports.cc uses contextOrEffectiveContext()->root_context()),
//     so proxy_on_http_call_response later arrives with the root context id; a module that called from a
//     stream context maps the token back itself (the SDKs do) and uses proxy_set_effective_context;
//   - the upstream must be a known cluster (here: the host has an httpCall function), else BadArgument;
//   - headers must carry :method, :path and :authority, else BadArgument; tokens are 4, 8, 12 …
//     (wasm.h nextHttpCallId, the low two bits tell HTTP from gRPC);
//   - gRPC: this host has no gRPC clusters, so calls fail as an unknown cluster does (ParseFailure).
import type { AbiHost } from "./abi-host.js";
import { parsePairs } from "./pairs.js";
import { WasmResult } from "./status.js";

function has(headers: [string, string][], name: string): boolean {
  for (let i = 0; i < headers.length; i++) if (headers[i][0] === name) return true;
  return false;
}

export function httpCallImports(h: AbiHost) {
  const mem = h.mem;
  return {
    proxy_http_call(
      upstreamPtr: number, upstreamSize: number, headersPtr: number, headersSize: number, bodyPtr: number, bodySize: number,
      trailersPtr: number, trailersSize: number, timeoutMs: number, tokenPtr: number,
    ): number {
      const upstream = mem.string(upstreamPtr, upstreamSize);
      const headerBytes = mem.view(headersPtr, headersSize);
      const headers = headerBytes === null ? null : parsePairs(headerBytes, true);
      const body = mem.copy(bodyPtr, bodySize);
      const trailerBytes = mem.view(trailersPtr, trailersSize);
      const trailers = trailerBytes === null ? null : parsePairs(trailerBytes, true);
      if (upstream === null || headers === null || body === null || trailers === null) return WasmResult.InvalidMemoryAccess;
      if (!mem.setU32(tokenPtr, 0)) return WasmResult.InvalidMemoryAccess;
      if ((timeoutMs | 0) < 0) return WasmResult.BadArgument;
      const rt = h.runtime;
      if (!rt.profile.upstreamAccepted(upstream, rt.httpCall !== undefined) || rt.httpCall === undefined) {
        return WasmResult.BadArgument;
      }
      if (!has(headers, ":method") || !has(headers, ":path") || !has(headers, ":authority")) return WasmResult.BadArgument;
      const ctx = h.active();
      const root = ctx === null ? null : h.rootOf(ctx);
      if (root === null) return WasmResult.BadArgument;
      const token = h.httpCall(root, upstream, headers, body, trailers, timeoutMs >>> 0);
      mem.setU32(tokenPtr, token);
      return WasmResult.Ok;
    },
    proxy_get_status(codePtr: number, messagePtrPtr: number, messageSizePtr: number): number {
      const ctx = h.active();
      const root = ctx === null ? null : h.rootOf(ctx);
      const code = root?.statusCode ?? 0;
      const message = root?.statusMessage ?? "";
      if (!mem.setU32(codePtr, code)) return WasmResult.InvalidMemoryAccess;
      return mem.copyOutString(message, messagePtrPtr, messageSizePtr) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_grpc_call(): number {
      return WasmResult.ParseFailure;
    },
    proxy_grpc_stream(): number {
      return WasmResult.ParseFailure;
    },
    proxy_grpc_send(token: number): number {
      return (token & 3) === 2 ? WasmResult.NotFound : WasmResult.BadArgument;
    },
    proxy_grpc_cancel(): number {
      return WasmResult.NotFound;
    },
    proxy_grpc_close(): number {
      return WasmResult.NotFound;
    },
  };
}
