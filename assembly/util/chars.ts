// Named character codes used by the engine's byte-level scanners (STYLE.md hot path 3: name your char codes).

// @ts-ignore: decorator
@inline export const CHAR_TAB: u16 = 0x09;
// @ts-ignore: decorator
@inline export const CHAR_LF: u16 = 0x0a;
// @ts-ignore: decorator
@inline export const CHAR_VT: u16 = 0x0b;
// @ts-ignore: decorator
@inline export const CHAR_FF: u16 = 0x0c;
// @ts-ignore: decorator
@inline export const CHAR_CR: u16 = 0x0d;
// @ts-ignore: decorator
@inline export const CHAR_SPACE: u16 = 0x20;
// @ts-ignore: decorator
@inline export const CHAR_DQUOTE: u16 = 0x22;
// @ts-ignore: decorator
@inline export const CHAR_HASH: u16 = 0x23;
// @ts-ignore: decorator
@inline export const CHAR_PERCENT: u16 = 0x25;
// @ts-ignore: decorator
@inline export const CHAR_AMP: u16 = 0x26;
// @ts-ignore: decorator
@inline export const CHAR_PLUS: u16 = 0x2b;
// @ts-ignore: decorator
@inline export const CHAR_COMMA: u16 = 0x2c;
// @ts-ignore: decorator
@inline export const CHAR_MINUS: u16 = 0x2d;
// @ts-ignore: decorator
@inline export const CHAR_DOT: u16 = 0x2e;
// @ts-ignore: decorator
@inline export const CHAR_SLASH: u16 = 0x2f;
// @ts-ignore: decorator
@inline export const CHAR_0: u16 = 0x30;
// @ts-ignore: decorator
@inline export const CHAR_9: u16 = 0x39;
// @ts-ignore: decorator
@inline export const CHAR_COLON: u16 = 0x3a;
// @ts-ignore: decorator
@inline export const CHAR_EQUALS: u16 = 0x3d;
// @ts-ignore: decorator
@inline export const CHAR_QUESTION: u16 = 0x3f;
// @ts-ignore: decorator
@inline export const CHAR_UPPER_A: u16 = 0x41;
// @ts-ignore: decorator
@inline export const CHAR_UPPER_E: u16 = 0x45;
// @ts-ignore: decorator
@inline export const CHAR_UPPER_F: u16 = 0x46;
// @ts-ignore: decorator
@inline export const CHAR_UPPER_X: u16 = 0x58;
// @ts-ignore: decorator
@inline export const CHAR_UPPER_Z: u16 = 0x5a;
// @ts-ignore: decorator
@inline export const CHAR_LBRACKET: u16 = 0x5b;
// @ts-ignore: decorator
@inline export const CHAR_BACKSLASH: u16 = 0x5c;
// @ts-ignore: decorator
@inline export const CHAR_UNDERSCORE: u16 = 0x5f;
// @ts-ignore: decorator
@inline export const CHAR_LOWER_A: u16 = 0x61;
// @ts-ignore: decorator
@inline export const CHAR_LOWER_E: u16 = 0x65;
// @ts-ignore: decorator
@inline export const CHAR_LOWER_F: u16 = 0x66;
// @ts-ignore: decorator
@inline export const CHAR_LOWER_X: u16 = 0x78;
// @ts-ignore: decorator
@inline export const CHAR_LOWER_Z: u16 = 0x7a;
// @ts-ignore: decorator
@inline export const CHAR_LBRACE: u16 = 0x7b;
// @ts-ignore: decorator
@inline export const CHAR_RBRACE: u16 = 0x7d;

/** Lua's `%s` class: space, \t, \n, \v, \f, \r. */
// @ts-ignore: decorator
@inline export function isLuaSpace(c: u32): bool {
  return c == CHAR_SPACE || (c >= CHAR_TAB && c <= CHAR_CR);
}

/** ASCII-only lower-casing of one code unit (HTTP names and hosts are ASCII). */
// @ts-ignore: decorator
@inline export function asciiLower(c: u32): u32 {
  return c >= CHAR_UPPER_A && c <= CHAR_UPPER_Z ? c + 32 : c;
}

/** Value of a hex digit, or -1. */
export function hexValue(c: u32): i32 {
  if (c >= CHAR_0 && c <= CHAR_9) return i32(c - CHAR_0);
  if (c >= CHAR_LOWER_A && c <= CHAR_LOWER_F) return i32(c - CHAR_LOWER_A + 10);
  if (c >= CHAR_UPPER_A && c <= CHAR_UPPER_F) return i32(c - CHAR_UPPER_A + 10);
  return -1;
}
