// Header-map serialization (proxy-wasm/spec v0.2.1 "Serialization"): layout, empty forms, malformed input.
import { describe, expect, it } from "vitest";
import { pairsByteSize, parsePairs, serializePairs } from "./pairs.js";

describe("header map serialization", () => {
  it("matches the spec's example byte for byte", () => {
    // {{"a": "1"}, {"b": "22"}} → count 2, lengths (1,1) (1,2), then "a\0" "1\0" "b\0" "22\0"
    const bytes = serializePairs([["a", "1"], ["b", "22"]]);
    expect([...bytes]).toEqual([
      2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0,
      0x61, 0, 0x31, 0, 0x62, 0, 0x32, 0x32, 0,
    ]);
    expect(pairsByteSize([["a", "1"], ["b", "22"]])).toBe(bytes.length);
  });

  it("round-trips UTF-8 values and lower-cases names only when asked", () => {
    const list: Array<[string, string]> = [["X-Name", "héllo"], [":path", "/a?b=c"], ["empty", ""]];
    const bytes = serializePairs(list);
    expect(pairsByteSize(list)).toBe(bytes.length);
    expect(parsePairs(bytes, false)).toEqual(list);
    expect(parsePairs(bytes, true)[0]).toEqual(["x-name", "héllo"]);
  });

  it("reads both empty-map forms and rejects truncated input as empty", () => {
    expect(parsePairs(new Uint8Array(0), true)).toEqual([]);
    expect(parsePairs(new Uint8Array([0]), true)).toEqual([]);
    const bytes = serializePairs([["a", "1"]]);
    expect(parsePairs(bytes.subarray(0, bytes.length - 1), true)).toEqual([]);
    expect(parsePairs(new Uint8Array([255, 255, 255, 255]), true)).toEqual([]);
  });
});
