// The reference's crude JSON fallback for JWT payloads that its JSON decoder refused (spec 3.1 step 5):
// the text must look like `{ ... }`, and every `"name" : value` piece (value = up to the next comma)
// must be a quoted string (kept raw, escapes untouched), a number, true, false or null; any `{` or `[`
// inside a value, or any other value, makes the whole payload "no claims". A null member removes the
// name. Written from the behaviour of its Lua patterns `^%s*{%s*(.-)%s*}%s*$` and
// `"([^"]+)"%s*:%s*([^,]+)`.

import { numberToLuaString } from "../json";
import {
  CHAR_COLON, CHAR_COMMA, CHAR_DQUOTE, CHAR_LBRACE, CHAR_LBRACKET, CHAR_RBRACE, isLuaSpace,
} from "../util/chars";
import { luaToNumber } from "../util/lua-tonumber";
import { ClaimKind, JwtClaims } from "./jwt-claims";

/** Fills `claims` from `text`; returns false (claims unspecified) when the fallback fails too. */
export function decodeFlatObject(text: string, claims: JwtClaims): bool {
  const n = text.length;
  let first = 0;
  while (first < n && isLuaSpace(text.charCodeAt(first))) first++;
  let last = n - 1;
  while (last >= 0 && isLuaSpace(text.charCodeAt(last))) last--;
  if (first >= last) return false;
  if (u32(text.charCodeAt(first)) != CHAR_LBRACE || u32(text.charCodeAt(last)) != CHAR_RBRACE) return false;
  let bodyStart = first + 1;
  while (bodyStart < last && isLuaSpace(text.charCodeAt(bodyStart))) bodyStart++;
  let bodyEnd = last;
  while (bodyEnd > bodyStart && isLuaSpace(text.charCodeAt(bodyEnd - 1))) bodyEnd--;

  let pos = bodyStart;
  while (pos < bodyEnd) {
    const next = matchMember(text, pos, bodyEnd, claims);
    if (next == FAILED) return false;
    pos = next == NO_MATCH ? pos + 1 : next;
  }
  return true;
}

const NO_MATCH: i32 = -1;
const FAILED: i32 = -2;

/**
 * Tries `"name"%s*:%s*([^,]+)` at `pos`. Returns the end of the match after storing the member,
 * NO_MATCH when the pattern does not match here, FAILED when the value makes the payload invalid.
 */
function matchMember(text: string, pos: i32, end: i32, claims: JwtClaims): i32 {
  if (u32(text.charCodeAt(pos)) != CHAR_DQUOTE) return NO_MATCH;
  let k = pos + 1;
  while (k < end && u32(text.charCodeAt(k)) != CHAR_DQUOTE) k++;
  if (k >= end || k == pos + 1) return NO_MATCH;
  const name = text.substring(pos + 1, k);
  k++;
  while (k < end && isLuaSpace(text.charCodeAt(k))) k++;
  if (k >= end || u32(text.charCodeAt(k)) != CHAR_COLON) return NO_MATCH;
  k++;
  const spacesFrom = k;
  while (k < end && isLuaSpace(text.charCodeAt(k))) k++;
  let valueStart = k;
  while (k < end && u32(text.charCodeAt(k)) != CHAR_COMMA) k++;
  if (k == valueStart) {
    // `[^,]+` needs one character: Lua backtracks into the spaces, giving a blank value (invalid).
    if (valueStart == spacesFrom) return NO_MATCH;
    return FAILED;
  }
  const value = text.substring(valueStart, k);
  return storeValue(name, value, claims) ? k : FAILED;
}

function storeValue(name: string, value: string, claims: JwtClaims): bool {
  const n = value.length;
  for (let i = 0; i < n; i++) {
    const c = u32(value.charCodeAt(i));
    if (c == CHAR_LBRACE || c == CHAR_LBRACKET) return false;
  }
  let s = 0;
  let e = n;
  while (s < e && isLuaSpace(value.charCodeAt(s))) s++;
  while (e > s && isLuaSpace(value.charCodeAt(e - 1))) e--;
  if (e - s >= 2 && u32(value.charCodeAt(s)) == CHAR_DQUOTE && u32(value.charCodeAt(e - 1)) == CHAR_DQUOTE) {
    claims.set(name, value.substring(s + 1, e - 1), ClaimKind.TEXT);
    return true;
  }
  const num = luaToNumber(value);
  if (!isNaN(num)) {
    claims.set(name, numberToLuaString(num), ClaimKind.TEXT);
    return true;
  }
  const word = value.substring(s, e);
  if (word == "true") {
    claims.set(name, "true", ClaimKind.TEXT);
    return true;
  }
  if (word == "false") {
    claims.set(name, "false", ClaimKind.FALSE_VALUE);
    return true;
  }
  if (word == "null") {
    claims.remove(name);
    return true;
  }
  return false;
}
