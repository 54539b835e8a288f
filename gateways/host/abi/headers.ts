// Header and trailer maps (proxy-wasm/spec v0.2.1 "HTTP fields"), with Envoy's phase rules
// (envoy source/extensions/common/wasm/context.cc getMap/getConstMap; DESIGN.md §3):
//   - request/response headers and trailers are readable and writable only in their own callback, or while
//     that side is paused from it; in on_log they are readable only; elsewhere a read of one value is
//     BadArgument ("not available in this phase") and a read of all pairs returns an empty map;
//   - HTTP_CALL_RESPONSE_HEADERS/TRAILERS exist only during proxy_on_http_call_response, read-only;
//   - names are lower-cased (Http::LowerCaseString); a lookup returns the first value;
//   - get_header_map_size returns bytes, not a count: Envoy returns HeaderMap::byteSize(), the sum of every
//     name and value length (not the serialized size), and needs the writable map (getMap).
import type { Context } from "../context.js";
import type { HeaderList } from "../types.js";
import type { AbiHost } from "./abi-host.js";
import { MAP_TYPE_MAX, MapType } from "./enums.js";
import { pairsByteSize, parsePairs, writePairs } from "./pairs.js";
import { WasmResult } from "./status.js";

/** Writable map of this type now, or null (Envoy getMap). */
export function mutableMap(ctx: Context, type: number): HeaderList | null {
  switch (type) {
    case MapType.HttpRequestHeaders:
      return ctx.requestHeaders;
    case MapType.HttpRequestTrailers:
      // Envoy lets on_request_body add trailers at end of stream when there were none (getMap).
      if (ctx.requestTrailers === null && ctx.requestBody !== null && ctx.endOfStream) ctx.requestTrailers = [];
      return ctx.requestTrailers;
    case MapType.HttpResponseHeaders:
      return ctx.responseHeaders;
    case MapType.HttpResponseTrailers:
      if (ctx.responseTrailers === null && ctx.responseBody !== null && ctx.endOfStream) ctx.responseTrailers = [];
      return ctx.responseTrailers;
    default:
      return null;
  }
}

/** Readable map of this type now, or null (Envoy getConstMap). */
export function readableMap(h: AbiHost, ctx: Context, type: number): HeaderList | null {
  switch (type) {
    case MapType.HttpRequestHeaders:
      return ctx.logPhase ? ctx.logRequestHeaders : ctx.requestHeaders;
    case MapType.HttpRequestTrailers:
      return ctx.logPhase ? null : ctx.requestTrailers;
    case MapType.HttpResponseHeaders:
      return ctx.logPhase ? ctx.logResponseHeaders : ctx.responseHeaders;
    case MapType.HttpResponseTrailers:
      return ctx.logPhase ? ctx.logResponseTrailers : ctx.responseTrailers;
    case MapType.HttpCallResponseHeaders:
      return h.rootOf(ctx)?.httpCallResponse?.headers ?? null;
    case MapType.HttpCallResponseTrailers:
      return h.rootOf(ctx)?.httpCallResponse?.trailers ?? null;
    default:
      return null; // gRPC metadata: no gRPC calls in this host
  }
}

/** HeaderMap::byteSize(): every name and value length added up. */
export function headerBytes(list: HeaderList): number {
  let n = 0;
  for (let i = 0; i < list.length; i++) n += Buffer.byteLength(list[i][0], "utf8") + Buffer.byteLength(list[i][1], "utf8");
  return n;
}

function indexOf(list: HeaderList, name: string): number {
  for (let i = 0; i < list.length; i++) if (list[i][0] === name) return i;
  return -1;
}

function removeAll(list: HeaderList, name: string): void {
  let w = 0;
  for (let r = 0; r < list.length; r++) if (list[r][0] !== name) list[w++] = list[r];
  list.length = w;
}

export function headerImports(h: AbiHost) {
  const mem = h.mem;
  return {
    proxy_get_header_map_value(type: number, keyPtr: number, keySize: number, valuePtrPtr: number, valueSizePtr: number): number {
      if (type >>> 0 > MAP_TYPE_MAX) return WasmResult.BadArgument;
      const key = mem.string(keyPtr, keySize);
      if (key === null) return WasmResult.InvalidMemoryAccess;
      const ctx = h.active();
      const map = ctx === null ? null : readableMap(h, ctx, type);
      if (map === null) return ctx !== null && ctx.logPhase ? WasmResult.NotFound : WasmResult.BadArgument;
      const i = indexOf(map, key.toLowerCase());
      if (i < 0) return WasmResult.NotFound;
      return mem.copyOutString(map[i][1], valuePtrPtr, valueSizePtr) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_add_header_map_value(type: number, keyPtr: number, keySize: number, valuePtr: number, valueSize: number): number {
      if (type >>> 0 > MAP_TYPE_MAX) return WasmResult.BadArgument;
      const key = mem.string(keyPtr, keySize);
      const value = mem.string(valuePtr, valueSize);
      if (key === null || value === null) return WasmResult.InvalidMemoryAccess;
      const ctx = h.active();
      const map = ctx === null ? null : mutableMap(ctx, type);
      if (map === null) return WasmResult.BadArgument;
      map.push([key.toLowerCase(), value]);
      return WasmResult.Ok;
    },
    proxy_replace_header_map_value(type: number, keyPtr: number, keySize: number, valuePtr: number, valueSize: number): number {
      if (type >>> 0 > MAP_TYPE_MAX) return WasmResult.BadArgument;
      const key = mem.string(keyPtr, keySize);
      const value = mem.string(valuePtr, valueSize);
      if (key === null || value === null) return WasmResult.InvalidMemoryAccess;
      const ctx = h.active();
      const map = ctx === null ? null : mutableMap(ctx, type);
      if (map === null) return WasmResult.BadArgument;
      const name = key.toLowerCase();
      const i = indexOf(map, name);
      if (i < 0) map.push([name, value]);
      else {
        // HeaderMap::setCopy: the header ends up with exactly one value, where the first one was.
        map[i] = [name, value];
        for (let j = map.length - 1; j > i; j--) if (map[j][0] === name) map.splice(j, 1);
      }
      return WasmResult.Ok;
    },
    proxy_remove_header_map_value(type: number, keyPtr: number, keySize: number): number {
      if (type >>> 0 > MAP_TYPE_MAX) return WasmResult.BadArgument;
      const key = mem.string(keyPtr, keySize);
      if (key === null) return WasmResult.InvalidMemoryAccess;
      const ctx = h.active();
      const map = ctx === null ? null : mutableMap(ctx, type);
      if (map === null) return WasmResult.BadArgument;
      removeAll(map, key.toLowerCase());
      return WasmResult.Ok;
    },
    proxy_get_header_map_pairs(type: number, ptrPtr: number, sizePtr: number): number {
      if (type >>> 0 > MAP_TYPE_MAX) return WasmResult.BadArgument;
      const ctx = h.active();
      const map = ctx === null ? null : readableMap(h, ctx, type);
      if (map === null || map.length === 0) {
        return mem.setU32(ptrPtr, 0) && mem.setU32(sizePtr, 0) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
      }
      const size = pairsByteSize(map);
      const p = mem.allocate(size);
      if (p === 0) return WasmResult.InvalidMemoryAccess;
      writePairs(mem, p, map);
      return mem.setU32(ptrPtr, p) && mem.setU32(sizePtr, size) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_set_header_map_pairs(type: number, ptr: number, size: number): number {
      if (type >>> 0 > MAP_TYPE_MAX) return WasmResult.BadArgument;
      const bytes = mem.view(ptr, size);
      if (bytes === null) return WasmResult.InvalidMemoryAccess;
      const ctx = h.active();
      const map = ctx === null ? null : mutableMap(ctx, type);
      if (map === null) return WasmResult.BadArgument;
      const pairs = parsePairs(bytes, true);
      map.length = 0;
      for (let i = 0; i < pairs.length; i++) map.push(pairs[i]);
      return WasmResult.Ok;
    },
    proxy_get_header_map_size(type: number, sizePtr: number): number {
      if (type >>> 0 > MAP_TYPE_MAX) return WasmResult.BadArgument;
      const ctx = h.active();
      const map = ctx === null ? null : mutableMap(ctx, type);
      if (map === null) return WasmResult.BadArgument;
      return mem.setU32(sizePtr, headerBytes(map)) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
  };
}
