// Character codes the JSON parser tests, by name (RFC 8259 section 2 and 7).

export const enum Char {
  TAB = 0x09,
  LF = 0x0a,
  CR = 0x0d,
  SPACE = 0x20,
  QUOTE = 0x22,
  PLUS = 0x2b,
  COMMA = 0x2c,
  MINUS = 0x2d,
  DOT = 0x2e,
  SLASH = 0x2f,
  ZERO = 0x30,
  ONE = 0x31,
  NINE = 0x39,
  COLON = 0x3a,
  UPPER_A = 0x41,
  UPPER_E = 0x45,
  UPPER_F = 0x46,
  OPEN_BRACKET = 0x5b,
  BACKSLASH = 0x5c,
  CLOSE_BRACKET = 0x5d,
  LOWER_A = 0x61,
  LOWER_B = 0x62,
  LOWER_E = 0x65,
  LOWER_F = 0x66,
  LOWER_L = 0x6c,
  LOWER_N = 0x6e,
  LOWER_R = 0x72,
  LOWER_S = 0x73,
  LOWER_T = 0x74,
  LOWER_U = 0x75,
  OPEN_BRACE = 0x7b,
  CLOSE_BRACE = 0x7d,
}

@inline
export function isDigit(c: i32): bool {
  return <u32>(c - Char.ZERO) <= 9;
}

/** Value of a hex digit, or -1. */
@inline
export function hexValue(c: i32): i32 {
  if (<u32>(c - Char.ZERO) <= 9) return c - Char.ZERO;
  const lower = c | 0x20;
  if (<u32>(lower - Char.LOWER_A) <= 5) return lower - Char.LOWER_A + 10;
  return -1;
}
