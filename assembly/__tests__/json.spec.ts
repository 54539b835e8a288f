// Proves the JSON reader (assembly/json) is strict RFC 8259, decodes every escape, reports errors
// with exact 1-based positions, keeps the last duplicate key (lua-cjson) and never traps, even on
// hostile input such as 10000 levels of nesting.
import { JsonKind, JsonValue, parseJson, numberToLuaString } from "../json";

function errorOf(text: string): string {
  return parseJson(text).error;
}

function valueOf(text: string): JsonValue {
  const r = parseJson(text);
  const v = r.value;
  if (v === null) return JsonValue.newString("<error: " + r.error + ">");
  return v;
}

describe("parseJson: values", () => {
  it("parses scalars", () => {
    expect(valueOf("null").kind).toBe(JsonKind.NULL);
    expect(valueOf("true").bool).toBe(true);
    expect(valueOf(" false ").kind).toBe(JsonKind.BOOL);
    expect(valueOf("false").bool).toBe(false);
    expect(valueOf("\"hi\"").str).toBe("hi");
    expect(valueOf("42").num).toBe(42.0);
  });

  it("parses numbers by the grammar", () => {
    expect(valueOf("-0").num).toBe(-0.0);
    expect(valueOf("0.5").num).toBe(0.5);
    expect(valueOf("-12.25").num).toBe(-12.25);
    expect(valueOf("1e3").num).toBe(1000.0);
    expect(valueOf("1E+2").num).toBe(100.0);
    expect(valueOf("25e-1").num).toBe(2.5);
    expect(valueOf("123456789012345678").num).toBe(123456789012345680.0);
    expect(valueOf("9007199254740993").num).toBe(9007199254740992.0);
    expect(valueOf("1e-400").num).toBe(0.0);
  });

  it("knows integers", () => {
    expect(valueOf("3").isInteger()).toBe(true);
    expect(valueOf("3.0").isInteger()).toBe(true);
    expect(valueOf("3.5").isInteger()).toBe(false);
    expect(valueOf("\"3\"").isInteger()).toBe(false);
  });

  it("parses arrays and objects in document order", () => {
    const v = valueOf("{\"a\": [1, 2, {\"b\": null}], \"c\": {}}");
    expect(v.kind).toBe(JsonKind.OBJECT);
    expect(v.keys.length).toBe(2);
    expect(v.keys[0]).toBe("a");
    expect(v.keys[1]).toBe("c");
    const a = v.get("a");
    expect(a === null).toBe(false);
    if (a !== null) {
      expect(a.kind).toBe(JsonKind.ARRAY);
      expect(a.items.length).toBe(3);
      expect(a.items[1].num).toBe(2.0);
      expect(a.items[2].has("b")).toBe(true);
    }
    expect(v.get("zz") === null).toBe(true);
    expect(v.has("c")).toBe(true);
    expect(valueOf("[]").items.length).toBe(0);
  });

  it("keeps the last duplicate key, like lua-cjson", () => {
    const v = valueOf("{\"k\": 1, \"k\": 2}");
    const k = v.get("k");
    expect(k !== null && k.num == 2.0).toBe(true);
  });

  it("get on a non-object is null", () => {
    expect(valueOf("[1]").get("0") === null).toBe(true);
    expect(valueOf("1").has("a")).toBe(false);
  });

  it("decodes every escape", () => {
    expect(valueOf("\"a\\\"b\\\\c\\/d\"").str).toBe("a\"b\\c/d");
    expect(valueOf("\"\\b\\f\\n\\r\\t\"").str).toBe("\b\f\n\r\t");
    expect(valueOf("\"\\u0041\\u00e9\\u20AC\"").str).toBe("A\u00e9\u20ac");
    expect(valueOf("\"x\\ud83d\\ude00y\"").str).toBe("x\u{1F600}y");
    expect(valueOf("\"caf\u00e9 \u{1F600}\"").str).toBe("caf\u00e9 \u{1F600}");
  });

  it("builders give containers their own lists", () => {
    const o = JsonValue.newObject();
    o.set("a", JsonValue.newNumber(1));
    const s = JsonValue.newString("x");
    s.set("b", JsonValue.newNull()); // ignored on a scalar
    expect(o.keys.length).toBe(1);
    expect(s.keys.length).toBe(0);
    expect(JsonValue.newNull().keys.length).toBe(0);
    const arr = JsonValue.newArray();
    arr.push(s);
    expect(arr.size).toBe(1);
  });
});

describe("parseJson: errors", () => {
  it("empty input", () => {
    expect(errorOf("")).toBe("unexpected end of input at line 1 column 1");
    expect(errorOf("   ")).toBe("unexpected end of input at line 1 column 4");
  });
  it("lone brace", () => {
    expect(errorOf("{")).toBe("unexpected end of input at line 1 column 2");
    expect(errorOf("{\n")).toBe("unexpected end of input at line 2 column 1");
  });
  it("trailing comma in object", () => {
    expect(errorOf("{\n  \"a\": 1,\n    }")).toBe("unexpected character '}' at line 3 column 5");
  });
  it("trailing comma in array", () => {
    expect(errorOf("[1,]")).toBe("unexpected character ']' at line 1 column 4");
  });
  it("comments", () => {
    expect(errorOf("{} // x")).toBe("unexpected character '/' at line 1 column 4");
  });
  it("NaN and Infinity", () => {
    expect(errorOf("NaN")).toBe("unexpected character 'N' at line 1 column 1");
    expect(errorOf("[Infinity]")).toBe("unexpected character 'I' at line 1 column 2");
    expect(errorOf("-Infinity")).toBe("invalid number at line 1 column 2");
  });
  it("single quotes and bare keys", () => {
    expect(errorOf("{'a':1}")).toBe("unexpected character ''' at line 1 column 2");
    expect(errorOf("{a:1}")).toBe("unexpected character 'a' at line 1 column 2");
  });
  it("missing colon and comma", () => {
    expect(errorOf("{\"a\" 1}")).toBe("unexpected character '1' at line 1 column 6");
    expect(errorOf("[1 2]")).toBe("unexpected character '2' at line 1 column 4");
  });
  it("trailing garbage", () => {
    expect(errorOf("{} x")).toBe("unexpected character 'x' at line 1 column 4");
    expect(errorOf("1 2")).toBe("unexpected character '2' at line 1 column 3");
    expect(errorOf("nullx")).toBe("unexpected character 'x' at line 1 column 5");
  });
  it("bad literals", () => {
    expect(errorOf("tru")).toBe("unexpected end of input at line 1 column 4");
    expect(errorOf("trUe")).toBe("unexpected character 'U' at line 1 column 3");
    expect(errorOf("nul")).toBe("unexpected end of input at line 1 column 4");
  });
  it("unterminated strings", () => {
    expect(errorOf("{\"key\": \"ab")).toBe("unterminated string at line 1 column 9");
    expect(errorOf("\"ab\\")).toBe("unterminated string at line 1 column 1");
    expect(errorOf("\"ab\\\"")).toBe("unterminated string at line 1 column 1");
  });
  it("invalid escapes", () => {
    expect(errorOf("\"a\\x\"")).toBe("invalid escape 'x' at line 1 column 3");
    expect(errorOf("\"\\'\"")).toBe("invalid escape ''' at line 1 column 2");
  });
  it("bad and truncated unicode escapes", () => {
    expect(errorOf("\"\\u12G4\"")).toBe("invalid unicode escape at line 1 column 2");
    expect(errorOf("\"\\u12\"")).toBe("invalid unicode escape at line 1 column 2");
    expect(errorOf("\"\\u12")).toBe("unterminated string at line 1 column 1");
    expect(errorOf("\"\\ud83d\"")).toBe("unpaired surrogate in unicode escape at line 1 column 2");
    expect(errorOf("\"\\ude00\"")).toBe("unpaired surrogate in unicode escape at line 1 column 2");
    expect(errorOf("\"\\ud83d\\u0041\"")).toBe("unpaired surrogate in unicode escape at line 1 column 2");
    expect(errorOf("\"\\ud83d\\u00")).toBe("unterminated string at line 1 column 1");
  });
  it("control characters in strings", () => {
    expect(errorOf("\"a\nb\"")).toBe("control character U+000A in string at line 1 column 3");
    expect(errorOf("\"a\\n\tb\"")).toBe("control character U+0009 in string at line 1 column 5");
    expect(errorOf("\"\u0000\"")).toBe("control character U+0000 in string at line 1 column 2");
  });
  it("number grammar", () => {
    expect(errorOf("01")).toBe("unexpected character '1' at line 1 column 2");
    expect(errorOf("1.")).toBe("unexpected end of input at line 1 column 3");
    expect(errorOf("1.e5")).toBe("invalid number at line 1 column 3");
    expect(errorOf("1e")).toBe("unexpected end of input at line 1 column 3");
    expect(errorOf("[1e+]")).toBe("invalid number at line 1 column 5");
    expect(errorOf("-")).toBe("unexpected end of input at line 1 column 2");
    expect(errorOf("+1")).toBe("unexpected character '+' at line 1 column 1");
    expect(errorOf(".5")).toBe("unexpected character '.' at line 1 column 1");
  });
  it("huge numbers are out of range, not infinity", () => {
    expect(errorOf("[1e400]")).toBe("number out of range at line 1 column 2");
    expect(errorOf("-1" + "0".repeat(400))).toBe("number out of range at line 1 column 1");
  });
  it("non-ASCII unexpected characters are shown as code points", () => {
    expect(errorOf("\u00e9")).toBe("unexpected character U+00E9 at line 1 column 1");
  });
  it("positions count lines and columns", () => {
    const r = parseJson("{\n\"a\": [1,\n  2,\n  x]}");
    expect(r.line).toBe(4);
    expect(r.column).toBe(3);
    expect(r.value === null).toBe(true);
    expect(r.error).toBe("unexpected character 'x' at line 4 column 3");
  });
});

describe("parseJson: nesting limit", () => {
  it("accepts 256 levels", () => {
    const v = parseJson("[".repeat(256) + "]".repeat(256));
    expect(v.error).toBe("");
    expect(v.value === null).toBe(false);
  });
  it("refuses 257 levels", () => {
    expect(errorOf("[".repeat(257) + "]".repeat(257))).toBe("nesting deeper than 256 levels at line 1 column 257");
  });
  it("refuses 10000 levels without overflowing the stack", () => {
    expect(errorOf("[".repeat(10000))).toBe("nesting deeper than 256 levels at line 1 column 257");
    expect(errorOf("{\"a\":".repeat(10000))).toBe("nesting deeper than 256 levels at line 1 column 1281");
  });
});

describe("parseJson: no input traps", () => {
  it("survives every prefix of a document", () => {
    const doc = "{\"a\": [1, -2.5e3, \"x\\u00e9\\ud83d\\ude00\", true, false, null, {\"b\": {}}], \"c\": \"\\n\"}";
    let ok = 0;
    for (let i = 0; i <= doc.length; i++) {
      const r = parseJson(doc.substring(0, i));
      if (r.value !== null) ok++;
      else expect(r.error.length > 0).toBe(true);
    }
    expect(ok).toBe(1);
  });
  it("survives single-character mutations", () => {
    const doc = "{\"a\": [1, -2.5e3, \"x\\u00e9\", true, null], \"c\": {\"d\": \"\\n\"}}";
    const subs = "{}[]\",:\\u0e-+. x\n";
    let parsed = 0;
    let failed = 0;
    for (let i = 0; i < doc.length; i++) {
      for (let k = 0; k < subs.length; k++) {
        const mutated = doc.substring(0, i) + subs.charAt(k) + doc.substring(i + 1);
        const r = parseJson(mutated);
        if (r.value !== null) parsed++;
        else if (r.error.length > 0 && r.line >= 1 && r.column >= 1) failed++;
      }
    }
    expect(parsed + failed).toBe(doc.length * subs.length);
  });
});

describe("numberToLuaString", () => {
  it("writes numbers like LuaJIT tostring (%.14g)", () => {
    expect(numberToLuaString(42)).toBe("42");
    expect(numberToLuaString(-7)).toBe("-7");
    expect(numberToLuaString(0)).toBe("0");
    expect(numberToLuaString(1.5)).toBe("1.5");
    expect(numberToLuaString(0.1)).toBe("0.1");
    expect(numberToLuaString(1e20)).toBe("1e+20");
    expect(numberToLuaString(1e14)).toBe("1e+14");
    expect(numberToLuaString(99999999999999)).toBe("99999999999999");
    expect(numberToLuaString(123456.789)).toBe("123456.789");
    expect(numberToLuaString(0.0001)).toBe("0.0001");
    expect(numberToLuaString(0.00001)).toBe("1e-05");
    expect(numberToLuaString(1.0 / 3.0)).toBe("0.33333333333333");
    expect(numberToLuaString(2.5e-300)).toBe("2.5e-300");
    expect(numberToLuaString(-1.25e100)).toBe("-1.25e+100");
  });
});
