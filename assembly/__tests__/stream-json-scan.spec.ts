// Proves the in-place JSON reader the SSE path uses: member and element lookup, numbers, the decoded
// UTF-8 length of strings (escapes, surrogate pairs, raw multi-byte UTF-8) and cuts that never split a
// character; malformed input gives NO, never a trap.
import { JsonScan, NO } from "../stream/json-scan";
import { bytesOf } from "./stream-fixtures";

let held: ArrayBuffer = new ArrayBuffer(0);

function scanOf(text: string): JsonScan {
  held = bytesOf(text);
  const s = new JsonScan();
  s.reset(changetype<usize>(held), held.byteLength);
  return s;
}

describe("JsonScan lookup", () => {
  it("finds nested members and array elements", () => {
    const s = scanOf('{"a":1, "choices" : [ {"x":[1,{"y":"}"}]}, {"delta":{"content":"hi"}} ], "z":null}');
    const choices = s.member(0, "choices");
    expect(choices).toBeGreaterThan(0);
    const second = s.element(choices, 1);
    const content = s.member(s.member(second, "delta"), "content");
    expect(s.stringEquals(content, "hi")).toBe(true);
    expect(s.element(choices, 2)).toBe(NO);
    expect(s.member(0, "missing")).toBe(NO);
    expect(s.number(s.member(0, "a"))).toBe(1);
    expect(isNaN(s.number(s.member(0, "z")))).toBe(true);
  });

  it("reads numbers", () => {
    const s = scanOf('{"a":-12.5,"b":3e2,"c":"7","d":0}');
    expect(s.number(s.member(0, "a"))).toBe(-12.5);
    expect(s.number(s.member(0, "b"))).toBe(300);
    expect(isNaN(s.number(s.member(0, "c")))).toBe(true);
    expect(s.number(s.member(0, "d"))).toBe(0);
  });

  it("gives NO on malformed or truncated input", () => {
    const inputs = ['{"a":', '{"a" 1}', '[', '{"a":"unterminated', "", "nul", '{"a":[1,2', '{,}', '"\\'];
    for (let i = 0; i < inputs.length; i++) {
      const s = scanOf(inputs[i]);
      expect(s.member(0, "a") == NO || s.valueEnd(s.member(0, "a")) == NO).toBe(true);
      expect(s.element(0, 0) == NO || s.valueEnd(s.element(0, 0)) == NO).toBe(true);
      expect(s.member(NO, "a")).toBe(NO);
      expect(s.decodedLength(NO)).toBe(-1);
    }
  });
});

describe("JsonScan strings", () => {
  it("measures decoded UTF-8 bytes", () => {
    expect(scanOf('"abcd"').decodedLength(0)).toBe(4);
    expect(scanOf('"a\\nb\\"c"').decodedLength(0)).toBe(5);
    expect(scanOf('"\\u00e9"').decodedLength(0)).toBe(2); // é
    expect(scanOf('"\\u20ac"').decodedLength(0)).toBe(3); // €
    expect(scanOf('"\\ud83d\\ude00"').decodedLength(0)).toBe(4); // one emoji, a surrogate pair
    expect(scanOf('"é€😀"').decodedLength(0)).toBe(9); // raw UTF-8: 2 + 3 + 4
    expect(scanOf('""').decodedLength(0)).toBe(0);
  });

  it("cuts at character boundaries within the budget", () => {
    const s = scanOf('"ab\\u20acd"');
    // budget 3: "ab" fits (2), the euro sign (3 bytes) does not.
    const cut = s.cutForBudget(0, 3);
    expect(cut).toBe(3);
    expect(s.decoded).toBe(2);
    const whole = s.cutForBudget(0, 100);
    expect(whole).toBe(s.stringEnd(0) - 1);
    expect(s.decoded).toBe(6);
    const raw = scanOf('"😀x"');
    expect(raw.cutForBudget(0, 3)).toBe(1); // the 4-byte emoji does not fit: nothing kept
    expect(raw.cutForBudget(0, 4)).toBe(5);
    const pair = scanOf('"\\ud83d\\ude00"');
    expect(pair.cutForBudget(0, 3)).toBe(1); // never between the halves of a pair
    expect(pair.cutForBudget(0, 4)).toBe(13);
  });
});
