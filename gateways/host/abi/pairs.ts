// Header-map serialization (proxy-wasm/spec v0.2.1 "Serialization"; research/gateways.md 1.6): a u32 count,
// count × (u32 key length, u32 value length), then each key and each value followed by a NUL byte, all
// little-endian. Used by get/set_header_map_pairs, proxy_send_local_response and proxy_http_call.
import type { HeaderList } from "../types.js";
import type { GuestMemory } from "./memory.js";

/** Bytes `list` takes once serialized. */
export function pairsByteSize(list: HeaderList): number {
  let n = 4 + list.length * 8;
  for (let i = 0; i < list.length; i++) {
    const p = list[i];
    n += Buffer.byteLength(p[0], "utf8") + Buffer.byteLength(p[1], "utf8") + 2;
  }
  return n;
}

/** Serializes `list` into guest memory at `ptr` (which must hold pairsByteSize(list) bytes). */
export function writePairs(mem: GuestMemory, ptr: number, list: HeaderList): void {
  const dv = mem.dv;
  const buf = mem.buf;
  dv.setUint32(ptr, list.length, true);
  let lens = ptr + 4;
  let data = lens + list.length * 8;
  for (let i = 0; i < list.length; i++) {
    const p = list[i];
    const k = buf.write(p[0], data, "utf8");
    buf[data + k] = 0;
    data += k + 1;
    const v = buf.write(p[1], data, "utf8");
    buf[data + v] = 0;
    data += v + 1;
    dv.setUint32(lens, k, true);
    dv.setUint32(lens + 4, v, true);
    lens += 8;
  }
}

/** Serializes to a standalone byte array (tests, and values that are not headed for one guest). */
export function serializePairs(list: HeaderList): Uint8Array {
  const out = Buffer.alloc(pairsByteSize(list));
  out.writeUInt32LE(list.length, 0);
  let lens = 4;
  let data = 4 + list.length * 8;
  for (const [key, value] of list) {
    const k = out.write(key, data, "utf8");
    data += k + 1;
    const v = out.write(value, data, "utf8");
    data += v + 1;
    out.writeUInt32LE(k, lens);
    out.writeUInt32LE(v, lens + 4);
    lens += 8;
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/**
 * Parses a serialized map. An empty map may be 0 bytes or a single 0 byte (spec). Malformed input yields an
 * empty list, as proxy-wasm-cpp-host PairsUtil::toPairs does. Names are lower-cased when `lowerNames`.
 */
export function parsePairs(bytes: Uint8Array, lowerNames: boolean): HeaderList {
  const out: HeaderList = [];
  if (bytes.length < 4) return out;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = dv.getUint32(0, true);
  const dataStart = 4 + count * 8;
  if (count > (bytes.length - 4) / 8 || dataStart > bytes.length) return out;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let data = dataStart;
  for (let i = 0; i < count; i++) {
    const kl = dv.getUint32(4 + i * 8, true);
    const vl = dv.getUint32(8 + i * 8, true);
    if (data + kl + 1 + vl + 1 > bytes.length) return [];
    let key = b.toString("utf8", data, data + kl);
    data += kl + 1;
    const value = b.toString("utf8", data, data + vl);
    data += vl + 1;
    if (lowerNames) key = key.toLowerCase();
    out.push([key, value]);
  }
  return out;
}
