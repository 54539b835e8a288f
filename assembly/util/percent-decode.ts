// Query-string value decoding as nginx's ngx.req.get_uri_args does it (spec 5.1 `query:` keys,
// project decision 7): `+` is a space and `%XX` is one byte; a `%` not followed by two hex digits is
// kept as is. The bytes are then read as UTF-8.

import { CHAR_PERCENT, CHAR_PLUS, hexValue } from "./chars";

/** Decoded text[start, end). Returns a plain substring when nothing needs decoding. */
export function percentDecode(text: string, start: i32, end: i32): string {
  let needs = false;
  for (let i = start; i < end; i++) {
    const c = u32(text.charCodeAt(i));
    if (c == CHAR_PERCENT || c == CHAR_PLUS) {
      needs = true;
      break;
    }
  }
  if (!needs) return text.substring(start, end);

  // Encode the raw span to UTF-8 first, then decode escapes byte by byte.
  const raw = Uint8Array.wrap(String.UTF8.encode(text.substring(start, end)));
  const out = new Uint8Array(raw.length);
  let o = 0;
  const n = raw.length;
  for (let i = 0; i < n; i++) {
    const b = u32(raw[i]);
    if (b == CHAR_PLUS) {
      out[o++] = 0x20;
    } else if (b == CHAR_PERCENT && i + 2 < n && hexValue(raw[i + 1]) >= 0 && hexValue(raw[i + 2]) >= 0) {
      out[o++] = u8((hexValue(raw[i + 1]) << 4) | hexValue(raw[i + 2]));
      i += 2;
    } else {
      out[o++] = u8(b);
    }
  }
  return String.UTF8.decodeUnsafe(out.dataStart, o);
}
