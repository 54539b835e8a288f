// The request header map read once per request with proxy_get_header_map_pairs, then searched in place.
// One host call (and one guest allocation) replaces one call per header the engine asks for: each
// proxy_get_header_map_value costs a host round trip plus a guest malloc for the value (bench/: the
// header lookups were a quarter of a decision). Names are compared in place, ASCII case-insensitively
// (Envoy lower-cases names, Kong's nginx keeps them as sent), and only a matching value is decoded
// (STYLE.md hot path, idiom 3). The layout is proxy-wasm's map serialization (header-pairs.ts); every
// offset is checked against the buffer, so a malformed answer reads as "absent", never a trap.

@final
export class HeaderTable {
  private pairs: ArrayBuffer;
  private count: i32 = 0;

  constructor(pairs: ArrayBuffer) {
    this.pairs = pairs;
    const size = pairs.byteLength;
    const count = size < 4 ? 0 : <i32>load<u32>(changetype<usize>(pairs));
    // Each pair needs 8 bytes of sizes and 2 NUL bytes at least.
    this.count = count < 0 || <i64>count * 10 + 4 > <i64>size ? 0 : count;
  }

  /** First value of `lowerName` (lower-case ASCII), or null. */
  find(lowerName: string): string | null {
    const base = changetype<usize>(this.pairs);
    const size = <usize>this.pairs.byteLength;
    const count = this.count;
    const nameLen = lowerName.length;
    let data: usize = 4 + <usize>count * 8;
    for (let i = 0; i < count; i++) {
      const keyLen = <usize>load<u32>(base + 4 + <usize>i * 8);
      const valueLen = <usize>load<u32>(base + 8 + <usize>i * 8);
      const valueAt = data + keyLen + 1;
      const next = valueAt + valueLen + 1;
      if (next > size || next < data) return null;
      if (keyLen == <usize>nameLen && sameName(base + data, lowerName, nameLen)) {
        return String.UTF8.decodeUnsafe(base + valueAt, valueLen);
      }
      data = next;
    }
    return null;
  }
}

function sameName(ptr: usize, lowerName: string, len: i32): bool {
  for (let k = 0; k < len; k++) {
    let c = <i32>load<u8>(ptr + <usize>k);
    if (c >= 65 && c <= 90) c += 32;
    if (c != lowerName.charCodeAt(k)) return false;
  }
  return true;
}
