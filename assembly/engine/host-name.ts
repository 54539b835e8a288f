// Request host normalisation at match time (spec 3 and 6): trim, lowercase, strip a `:<digits>` port
// when the host has no other colon (IPv6 literals keep theirs), strip one trailing dot. No character
// validation. An empty result means "no host": only policies without `hosts` can match.

import { CHAR_0, CHAR_9, CHAR_COLON, CHAR_DOT, CHAR_UPPER_A, CHAR_UPPER_Z, isLuaSpace } from "../util/chars";

export function normaliseHost(raw: string): string {
  let start = 0;
  let end = raw.length;
  while (start < end && isLuaSpace(raw.charCodeAt(start))) start++;
  while (end > start && isLuaSpace(raw.charCodeAt(end - 1))) end--;
  if (start == end) return "";

  // `^([^:]+):%d+$`: exactly one colon, at least one char before it, only digits after it.
  let colon = -1;
  let colons = 0;
  for (let i = start; i < end; i++) {
    if (u32(raw.charCodeAt(i)) == CHAR_COLON) {
      colons++;
      colon = i;
    }
  }
  if (colons == 1 && colon > start && colon + 1 < end) {
    let digitsOnly = true;
    for (let i = colon + 1; i < end; i++) {
      const c = u32(raw.charCodeAt(i));
      if (c < CHAR_0 || c > CHAR_9) {
        digitsOnly = false;
        break;
      }
    }
    if (digitsOnly) end = colon;
  }
  if (end > start && u32(raw.charCodeAt(end - 1)) == CHAR_DOT) end--;
  if (start == end) return "";

  let hasUpper = false;
  for (let i = start; i < end; i++) {
    const c = u32(raw.charCodeAt(i));
    if (c >= CHAR_UPPER_A && c <= CHAR_UPPER_Z) {
      hasUpper = true;
      break;
    }
  }
  const trimmed = start == 0 && end == raw.length ? raw : raw.substring(start, end);
  return hasUpper ? asciiLowerString(trimmed) : trimmed;
}

/** ASCII lower-casing (Lua's string.lower in the C locale leaves non-ASCII alone). */
export function asciiLowerString(s: string): string {
  const n = s.length;
  let out = "";
  let from = 0;
  for (let i = 0; i < n; i++) {
    const c = u32(s.charCodeAt(i));
    if (c >= CHAR_UPPER_A && c <= CHAR_UPPER_Z) {
      out += s.substring(from, i) + String.fromCharCode(c + 32);
      from = i + 1;
    }
  }
  if (from == 0) return s;
  return out + s.substring(from);
}
