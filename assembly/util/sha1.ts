// SHA-1 (FIPS 180-4 section 6.1) over UTF-8 bytes. Used only for the Retry-After jitter identity hash
// (spec 9.4: the reference falls back to SHA-1 because stock OpenResty lacks HMAC-SHA256), so it runs
// on rejects only and may allocate.

// @ts-ignore: decorator
@inline function rotl(x: u32, n: u32): u32 {
  return (x << n) | (x >>> (32 - n));
}

/** The 20-byte SHA-1 digest of `data`. */
export function sha1(data: Uint8Array): Uint8Array {
  const len = data.length;
  // Message + 0x80 + zero padding + 64-bit big-endian bit length, to a multiple of 64 bytes.
  const padded = ((len + 8) >> 6) + 1;
  const total = padded << 6;
  const msg = new Uint8Array(total);
  for (let i = 0; i < len; i++) unchecked((msg[i] = data[i]));
  unchecked((msg[len] = 0x80));
  const bitLen = u64(len) << 3;
  for (let i = 0; i < 8; i++) {
    unchecked((msg[total - 1 - i] = u8((bitLen >> (u64(i) << 3)) & 0xff)));
  }

  let h0: u32 = 0x67452301;
  let h1: u32 = 0xefcdab89;
  let h2: u32 = 0x98badcfe;
  let h3: u32 = 0x10325476;
  let h4: u32 = 0xc3d2e1f0;
  const w = new StaticArray<u32>(80);

  for (let block = 0; block < total; block += 64) {
    for (let t = 0; t < 16; t++) {
      const o = block + (t << 2);
      unchecked((w[t] =
        (u32(msg[o]) << 24) | (u32(msg[o + 1]) << 16) | (u32(msg[o + 2]) << 8) | u32(msg[o + 3])));
    }
    for (let t = 16; t < 80; t++) {
      unchecked((w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1)));
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let t = 0; t < 80; t++) {
      let f: u32;
      let k: u32;
      if (t < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (t < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (t < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6;
      }
      const temp = rotl(a, 5) + f + e + k + unchecked(w[t]);
      e = d;
      d = c;
      c = rotl(b, 30);
      b = a;
      a = temp;
    }
    h0 += a;
    h1 += b;
    h2 += c;
    h3 += d;
    h4 += e;
  }

  const out = new Uint8Array(20);
  writeBigEndian(out, 0, h0);
  writeBigEndian(out, 4, h1);
  writeBigEndian(out, 8, h2);
  writeBigEndian(out, 12, h3);
  writeBigEndian(out, 16, h4);
  return out;
}

function writeBigEndian(out: Uint8Array, at: i32, v: u32): void {
  out[at] = u8(v >>> 24);
  out[at + 1] = u8(v >>> 16);
  out[at + 2] = u8(v >>> 8);
  out[at + 3] = u8(v);
}

/** SHA-1 of the UTF-8 encoding of `text`. */
export function sha1Utf8(text: string): Uint8Array {
  return sha1(Uint8Array.wrap(String.UTF8.encode(text)));
}

const HEX_DIGITS = "0123456789abcdef";

/** Lowercase hex of the first `count` bytes of `bytes` (all of them when count exceeds the length). */
export function toHex(bytes: Uint8Array, count: i32 = i32.MAX_VALUE): string {
  const n = min(count, bytes.length);
  let out = "";
  for (let i = 0; i < n; i++) {
    const b = i32(bytes[i]);
    out += HEX_DIGITS.charAt(b >> 4) + HEX_DIGITS.charAt(b & 15);
  }
  return out;
}
