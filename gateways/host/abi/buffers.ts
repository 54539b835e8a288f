// Buffers (proxy-wasm/spec v0.2.1 "Buffers"), with Envoy's availability (envoy context.cc getBuffer,
// Buffer::copyFrom; proxy-wasm-cpp-host src/exports.cc get_buffer_bytes):
//   - HTTP_REQUEST_BODY / HTTP_RESPONSE_BODY: the chunk of the current body callback, or everything buffered
//     while that side is paused by it (research/gateways.md 1.7). Outside that, Envoy hands out an empty
//     buffer: reads succeed with 0 bytes and status Ok, and nothing can be written (we answer BadArgument);
//   - PLUGIN_CONFIGURATION only during proxy_on_configure (temp_plugin_), NotFound elsewhere;
//   - VM_CONFIGURATION only during proxy_on_vm_start (our choice, see README: Envoy keeps it readable);
//   - HTTP_CALL_RESPONSE_BODY only during proxy_on_http_call_response, read-only;
//   - writes: start 0 drops `length` bytes and prepends the value (replace a prefix, or everything);
//     start >= size appends; anything else is BadArgument.
import type { BodyBuffer, Context } from "../context.js";
import type { AbiHost } from "./abi-host.js";
import { BUFFER_TYPE_MAX, BufferType } from "./enums.js";
import { WasmResult } from "./status.js";

const EMPTY = new Uint8Array(0);

/** The buffer's bytes now; a BodyBuffer when writable; null when not available (NotFound). */
function findBuffer(h: AbiHost, ctx: Context | null, type: number): BodyBuffer | Uint8Array | null {
  if (ctx === null) return type === BufferType.VmConfiguration ? null : EMPTY;
  switch (type) {
    case BufferType.HttpRequestBody:
      return ctx.requestBody ?? EMPTY;
    case BufferType.HttpResponseBody:
      return ctx.responseBody ?? EMPTY;
    case BufferType.HttpCallResponseBody:
      return h.rootOf(ctx)?.httpCallResponse?.body ?? null;
    case BufferType.VmConfiguration:
      return h.rootOf(ctx)?.vmConfiguration ?? null;
    case BufferType.PluginConfiguration:
      return h.rootOf(ctx)?.pluginConfiguration ?? null;
    default:
      return EMPTY; // TCP data, gRPC messages and foreign-function arguments never carry data here
  }
}

function bytesOf(b: BodyBuffer | Uint8Array): Uint8Array {
  return b instanceof Uint8Array ? b : b.bytes;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export function bufferImports(h: AbiHost) {
  const mem = h.mem;
  return {
    proxy_get_buffer_bytes(type: number, start: number, length: number, ptrPtr: number, sizePtr: number): number {
      if (type >>> 0 > BUFFER_TYPE_MAX) return WasmResult.BadArgument;
      const found = findBuffer(h, h.active(), type);
      if (found === null) return WasmResult.NotFound;
      const bytes = bytesOf(found);
      start >>>= 0;
      length >>>= 0;
      if (start > bytes.length) length = 0;
      else if (start + length > bytes.length) length = bytes.length - start;
      if (length === 0) {
        return mem.setU32(ptrPtr, 0) && mem.setU32(sizePtr, 0) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
      }
      return mem.copyOut(bytes.subarray(start, start + length), ptrPtr, sizePtr) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_get_buffer_status(type: number, lengthPtr: number, flagsPtr: number): number {
      if (type >>> 0 > BUFFER_TYPE_MAX) return WasmResult.BadArgument;
      const found = findBuffer(h, h.active(), type);
      if (found === null) return WasmResult.NotFound;
      return mem.setU32(lengthPtr, bytesOf(found).length) && mem.setU32(flagsPtr, 0) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_set_buffer_bytes(type: number, start: number, length: number, dataPtr: number, dataSize: number): number {
      if (type >>> 0 > BUFFER_TYPE_MAX) return WasmResult.BadArgument;
      const found = findBuffer(h, h.active(), type);
      if (found === null) return WasmResult.NotFound;
      const data = mem.copy(dataPtr, dataSize);
      if (data === null) return WasmResult.InvalidMemoryAccess;
      if (found instanceof Uint8Array) return WasmResult.BadArgument; // immutable or out of phase
      start >>>= 0;
      length >>>= 0;
      const cur = found.bytes;
      if (start === 0) found.bytes = concat(data, cur.subarray(Math.min(length, cur.length)));
      else if (start >= cur.length) found.bytes = concat(cur, data);
      else return WasmResult.BadArgument;
      return WasmResult.Ok;
    },
  };
}
