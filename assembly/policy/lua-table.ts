// The reference loader is Lua over lua-cjson, and its checks are written in Lua terms. These helpers
// give those terms one meaning here:
// - a "table" is a JSON array or object (cjson decodes both to tables);
// - a member read on an array finds nothing (string keys of an array table are nil);
// - `#t` / ipairs see the items of an array and nothing of an object (cjson object keys are strings);
// - JSON null is cjson.null, a value that is present (~= nil) but of no useful type.
// "Absent" therefore means the member is missing, never that it is null.

import { JsonKind, JsonValue, numberToLuaString } from "../json";

@inline
export function isTable(v: JsonValue | null): bool {
  return v !== null && (v.kind == JsonKind.ARRAY || v.kind == JsonKind.OBJECT);
}

/** `t.key` in Lua: the member of an object, null for anything else or when missing. */
export function member(v: JsonValue | null, key: string): JsonValue | null {
  if (v === null) return null;
  return v.get(key);
}

/** `#t` for a cjson table: item count of an array, 0 for an object or anything else. */
export function luaLength(v: JsonValue | null): i32 {
  if (v === null || v.kind != JsonKind.ARRAY) return 0;
  return v.items.length;
}

/** Item `i` (0-based) of an array; the caller keeps `i < luaLength(v)`. */
export function itemAt(v: JsonValue, i: i32): JsonValue {
  return unchecked(v.items[i]);
}

@inline
export function isString(v: JsonValue | null): bool {
  return v !== null && v.kind == JsonKind.STRING;
}

/** A string other than "" (the reference's `type(x) == "string" and x ~= ""`). */
export function isNonEmptyString(v: JsonValue | null): bool {
  return v !== null && v.kind == JsonKind.STRING && v.str.length > 0;
}

@inline
export function isNumber(v: JsonValue | null): bool {
  return v !== null && v.kind == JsonKind.NUMBER;
}

/** A JSON number > 0 (a numeric string such as "7" is refused, as in Lua). */
export function isPositiveNumber(v: JsonValue | null): bool {
  return v !== null && v.kind == JsonKind.NUMBER && v.num > 0;
}

@inline
export function isBool(v: JsonValue | null): bool {
  return v !== null && v.kind == JsonKind.BOOL;
}

/** `v == "text"` in Lua: a string equal to `text`. */
export function isStringEqual(v: JsonValue | null, text: string): bool {
  return v !== null && v.kind == JsonKind.STRING && v.str == text;
}

/** The text of a string value, or "" for anything else. */
export function stringOr(v: JsonValue | null, fallback: string): string {
  if (v === null || v.kind != JsonKind.STRING) return fallback;
  return v.str;
}

/** The number of a number value, or `fallback`. */
export function numberOr(v: JsonValue | null, fallback: f64): f64 {
  if (v === null || v.kind != JsonKind.NUMBER) return fallback;
  return v.num;
}

/**
 * Lua `tostring` of a decoded value, for messages such as `invalid limit_key format: <key>`.
 * Tables and cjson.null print addresses in Lua; here they print as "table" and "null".
 */
export function luaToString(v: JsonValue | null): string {
  if (v === null) return "nil";
  switch (v.kind) {
    case JsonKind.STRING:
      return v.str;
    case JsonKind.NUMBER:
      return numberToLuaString(v.num);
    case JsonKind.BOOL:
      return v.bool ? "true" : "false";
    case JsonKind.NULL:
      return "null";
    default:
      return "table";
  }
}

/** UTF-8 byte length, which is what Lua's `#s` counts. */
export function utf8Length(s: string): i32 {
  return String.UTF8.byteLength(s);
}
