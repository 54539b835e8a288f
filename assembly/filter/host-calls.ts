// Thin, trap-free wrappers over the raw proxy-wasm imports declared by @gcoredev/proxy-wasm-sdk-as.
// We use the SDK for its import declarations and its allocator (`malloc`, exported from assembly/index.ts)
// but not for its wrappers: those throw on unexpected statuses (CHECK_RESULT), encode/decode strings on every
// call, and its `log` writes to WASI stdout instead of proxy_log (see README.md "SDK work-arounds").
// Out-parameters live in one static scratch area, reused by every call (STYLE.md hot path, idiom 2).
import * as imports from "@gcoredev/proxy-wasm-sdk-as/assembly/imports";
import { __unpin } from "rt/itcms";

/** proxy-wasm WasmResult codes (PW-SPEC; proxy-wasm-rust-sdk src/types.rs). */
export const enum HostStatus {
  OK = 0,
  NOT_FOUND = 1,
  BAD_ARGUMENT = 2,
  EMPTY = 7,
  CAS_MISMATCH = 8,
  UNIMPLEMENTED = 12,
}

export const enum MapType {
  REQUEST_HEADERS = 0,
  RESPONSE_HEADERS = 2,
}

export const enum BufferType {
  HTTP_REQUEST_BODY = 0,
  HTTP_RESPONSE_BODY = 1,
  VM_CONFIGURATION = 6,
  PLUGIN_CONFIGURATION = 7,
}

export const enum LogLevel {
  TRACE = 0,
  DEBUG = 1,
  INFO = 2,
  WARN = 3,
  ERROR = 4,
  CRITICAL = 5,
}

// [0]: returned data pointer, [4]: returned size, [8]: cas / metric id, [16]: u64 time.
const SCRATCH: usize = memory.data(24);
@inline function outPtr(): usize { return SCRATCH; }
@inline function outSize(): usize { return SCRATCH + 4; }
@inline function outU32(): usize { return SCRATCH + 8; }
@inline function outU64(): usize { return SCRATCH + 16; }

/** Last status of a wrapper that returns data, for callers that need to tell NOT_FOUND from errors. */
export let lastStatus: u32 = 0;

/**
 * Takes ownership of a buffer the host filled through our exported `malloc` (an ArrayBuffer pinned for the
 * host). Unpinning hands it to the GC; the reference we return keeps it alive. The host may return a larger
 * allocation than `size` only if it misbehaves, so we slice in that case.
 */
function takeHostBuffer(): ArrayBuffer | null {
  const ptr = load<usize>(outPtr());
  const size = load<u32>(outSize());
  if (ptr == 0 || size == 0) return new ArrayBuffer(0);
  const buffer = changetype<ArrayBuffer>(ptr);
  __unpin(ptr);
  if (<u32>buffer.byteLength == size) return buffer;
  if (<u32>buffer.byteLength < size) return null;
  return buffer.slice(0, <i32>size);
}

function resetOut(): void {
  store<usize>(outPtr(), 0);
  store<u32>(outSize(), 0);
  store<u32>(outU32(), 0);
}

export function hostLog(level: LogLevel, message: string): void {
  const bytes = String.UTF8.encode(message);
  imports.proxy_log(<usize>level, changetype<usize>(bytes), bytes.byteLength);
}

export function nowNanos(): u64 {
  store<u64>(outU64(), 0);
  imports.proxy_get_current_time_nanoseconds(outU64());
  return load<u64>(outU64());
}

/** A property by path; segments are separated by "\0" (DESIGN.md section 3). */
export function getProperty(path: string): ArrayBuffer | null {
  const p = String.UTF8.encode(path);
  resetOut();
  lastStatus = imports.proxy_get_property(changetype<usize>(p), p.byteLength, outPtr(), outSize());
  if (lastStatus != HostStatus.OK) return null;
  return takeHostBuffer();
}

/** First value of a header, by a pre-encoded lower-case name; null when absent or not readable now. */
export function getHeaderBytes(map: MapType, name: ArrayBuffer): ArrayBuffer | null {
  resetOut();
  lastStatus = imports.proxy_get_header_map_value(map, changetype<usize>(name), name.byteLength, outPtr(), outSize());
  if (lastStatus != HostStatus.OK) return null;
  return takeHostBuffer();
}

/** Every pair of a header map in the serialized form (header-pairs.ts); null when the map is not readable. */
export function getHeaderPairs(map: MapType): ArrayBuffer | null {
  resetOut();
  lastStatus = imports.proxy_get_header_map_pairs(map, outPtr(), outSize());
  if (lastStatus != HostStatus.OK) return null;
  return takeHostBuffer();
}

export function getHeader(map: MapType, name: string): string | null {
  const value = getHeaderBytes(map, String.UTF8.encode(name));
  if (value === null) return null;
  return String.UTF8.decode(value);
}

export function addHeader(map: MapType, name: string, value: string): u32 {
  const n = String.UTF8.encode(name);
  const v = String.UTF8.encode(value);
  return imports.proxy_add_header_map_value(map, changetype<usize>(n), n.byteLength, changetype<usize>(v), v.byteLength);
}

export function getBuffer(type: BufferType, start: u32, length: u32): ArrayBuffer | null {
  resetOut();
  lastStatus = imports.proxy_get_buffer_bytes(type, start, length, outPtr(), outSize());
  if (lastStatus != HostStatus.OK) return null;
  return takeHostBuffer();
}

/** Value and CAS of a shared-data key; `sharedCas` holds the CAS after the call (0 when missing). */
export let sharedCas: u32 = 0;

export function getSharedData(key: ArrayBuffer): ArrayBuffer | null {
  resetOut();
  lastStatus = imports.proxy_get_shared_data(changetype<usize>(key), key.byteLength, outPtr(), outSize(), outU32());
  if (lastStatus != HostStatus.OK) {
    sharedCas = 0;
    return null;
  }
  sharedCas = load<u32>(outU32());
  return takeHostBuffer();
}

export function setSharedData(key: ArrayBuffer, value: ArrayBuffer, cas: u32): u32 {
  return imports.proxy_set_shared_data(changetype<usize>(key), key.byteLength, changetype<usize>(value), value.byteLength, cas);
}

/** proxy_send_local_response; `headers` is the serialized pair map (header-pairs.ts); grpc -1 = none. */
export function sendLocalResponse(status: u32, details: string, body: ArrayBuffer, headers: ArrayBuffer): u32 {
  const d = String.UTF8.encode(details);
  return imports.proxy_send_local_response(
    status,
    changetype<usize>(d),
    d.byteLength,
    changetype<usize>(body),
    body.byteLength,
    changetype<usize>(headers),
    headers.byteLength,
    u32.MAX_VALUE, // -1 as i32: "no gRPC status" (research/gateways.md 1.6)
  );
}

/** Metric id meaning "the host refused to define it" (APISIX has no metrics). */
export const NO_METRIC: u32 = u32.MAX_VALUE;

/** Defines a metric (0 counter, 1 gauge, 2 histogram); returns its id or NO_METRIC. */
export function defineMetric(type: i32, name: string): u32 {
  const n = String.UTF8.encode(name);
  store<u32>(outU32(), 0);
  const status = imports.proxy_define_metric(type, changetype<usize>(n), n.byteLength, outU32());
  if (status != HostStatus.OK) return NO_METRIC;
  return load<u32>(outU32());
}

export function incrementMetric(id: u32, delta: i64): void {
  if (id != NO_METRIC) imports.proxy_increment_metric(id, delta);
}

/** Sets a header, replacing any existing value (our limit headers are authoritative over upstream ones). */
export function replaceHeader(map: MapType, name: string, value: string): u32 {
  const n = String.UTF8.encode(name);
  const v = String.UTF8.encode(value);
  return imports.proxy_replace_header_map_value(map, changetype<usize>(n), n.byteLength, changetype<usize>(v), v.byteLength);
}

export function removeHeader(map: MapType, name: string): u32 {
  const n = String.UTF8.encode(name);
  return imports.proxy_remove_header_map_value(map, changetype<usize>(n), n.byteLength);
}

/**
 * Replaces bytes [start, start + length) of a body buffer with `bytes` (proxy_set_buffer_bytes; Envoy
 * context.cc setBuffer: start 0 and length = the chunk size replaces the whole chunk, which is how the SSE
 * path rewrites or empties a chunk while still returning Continue, research/gateways.md 1.7).
 */
export function setBuffer(type: BufferType, start: u32, length: u32, bytes: ArrayBuffer): u32 {
  return imports.proxy_set_buffer_bytes(type, start, length, changetype<usize>(bytes), bytes.byteLength);
}

/** Sets the caller's root context tick period; 0 stops ticks. UNIMPLEMENTED on APISIX (research section 0). */
export function setTickPeriod(milliseconds: u32): u32 {
  return imports.proxy_set_tick_period_milliseconds(milliseconds);
}

/** proxy-wasm StreamType (PW-SPEC): which side of the HTTP stream to resume. */
export const enum StreamType {
  HTTP_REQUEST = 0,
  HTTP_RESPONSE = 1,
}

/** Makes later host calls of this VM call act on `contextId` (needed in on_tick to resume a stream). */
export function setEffectiveContext(contextId: u32): u32 {
  return imports.proxy_set_effective_context(contextId);
}

export function continueStream(type: StreamType): u32 {
  return imports.proxy_continue_stream(type);
}

export function setProperty(path: string, value: string): u32 {
  const p = String.UTF8.encode(path);
  const v = String.UTF8.encode(value);
  return imports.proxy_set_property(changetype<usize>(p), p.byteLength, changetype<usize>(v), v.byteLength);
}

/** setBuffer from memory we own (the SSE output buffer), without copying it into a new ArrayBuffer. */
export function setBufferFrom(type: BufferType, start: u32, length: u32, ptr: usize, size: i32): u32 {
  return imports.proxy_set_buffer_bytes(type, start, length, ptr, <usize>size);
}
