// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, init and final xor 0xFFFFFFFF): the checksum of
// nginx's ngx_crc32_short / ngx.crc32_long, which the reference's loop fingerprint uses (spec 8.5). The
// table is built once on first use (STYLE.md hot path 5: fixed sizes). crc32String hashes the UTF-8 bytes
// of a string without materialising them (hot path 3), so a fingerprint costs no allocation.

const POLYNOMIAL: u32 = 0xedb88320;

// @ts-ignore: decorator
@lazy const TABLE = buildTable();

function buildTable(): StaticArray<u32> {
  const table = new StaticArray<u32>(256);
  for (let n: u32 = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = (c & 1) != 0 ? POLYNOMIAL ^ (c >>> 1) : c >>> 1;
    unchecked((table[n] = c));
  }
  return table;
}

// @ts-ignore: decorator
@inline
function step(crc: u32, byte: u32): u32 {
  return unchecked(TABLE[(crc ^ byte) & 0xff]) ^ (crc >>> 8);
}

/** CRC-32 of `data`. */
export function crc32Bytes(data: Uint8Array): u32 {
  let crc: u32 = 0xffffffff;
  for (let i = 0, n = data.length; i < n; i++) crc = step(crc, u32(unchecked(data[i])));
  return crc ^ 0xffffffff;
}

/**
 * CRC-32 of the UTF-8 encoding of `text`. Surrogate pairs become one 4-byte sequence; a lone surrogate
 * is encoded as its 3-byte form (WTF-8), which is what String.UTF8.encode produces too.
 */
export function crc32String(text: string): u32 {
  let crc: u32 = 0xffffffff;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let c = u32(text.charCodeAt(i));
    if (c < 0x80) {
      crc = step(crc, c);
      continue;
    }
    if (c < 0x800) {
      crc = step(crc, 0xc0 | (c >>> 6));
      crc = step(crc, 0x80 | (c & 0x3f));
      continue;
    }
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
      const d = u32(text.charCodeAt(i + 1));
      if (d >= 0xdc00 && d < 0xe000) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        crc = step(crc, 0xf0 | (cp >>> 18));
        crc = step(crc, 0x80 | ((cp >>> 12) & 0x3f));
        crc = step(crc, 0x80 | ((cp >>> 6) & 0x3f));
        crc = step(crc, 0x80 | (cp & 0x3f));
        i++;
        continue;
      }
    }
    crc = step(crc, 0xe0 | (c >>> 12));
    crc = step(crc, 0x80 | ((c >>> 6) & 0x3f));
    crc = step(crc, 0x80 | (c & 0x3f));
  }
  return crc ^ 0xffffffff;
}
