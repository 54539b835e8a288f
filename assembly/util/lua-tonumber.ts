// Lua's tonumber on a header or query value (spec 8.1 cost resolution): optional surrounding
// whitespace, an optional sign, then a decimal number with optional fraction and exponent, or a
// hexadecimal integer "0x..". Anything else is not a number. Non-finite results count as "not a
// number" here so that a cost can never become infinite.

import {
  CHAR_0, CHAR_9, CHAR_DOT, CHAR_LOWER_E, CHAR_LOWER_X, CHAR_MINUS, CHAR_PLUS, CHAR_UPPER_E,
  CHAR_UPPER_X, hexValue, isLuaSpace,
} from "./chars";

/** The numeric value of `text`, or NaN when Lua's tonumber would return nil. */
export function luaToNumber(text: string): f64 {
  let start = 0;
  let end = text.length;
  while (start < end && isLuaSpace(text.charCodeAt(start))) start++;
  while (end > start && isLuaSpace(text.charCodeAt(end - 1))) end--;
  if (start == end) return NaN;

  let i = start;
  let negative = false;
  let c = u32(text.charCodeAt(i));
  if (c == CHAR_MINUS || c == CHAR_PLUS) {
    negative = c == CHAR_MINUS;
    i++;
    if (i == end) return NaN;
  }

  // Hexadecimal integer.
  if (i + 1 < end && u32(text.charCodeAt(i)) == CHAR_0) {
    const x = u32(text.charCodeAt(i + 1));
    if (x == CHAR_LOWER_X || x == CHAR_UPPER_X) {
      i += 2;
      if (i == end) return NaN;
      let value: f64 = 0;
      for (; i < end; i++) {
        const h = hexValue(text.charCodeAt(i));
        if (h < 0) return NaN;
        value = value * 16 + h;
      }
      return finiteOrNaN(negative ? -value : value);
    }
  }

  // Decimal: digits [. digits] [e [sign] digits], at least one mantissa digit.
  let mantissaDigits = 0;
  const numberStart = i;
  while (i < end && isDigit(text.charCodeAt(i))) {
    i++;
    mantissaDigits++;
  }
  if (i < end && u32(text.charCodeAt(i)) == CHAR_DOT) {
    i++;
    while (i < end && isDigit(text.charCodeAt(i))) {
      i++;
      mantissaDigits++;
    }
  }
  if (mantissaDigits == 0) return NaN;
  if (i < end) {
    c = u32(text.charCodeAt(i));
    if (c != CHAR_LOWER_E && c != CHAR_UPPER_E) return NaN;
    i++;
    if (i < end) {
      c = u32(text.charCodeAt(i));
      if (c == CHAR_MINUS || c == CHAR_PLUS) i++;
    }
    let expDigits = 0;
    while (i < end && isDigit(text.charCodeAt(i))) {
      i++;
      expDigits++;
    }
    if (expDigits == 0 || i != end) return NaN;
  }
  const value = parseFloat(text.substring(numberStart, end));
  return finiteOrNaN(negative ? -value : value);
}

// @ts-ignore: decorator
@inline function isDigit(c: i32): bool {
  return u32(c) >= CHAR_0 && u32(c) <= CHAR_9;
}

// @ts-ignore: decorator
@inline function finiteOrNaN(v: f64): f64 {
  return isFinite(v) ? v : NaN;
}
