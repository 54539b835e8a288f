// base64url decoding for JWT payloads, with the reference's exact acceptance rules (spec 3.1 step 3):
// `-`→`+` and `_`→`/`, padding added, a length ≡ 1 (mod 4) fails, an empty input fails. The decoding
// itself follows nginx's ngx_decode_base64: characters up to the first `=` must be in the alphabet,
// anything after the first `=` is ignored, and leftover bits of a partial group are dropped.

import { CHAR_EQUALS } from "./chars";

// Sextet value per code unit for both alphabets (standard and URL-safe), 0xff = invalid.
const DECODE_TABLE = memory.data<u8>([
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 62, 255, 62, 255, 63,
  52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 255, 255, 255, 255, 255, 255,
  255, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
  15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 255, 255, 255, 255, 63,
  255, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
  41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 255, 255, 255, 255, 255,
]);

// @ts-ignore: decorator
@inline function sextet(c: u32): u32 {
  return c < 128 ? u32(load<u8>(DECODE_TABLE + c)) : 255;
}

/** Decoded bytes of text[start, end), or null when the reference would fail. */
export function decodeBase64Url(text: string, start: i32, end: i32): Uint8Array | null {
  const len = end - start;
  if (len <= 0) return null;
  if (len % 4 == 1) return null;
  // Significant characters stop at the first "=" (ngx_decode_base64).
  let sig = 0;
  while (sig < len) {
    const c = u32(text.charCodeAt(start + sig));
    if (c == CHAR_EQUALS) break;
    if (sextet(c) == 255) return null;
    sig++;
  }
  // nginx refuses a significant length ≡ 1 (mod 4) too (a lone sextet cannot make a byte).
  if (sig % 4 == 1) return null;
  const outLen = (sig >> 2) * 3 + (sig % 4 == 0 ? 0 : (sig % 4) - 1);
  const out = new Uint8Array(outLen);
  let acc: u32 = 0;
  let bits: u32 = 0;
  let o = 0;
  for (let i = 0; i < sig; i++) {
    acc = (acc << 6) | sextet(u32(text.charCodeAt(start + i)));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (o < outLen) out[o++] = u8((acc >>> bits) & 0xff);
    }
  }
  return out;
}
