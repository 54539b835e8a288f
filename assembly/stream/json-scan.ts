// Reads a few fields of a JSON text in place, as bytes, without building a tree: the SSE path looks at
// `choices[0].delta.content`, `delta.text`, `type` and `usage` of every event, so it must not decode each
// event into strings and objects (STYLE.md hot path 2 and 3). Offsets are i32 into [base, base + end);
// NO means "absent or malformed". Every loop advances its offset, so no input can loop or read past `end`;
// malformed JSON gives NO, never a trap.
import { Char } from "../json/chars";

export const NO: i32 = -1;

@inline function isSpace(c: i32): bool {
  return c == Char.SPACE || c == Char.LF || c == Char.CR || c == Char.TAB;
}

@final
export class JsonScan {
  base: usize = 0;
  end: i32 = 0;
  /** Decoded UTF-8 bytes measured by the last decodedLength / cutForBudget. */
  decoded: i32 = 0;

  /** Scans `len` bytes at `base` (memory the caller owns and keeps alive during the scan). */
  reset(base: usize, len: i32): void {
    this.base = base;
    this.end = len;
    this.decoded = 0;
  }

  @inline byte(i: i32): i32 {
    return <i32>load<u8>(this.base + <usize>i);
  }

  skipWs(i: i32): i32 {
    if (i < 0) return NO;
    while (i < this.end && isSpace(this.byte(i))) i++;
    return i;
  }

  isString(i: i32): bool {
    return i >= 0 && i < this.end && this.byte(i) == Char.QUOTE;
  }

  /** Offset after the string opening at `i`, or NO. */
  stringEnd(i: i32): i32 {
    if (!this.isString(i)) return NO;
    i++;
    while (i < this.end) {
      const c = this.byte(i);
      if (c == Char.BACKSLASH) {
        i += 2;
        continue;
      }
      if (c == Char.QUOTE) return i + 1;
      i++;
    }
    return NO;
  }

  /** Offset after the value at `i`, or NO. Containers are skipped by depth counting (strings honoured). */
  valueEnd(i: i32): i32 {
    i = this.skipWs(i);
    if (i < 0 || i >= this.end) return NO;
    const first = this.byte(i);
    if (first == Char.QUOTE) return this.stringEnd(i);
    if (first == Char.OPEN_BRACE || first == Char.OPEN_BRACKET) {
      let depth = 0;
      while (i < this.end) {
        const c = this.byte(i);
        if (c == Char.QUOTE) {
          i = this.stringEnd(i);
          if (i == NO) return NO;
          continue;
        }
        if (c == Char.OPEN_BRACE || c == Char.OPEN_BRACKET) {
          depth++;
        } else if (c == Char.CLOSE_BRACE || c == Char.CLOSE_BRACKET) {
          depth--;
          if (depth == 0) return i + 1;
        }
        i++;
      }
      return NO;
    }
    const start = i;
    while (i < this.end) {
      const c = this.byte(i);
      if (c == Char.COMMA || c == Char.CLOSE_BRACE || c == Char.CLOSE_BRACKET || isSpace(c)) break;
      i++;
    }
    return i > start ? i : NO;
  }

  /** Offset of the value of member `key` of the object at `i`, or NO. Keys compare raw (ours are ASCII). */
  member(i: i32, key: string): i32 {
    i = this.skipWs(i);
    if (i < 0 || i >= this.end || this.byte(i) != Char.OPEN_BRACE) return NO;
    i++;
    while (i < this.end) {
      i = this.skipWs(i);
      if (!this.isString(i)) return NO; // "}" (not found) or malformed
      const keyEnd = this.stringEnd(i);
      if (keyEnd == NO) return NO;
      const matched = this.rawEquals(i + 1, keyEnd - 1, key);
      i = this.skipWs(keyEnd);
      if (i >= this.end || this.byte(i) != Char.COLON) return NO;
      i = this.skipWs(i + 1);
      if (i >= this.end) return NO;
      if (matched) return i;
      i = this.valueEnd(i);
      if (i == NO) return NO;
      i = this.skipWs(i);
      if (i >= this.end || this.byte(i) != Char.COMMA) return NO;
      i++;
    }
    return NO;
  }

  /** Offset of element `index` of the array at `i`, or NO. */
  element(i: i32, index: i32): i32 {
    i = this.skipWs(i);
    if (i < 0 || i >= this.end || this.byte(i) != Char.OPEN_BRACKET) return NO;
    i = this.skipWs(i + 1);
    if (i >= this.end || this.byte(i) == Char.CLOSE_BRACKET) return NO;
    for (let k = 0; i < this.end; k++) {
      if (k == index) return i;
      i = this.valueEnd(i);
      if (i == NO) return NO;
      i = this.skipWs(i);
      if (i >= this.end || this.byte(i) != Char.COMMA) return NO;
      i = this.skipWs(i + 1);
    }
    return NO;
  }

  /** The string at `i` equals the ASCII literal `text` (raw bytes, no escapes in `text`). */
  stringEquals(i: i32, text: string): bool {
    const e = this.stringEnd(i);
    return e != NO && this.rawEquals(i + 1, e - 1, text);
  }

  /** The JSON number at `i`, or NaN when there is none (null, a string, garbage). */
  number(i: i32): f64 {
    if (i < 0 || i >= this.end) return NaN;
    let negative = false;
    if (this.byte(i) == Char.MINUS) {
      negative = true;
      i++;
    }
    let value: f64 = 0;
    let digits = 0;
    while (i < this.end && <u32>(this.byte(i) - Char.ZERO) <= 9) {
      value = value * 10 + <f64>(this.byte(i) - Char.ZERO);
      digits++;
      i++;
    }
    if (digits == 0) return NaN;
    if (i < this.end && this.byte(i) == Char.DOT) {
      i++;
      let scale: f64 = 0.1;
      while (i < this.end && <u32>(this.byte(i) - Char.ZERO) <= 9) {
        value += <f64>(this.byte(i) - Char.ZERO) * scale;
        scale *= 0.1;
        i++;
      }
    }
    if (i < this.end && (this.byte(i) | 0x20) == Char.LOWER_E) {
      i++;
      let expNegative = false;
      if (i < this.end && (this.byte(i) == Char.MINUS || this.byte(i) == Char.PLUS)) {
        expNegative = this.byte(i) == Char.MINUS;
        i++;
      }
      let exp = 0;
      while (i < this.end && <u32>(this.byte(i) - Char.ZERO) <= 9 && exp < 400) {
        exp = exp * 10 + (this.byte(i) - Char.ZERO);
        i++;
      }
      value *= Math.pow(10, expNegative ? -exp : exp);
    }
    return negative ? -value : value;
  }

  /**
   * Length in bytes of the string at `i` once decoded to UTF-8, as Lua's `#` sees a cjson-decoded
   * string (spec 8.7 counts ceil(len(text)/4)); -1 when `i` is not a complete string.
   */
  decodedLength(i: i32): i32 {
    const e = this.stringEnd(i);
    if (e == NO) return -1;
    this.cutForBudget(i, i32.MAX_VALUE);
    return this.decoded;
  }

  /**
   * Where to cut the string at `i` so that at most `budget` decoded bytes remain: returns the offset of
   * the first raw byte dropped (the closing quote when the whole string fits), never inside an escape or
   * a UTF-8 sequence; `decoded` holds the bytes kept. NO when `i` is not a string.
   */
  cutForBudget(i: i32, budget: i32): i32 {
    this.decoded = 0;
    const close = this.stringEnd(i) - 1;
    if (close < 0) return NO;
    let p = i + 1;
    let kept = 0;
    while (p < close) {
      let raw = 1;
      let size = 1;
      const c = this.byte(p);
      if (c == Char.BACKSLASH) {
        raw = 2;
        if (p + 1 < close && this.byte(p + 1) == Char.LOWER_U) {
          const cp = this.hex4(p + 2, close);
          raw = 6;
          if (cp < 0) {
            size = 1;
          } else if (cp >= 0xd800 && cp <= 0xdbff && p + 12 <= close && this.byte(p + 6) == Char.BACKSLASH &&
            this.byte(p + 7) == Char.LOWER_U && this.isLowSurrogate(this.hex4(p + 8, close))) {
            // A surrogate pair is one 4-byte UTF-8 character; cutting between its halves would leave an
            // unpaired escape the client's JSON decoder may refuse.
            raw = 12;
            size = 4;
          } else {
            size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
          }
        }
      } else if (c >= 0xf0 && c <= 0xf7) {
        raw = size = 4;
      } else if (c >= 0xe0) {
        raw = size = c <= 0xef ? 3 : 1;
      } else if (c >= 0xc0) {
        raw = size = 2;
      }
      if (p + raw > close) break; // a truncated sequence at the end: never split it
      if (kept + size > budget) break;
      kept += size;
      p += raw;
    }
    this.decoded = kept;
    return p;
  }

  private isLowSurrogate(cp: i32): bool {
    return cp >= 0xdc00 && cp <= 0xdfff;
  }

  /** Four hex digits at `p` (before `limit`), or -1. */
  private hex4(p: i32, limit: i32): i32 {
    if (p + 4 > limit) return -1;
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = this.byte(p + k);
      let d = -1;
      if (<u32>(c - Char.ZERO) <= 9) d = c - Char.ZERO;
      else if (<u32>((c | 0x20) - Char.LOWER_A) <= 5) d = (c | 0x20) - Char.LOWER_A + 10;
      if (d < 0) return -1;
      v = (v << 4) | d;
    }
    return v;
  }

  private rawEquals(start: i32, stop: i32, text: string): bool {
    const n = text.length;
    if (stop - start != n) return false;
    for (let k = 0; k < n; k++) {
      if (this.byte(start + k) != <i32>text.charCodeAt(k)) return false;
    }
    return true;
  }
}
