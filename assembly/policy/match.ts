// A rule's `match` object (spec 5.2, decision 6): key -> expected value. The reference does not
// validate it; here only what the engine could not use is refused (a non-table, a key that is not a
// descriptor key). Values become the strings the engine compares: 42 -> "42", true -> "true".

import { JsonKind, JsonValue, numberToLuaString } from "../json";
import { MatchEntry } from "./model";
import { isTable, luaLength } from "./lua-table";
import { parseDescriptorKey } from "./descriptor-key";

/** Fills `out` (empty) from `match`; returns "" or the message (without the `policy=.. rule=.. ` prefix). */
export function compileMatch(match: JsonValue, out: MatchEntry[]): string {
  if (!isTable(match)) return "match must be a table";
  // A non-empty array is a Lua table with keys 1..n, none of which is a descriptor key.
  if (match.kind == JsonKind.ARRAY) return luaLength(match) == 0 ? "" : "invalid match key: 1";

  // A Lua table keeps one value per key, the last one decoded: walk backwards, skip seen keys.
  const keys = match.keys;
  const values = match.values;
  const seen = new Set<string>();
  for (let i = min(keys.length, values.length) - 1; i >= 0; i--) {
    const text = unchecked(keys[i]);
    if (seen.has(text)) continue;
    seen.add(text);
    const key = parseDescriptorKey(text);
    if (key === null) return "invalid match key: " + text;
    const entry = new MatchEntry();
    entry.key = key;
    const value = unchecked(values[i]);
    if (value.kind == JsonKind.STRING) entry.value = value.str;
    else if (value.kind == JsonKind.NUMBER) entry.value = numberToLuaString(value.num);
    else if (value.kind == JsonKind.BOOL) entry.value = value.bool ? "true" : "false";
    else entry.comparable = false;
    out.push(entry);
  }
  out.reverse();
  return "";
}
