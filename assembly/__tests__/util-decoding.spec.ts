// Proves the byte-level helpers in assembly/util: base64url acceptance rules (spec 3.1), Lua's
// tonumber (cost values, spec 8.1), query percent-decoding (decision 7) and the reusable string builder.
import { decodeBase64Url } from "../util/base64url";
import { luaToNumber } from "../util/lua-tonumber";
import { percentDecode } from "../util/percent-decode";
import { StringBuilder } from "../util/string-builder";

function b64(text: string): string {
  const bytes = decodeBase64Url(text, 0, text.length);
  if (bytes === null) return "<fail>";
  return String.UTF8.decodeUnsafe(bytes.dataStart, bytes.length);
}

describe("base64url", () => {
  it("decodes with and without padding, both alphabets", () => {
    expect(b64("YWJj")).toBe("abc");
    expect(b64("YWI")).toBe("ab");
    expect(b64("YQ")).toBe("a");
    expect(b64("YQ==")).toBe("a");
    expect(b64("Pz8-")).toBe("??>");
    expect(b64("Pz8_")).toBe("???");
    expect(b64("Pz8/")).toBe("???");
  });
  it("fails on empty input, length ≡ 1 mod 4 and foreign characters", () => {
    expect(b64("")).toBe("<fail>");
    expect(b64("YWJjZ")).toBe("<fail>");
    expect(b64("YW*j")).toBe("<fail>");
    expect(b64("YW j")).toBe("<fail>");
  });
  it("ignores everything after the first '=' (nginx)", () => {
    expect(b64("YQ==YWJj")).toBe("a");
  });
});

describe("luaToNumber", () => {
  it("reads decimals, exponents, hex and surrounding spaces", () => {
    expect(luaToNumber("42")).toBe(42);
    expect(luaToNumber(" 2.5 ")).toBe(2.5);
    expect(luaToNumber("-3")).toBe(-3);
    expect(luaToNumber("1e3")).toBe(1000);
    expect(luaToNumber(".5")).toBe(0.5);
    expect(luaToNumber("5.")).toBe(5);
    expect(luaToNumber("0x1F")).toBe(31);
  });
  it("rejects anything else", () => {
    expect(isNaN(luaToNumber(""))).toBe(true);
    expect(isNaN(luaToNumber("abc"))).toBe(true);
    expect(isNaN(luaToNumber("1,5"))).toBe(true);
    expect(isNaN(luaToNumber("1e"))).toBe(true);
    expect(isNaN(luaToNumber("."))).toBe(true);
    expect(isNaN(luaToNumber("0x"))).toBe(true);
    expect(isNaN(luaToNumber("12px"))).toBe(true);
    expect(isNaN(luaToNumber("1e999"))).toBe(true);
  });
});

describe("percentDecode", () => {
  it("decodes escapes and + as space, keeps broken escapes", () => {
    expect(percentDecode("a%20b+c", 0, 7)).toBe("a b c");
    expect(percentDecode("%zz%4", 0, 5)).toBe("%zz%4");
    expect(percentDecode("x=%C3%A9", 2, 8)).toBe("é");
    expect(percentDecode("plain", 1, 4)).toBe("lai");
  });
});

describe("StringBuilder", () => {
  it("builds, resets and grows", () => {
    const b = new StringBuilder(2);
    b.append("tb:");
    b.append("rule");
    b.appendCode(0x7c);
    b.append("x".repeat(100));
    expect(b.toString()).toBe("tb:rule|" + "x".repeat(100));
    b.reset();
    b.append("again");
    expect(b.toString()).toBe("again");
    expect(b.size).toBe(5);
  });
});
