// Serialises header pairs in the proxy-wasm map format (PW-SPEC "Serialization", research/gateways.md 1.6):
// u32 count, then count x (u32 key length, u32 value length), then each key and value followed by NUL,
// all little-endian. Used for proxy_send_local_response.

/** `flat` holds [name0, value0, name1, value1, ...]. */
export function serializeHeaderPairs(flat: string[]): ArrayBuffer {
  const count = flat.length >> 1;
  const encoded = new Array<ArrayBuffer>(count << 1);
  let total: i32 = 4 + count * 8;
  for (let i = 0; i < count << 1; i++) {
    const bytes = String.UTF8.encode(unchecked(flat[i]));
    unchecked((encoded[i] = bytes));
    total += bytes.byteLength + 1;
  }
  const out = new ArrayBuffer(total);
  const base = changetype<usize>(out);
  store<u32>(base, <u32>count);
  let sizes = base + 4;
  let data = base + 4 + <usize>count * 8;
  for (let i = 0; i < count << 1; i++) {
    const bytes = unchecked(encoded[i]);
    const len = bytes.byteLength;
    store<u32>(sizes, <u32>len);
    sizes += 4;
    memory.copy(data, changetype<usize>(bytes), <usize>len);
    data += <usize>len;
    store<u8>(data, 0);
    data += 1;
  }
  return out;
}
