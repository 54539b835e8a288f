// A strict, trap-free JSON parser (RFC 8259) over an AssemblyScript string. Used at load time for
// bundles and per request for JWT payloads (spec 3.1), so it reads char codes in place, copies a
// string once (substring when it has no escapes) and never throws: every failure becomes an error
// message with a 1-based line and column. Nesting is limited to MAX_DEPTH, so hostile input cannot
// exhaust the stack.

import { Char, hexValue, isDigit } from "./chars";
import { JsonKind, JsonValue } from "./value";

/** Containers may nest this deep; one more level is an error. */
export const MAX_DEPTH: i32 = 256;

@final
export class JsonParseResult {
  /** null when the text is not valid JSON. */
  value: JsonValue | null = null;
  /** "" on success, e.g. "unexpected character '}' at line 3 column 5". */
  error: string = "";
  /** 1-based position of the error; 0 on success. */
  line: i32 = 0;
  column: i32 = 0;
}

export function parseJson(text: string): JsonParseResult {
  const parser = new Parser(text);
  const result = new JsonParseResult();
  parser.skipSpace();
  const value = parser.parseValue(0);
  if (value !== null && !parser.failed) {
    parser.skipSpace();
    if (parser.pos < parser.len) parser.unexpected(parser.pos);
    else {
      result.value = value;
      return result;
    }
  }
  locate(text, parser.errorPos, result);
  result.error = parser.errorText + " at line " + result.line.toString() + " column " + result.column.toString();
  return result;
}

/** Turns a char offset into a 1-based line and column (only on error, so the hot path counts nothing). */
function locate(text: string, pos: i32, out: JsonParseResult): void {
  let line = 1;
  let lineStart = 0;
  const end = min(pos, text.length);
  for (let i = 0; i < end; i++) {
    if (codeAt(text, i) == Char.LF) {
      line++;
      lineStart = i + 1;
    }
  }
  out.line = line;
  out.column = pos - lineStart + 1;
}

@inline
function codeAt(text: string, i: i32): i32 {
  return <i32>load<u16>(changetype<usize>(text) + (<usize>i << 1));
}

/** `'x'` for printable ASCII, `U+XXXX` otherwise, so messages stay readable and one line. */
function describeChar(c: i32): string {
  if (c >= 0x20 && c <= 0x7e) return "'" + String.fromCharCode(c) + "'";
  let hex = c.toString(16).toUpperCase();
  while (hex.length < 4) hex = "0" + hex;
  return "U+" + hex;
}

// Escaped strings are decoded into this module-level buffer and copied out once; strings never nest,
// so one buffer serves the whole parse (the json-as scratch-buffer idiom, STYLE.md hot path 2).
let scratch = new ArrayBuffer(256);
let scratchLen: i32 = 0;

@inline
function scratchPush(unit: i32): void {
  const needed = (scratchLen + 1) << 1;
  if (needed > scratch.byteLength) {
    const bigger = new ArrayBuffer(scratch.byteLength << 1);
    memory.copy(changetype<usize>(bigger), changetype<usize>(scratch), <usize>(scratchLen << 1));
    scratch = bigger;
  }
  store<u16>(changetype<usize>(scratch) + (<usize>scratchLen << 1), <u16>unit);
  scratchLen++;
}

@final
class Parser {
  text: string;
  len: i32;
  pos: i32 = 0;
  failed: bool = false;
  errorText: string = "";
  errorPos: i32 = 0;

  constructor(text: string) {
    this.text = text;
    this.len = text.length;
  }

  fail(message: string, at: i32): void {
    if (this.failed) return;
    this.failed = true;
    this.errorText = message;
    this.errorPos = at;
  }

  /** The char at `at` is not allowed there (or the input ended). */
  unexpected(at: i32): void {
    if (at >= this.len) this.fail("unexpected end of input", this.len);
    else this.fail("unexpected character " + describeChar(codeAt(this.text, at)), at);
  }

  skipSpace(): void {
    const text = this.text;
    const len = this.len;
    let i = this.pos;
    while (i < len) {
      const c = codeAt(text, i);
      if (c != Char.SPACE && c != Char.LF && c != Char.CR && c != Char.TAB) break;
      i++;
    }
    this.pos = i;
  }

  parseValue(depth: i32): JsonValue | null {
    const pos = this.pos;
    if (pos >= this.len) {
      this.unexpected(pos);
      return null;
    }
    const c = codeAt(this.text, pos);
    if (c == Char.OPEN_BRACE) return this.parseObject(depth + 1);
    if (c == Char.OPEN_BRACKET) return this.parseArray(depth + 1);
    if (c == Char.QUOTE) {
      const s = this.parseString();
      if (s === null) return null;
      return JsonValue.newString(s);
    }
    if (c == Char.MINUS || isDigit(c)) return this.parseNumber();
    if (c == Char.LOWER_T) return this.literal("true") ? JsonValue.newBool(true) : null;
    if (c == Char.LOWER_F) return this.literal("false") ? JsonValue.newBool(false) : null;
    if (c == Char.LOWER_N) return this.literal("null") ? JsonValue.newNull() : null;
    this.unexpected(pos);
    return null;
  }

  literal(word: string): bool {
    const text = this.text;
    const start = this.pos;
    for (let k = 0; k < word.length; k++) {
      const at = start + k;
      if (at >= this.len || codeAt(text, at) != codeAt(word, k)) {
        this.unexpected(at);
        return false;
      }
    }
    this.pos = start + word.length;
    return true;
  }

  parseObject(depth: i32): JsonValue | null {
    if (depth > MAX_DEPTH) {
      this.fail("nesting deeper than " + MAX_DEPTH.toString() + " levels", this.pos);
      return null;
    }
    const obj = JsonValue.newObject();
    const text = this.text;
    this.pos++; // '{'
    this.skipSpace();
    if (this.pos < this.len && codeAt(text, this.pos) == Char.CLOSE_BRACE) {
      this.pos++;
      return obj;
    }
    while (true) {
      if (this.pos >= this.len || codeAt(text, this.pos) != Char.QUOTE) {
        this.unexpected(this.pos);
        return null;
      }
      const key = this.parseString();
      if (key === null) return null;
      this.skipSpace();
      if (this.pos >= this.len || codeAt(text, this.pos) != Char.COLON) {
        this.unexpected(this.pos);
        return null;
      }
      this.pos++;
      this.skipSpace();
      const value = this.parseValue(depth);
      if (value === null) return null;
      obj.keys.push(key);
      obj.values.push(value);
      this.skipSpace();
      if (this.pos >= this.len) {
        this.unexpected(this.pos);
        return null;
      }
      const c = codeAt(text, this.pos);
      this.pos++;
      if (c == Char.CLOSE_BRACE) return obj;
      if (c != Char.COMMA) {
        this.unexpected(this.pos - 1);
        return null;
      }
      this.skipSpace();
    }
  }

  parseArray(depth: i32): JsonValue | null {
    if (depth > MAX_DEPTH) {
      this.fail("nesting deeper than " + MAX_DEPTH.toString() + " levels", this.pos);
      return null;
    }
    const arr = JsonValue.newArray();
    const text = this.text;
    this.pos++; // '['
    this.skipSpace();
    if (this.pos < this.len && codeAt(text, this.pos) == Char.CLOSE_BRACKET) {
      this.pos++;
      return arr;
    }
    while (true) {
      const item = this.parseValue(depth);
      if (item === null) return null;
      arr.items.push(item);
      this.skipSpace();
      if (this.pos >= this.len) {
        this.unexpected(this.pos);
        return null;
      }
      const c = codeAt(text, this.pos);
      this.pos++;
      if (c == Char.CLOSE_BRACKET) return arr;
      if (c != Char.COMMA) {
        this.unexpected(this.pos - 1);
        return null;
      }
      this.skipSpace();
    }
  }

  /** Parses the string whose opening quote is at `pos`. */
  parseString(): string | null {
    const text = this.text;
    const len = this.len;
    const quote = this.pos;
    const start = quote + 1;
    let i = start;
    // Fast path: no escapes, one substring.
    while (i < len) {
      const c = codeAt(text, i);
      if (c == Char.QUOTE) {
        this.pos = i + 1;
        return text.substring(start, i);
      }
      if (c == Char.BACKSLASH) break;
      if (c < Char.SPACE) {
        this.fail("control character " + describeChar(c) + " in string", i);
        return null;
      }
      i++;
    }
    if (i >= len) {
      this.fail("unterminated string", quote);
      return null;
    }
    scratchLen = 0;
    for (let k = start; k < i; k++) scratchPush(codeAt(text, k));
    while (i < len) {
      const c = codeAt(text, i);
      if (c == Char.QUOTE) {
        this.pos = i + 1;
        return String.UTF16.decodeUnsafe(changetype<usize>(scratch), <usize>(scratchLen << 1));
      }
      if (c < Char.SPACE) {
        this.fail("control character " + describeChar(c) + " in string", i);
        return null;
      }
      if (c != Char.BACKSLASH) {
        scratchPush(c);
        i++;
        continue;
      }
      if (i + 1 >= len) break;
      const e = codeAt(text, i + 1);
      if (e == Char.QUOTE || e == Char.BACKSLASH || e == Char.SLASH) scratchPush(e);
      else if (e == Char.LOWER_B) scratchPush(0x08);
      else if (e == Char.LOWER_F) scratchPush(0x0c);
      else if (e == Char.LOWER_N) scratchPush(0x0a);
      else if (e == Char.LOWER_R) scratchPush(0x0d);
      else if (e == Char.LOWER_T) scratchPush(0x09);
      else if (e == Char.LOWER_U) {
        const unit = this.hex4(i + 2);
        if (unit == -2) break; // input ended inside the escape
        if (unit < 0) {
          this.fail("invalid unicode escape", i);
          return null;
        }
        if (unit >= 0xdc00 && unit <= 0xdfff) {
          this.fail("unpaired surrogate in unicode escape", i);
          return null;
        }
        if (unit >= 0xd800 && unit <= 0xdbff) {
          // A high surrogate must be followed by an escaped low one; UTF-16 keeps both units as they are.
          const next = i + 6;
          if (next >= len) break;
          if (codeAt(text, next) != Char.BACKSLASH) {
            this.fail("unpaired surrogate in unicode escape", i);
            return null;
          }
          if (next + 1 >= len) break;
          if (codeAt(text, next + 1) != Char.LOWER_U) {
            this.fail("unpaired surrogate in unicode escape", i);
            return null;
          }
          const low = this.hex4(next + 2);
          if (low == -2) break;
          if (low < 0) {
            this.fail("invalid unicode escape", next);
            return null;
          }
          if (low < 0xdc00 || low > 0xdfff) {
            this.fail("unpaired surrogate in unicode escape", i);
            return null;
          }
          scratchPush(unit);
          scratchPush(low);
          i = next + 6;
          continue;
        }
        scratchPush(unit);
        i += 6;
        continue;
      } else {
        this.fail("invalid escape " + describeChar(e), i);
        return null;
      }
      i += 2;
    }
    this.fail("unterminated string", quote);
    return null;
  }

  /** Four hex digits at `at`: their value, -1 when one is not hex, -2 when the input ends first. */
  hex4(at: i32): i32 {
    if (at + 4 > this.len) {
      // Report a bad digit before the end as invalid, a clean truncation as the end of input.
      for (let k = at; k < this.len; k++) if (hexValue(codeAt(this.text, k)) < 0) return -1;
      return -2;
    }
    let value = 0;
    for (let k = 0; k < 4; k++) {
      const d = hexValue(codeAt(this.text, at + k));
      if (d < 0) return -1;
      value = (value << 4) | d;
    }
    return value;
  }

  /** Validates the RFC 8259 number grammar, then converts the slice. */
  parseNumber(): JsonValue | null {
    const text = this.text;
    const len = this.len;
    const start = this.pos;
    let i = start;
    let negative = false;
    if (codeAt(text, i) == Char.MINUS) {
      negative = true;
      i++;
    }
    if (i >= len || !isDigit(codeAt(text, i))) {
      this.badNumber(i);
      return null;
    }
    // Integers of up to 15 digits are exact in f64: accumulate them without a substring.
    let simple = true;
    let acc: i64 = 0;
    let digits = 0;
    if (codeAt(text, i) == Char.ZERO) {
      i++;
      digits = 1;
    } else {
      while (i < len) {
        const c = codeAt(text, i);
        if (!isDigit(c)) break;
        acc = acc * 10 + (c - Char.ZERO);
        digits++;
        if (digits > 15) simple = false;
        i++;
      }
    }
    if (i < len && codeAt(text, i) == Char.DOT) {
      simple = false;
      i++;
      if (i >= len || !isDigit(codeAt(text, i))) {
        this.badNumber(i);
        return null;
      }
      while (i < len && isDigit(codeAt(text, i))) i++;
    }
    if (i < len && (codeAt(text, i) | 0x20) == Char.LOWER_E) {
      simple = false;
      i++;
      if (i < len && (codeAt(text, i) == Char.PLUS || codeAt(text, i) == Char.MINUS)) i++;
      if (i >= len || !isDigit(codeAt(text, i))) {
        this.badNumber(i);
        return null;
      }
      while (i < len && isDigit(codeAt(text, i))) i++;
    }
    this.pos = i;
    let n: f64;
    if (simple) {
      n = <f64>acc;
      if (negative) n = -n;
    } else {
      n = parseFloat(text.substring(start, i));
    }
    if (!isFinite(n)) {
      this.fail("number out of range", start);
      return null;
    }
    return JsonValue.newNumber(n);
  }

  badNumber(at: i32): void {
    if (at >= this.len) this.unexpected(at);
    else this.fail("invalid number", at);
  }
}
