// Proves the small parsers the loader and the engine share: strict ISO-8601 UTC timestamps (spec 2.5),
// descriptor keys (5.1), kill-switch scope keys (2.4) and selector host normalisation (2.2).
import {
  formatIsoUtc, INVALID_TIMESTAMP, isoUtcError, isValidScopeKey, KeySource, normaliseSelectorHost,
  parseDescriptorKey, parseIsoUtc,
} from "../policy";

describe("2.5 parseIsoUtc", () => {
  it("parses the one accepted form", () => {
    expect(parseIsoUtc("1970-01-01T00:00:00Z")).toBe(0);
    expect(parseIsoUtc("2026-01-01T00:00:00Z")).toBe(1767225600);
    expect(parseIsoUtc("2024-02-29T23:59:59Z")).toBe(1709251199);
    expect(parseIsoUtc("1969-12-31T23:59:59Z")).toBe(-1);
    expect(parseIsoUtc("9999-12-31T23:59:59Z")).toBe(253402300799);
  });
  it("refuses an offset", () => {
    expect(parseIsoUtc("2026-01-01T00:00:00+00:00")).toBe(INVALID_TIMESTAMP);
    expect(isoUtcError("2026-01-01T00:00:00+00:00")).toBe("timestamp must be ISO8601 UTC");
  });
  it("refuses fractional seconds", () => {
    expect(isoUtcError("2026-01-01T00:00:00.5Z")).toBe("timestamp must be ISO8601 UTC");
  });
  it("refuses other shapes", () => {
    expect(isoUtcError("2026-01-01")).toBe("timestamp must be ISO8601 UTC");
    expect(isoUtcError("2026-01-01 00:00:00Z")).toBe("timestamp must be ISO8601 UTC");
    expect(isoUtcError("2026-01-01T00:00:00z")).toBe("timestamp must be ISO8601 UTC");
    expect(isoUtcError("2026-1-01T00:00:00Z")).toBe("timestamp must be ISO8601 UTC");
    expect(isoUtcError("")).toBe("timestamp must be ISO8601 UTC");
    expect(isoUtcError("2026-0a-01T00:00:00Z")).toBe("timestamp must be ISO8601 UTC");
    expect(isoUtcError("\u0662026-01-01T00:00:00Z")).toBe("timestamp must be ISO8601 UTC");
  });
  it("refuses 2026-02-30 (no such day)", () => {
    expect(isoUtcError("2026-02-30T00:00:00Z")).toBe("timestamp is invalid");
  });
  it("refuses 2026-02-29 but not 2024-02-29", () => {
    expect(isoUtcError("2026-02-29T00:00:00Z")).toBe("timestamp is invalid");
    expect(isoUtcError("2024-02-29T00:00:00Z")).toBe("");
    expect(isoUtcError("2100-02-29T00:00:00Z")).toBe("timestamp is invalid");
    expect(isoUtcError("2000-02-29T00:00:00Z")).toBe("");
  });
  it("refuses out-of-range fields", () => {
    expect(isoUtcError("2026-00-10T00:00:00Z")).toBe("timestamp is invalid");
    expect(isoUtcError("2026-13-10T00:00:00Z")).toBe("timestamp is invalid");
    expect(isoUtcError("2026-04-31T00:00:00Z")).toBe("timestamp is invalid");
    expect(isoUtcError("2026-01-00T00:00:00Z")).toBe("timestamp is invalid");
    expect(isoUtcError("2026-01-01T24:00:00Z")).toBe("timestamp is invalid");
    expect(isoUtcError("2026-01-01T00:60:00Z")).toBe("timestamp is invalid");
    expect(isoUtcError("2026-01-01T00:00:60Z")).toBe("timestamp is invalid");
  });
  it("formats back", () => {
    expect(formatIsoUtc(0)).toBe("1970-01-01T00:00:00Z");
    expect(formatIsoUtc(1709251199)).toBe("2024-02-29T23:59:59Z");
    expect(formatIsoUtc(-1)).toBe("1969-12-31T23:59:59Z");
    expect(formatIsoUtc(parseIsoUtc("2026-03-01T12:34:56Z"))).toBe("2026-03-01T12:34:56Z");
  });
});

describe("5.1 parseDescriptorKey", () => {
  it("jwt, header and query names", () => {
    const jwt = parseDescriptorKey("jwt:org_id");
    expect(jwt !== null && jwt.source == KeySource.JWT && jwt.name == "org_id" && jwt.text == "jwt:org_id").toBe(true);
    const header = parseDescriptorKey("header:X-API-Key");
    expect(header !== null && header.source == KeySource.HEADER && header.name == "x-api-key" && header.text == "header:X-API-Key").toBe(true);
    const query = parseDescriptorKey("query:Page-1");
    expect(query !== null && query.source == KeySource.QUERY && query.name == "Page-1").toBe(true);
  });
  it("ip and ua names", () => {
    const names = ["ip:address", "ip:country", "ip:asn", "ip:type", "ip:tor", "ua:bot", "ua:bot_category"];
    const sources = [KeySource.IP_ADDRESS, KeySource.IP_COUNTRY, KeySource.IP_ASN, KeySource.IP_TYPE, KeySource.IP_TOR,
      KeySource.UA_BOT, KeySource.UA_BOT_CATEGORY];
    for (let i = 0; i < names.length; i++) {
      const key = parseDescriptorKey(names[i]);
      expect(key !== null && key.source == sources[i] && key.name == "").toBe(true);
    }
  });
  it("cookie:x", () => { expect(parseDescriptorKey("cookie:x") === null).toBe(true); });
  it("ip:city", () => { expect(parseDescriptorKey("ip:city") === null).toBe(true); });
  it("ip:addr", () => { expect(parseDescriptorKey("ip:addr") === null).toBe(true); });
  it("ua:browser", () => { expect(parseDescriptorKey("ua:browser") === null).toBe(true); });
  it("header:x api", () => { expect(parseDescriptorKey("header:x api") === null).toBe(true); });
  it("jwt:", () => { expect(parseDescriptorKey("jwt:") === null).toBe(true); });
  it("no source, no colon, dotted claims, colon in name", () => {
    expect(parseDescriptorKey(":x") === null).toBe(true);
    expect(parseDescriptorKey("jwt") === null).toBe(true);
    expect(parseDescriptorKey("jwt:a.b") === null).toBe(true);
    expect(parseDescriptorKey("header:a:b") === null).toBe(true);
    expect(parseDescriptorKey("JWT:a") === null).toBe(true);
  });
});

describe("2.4 isValidScopeKey", () => {
  it("accepts the five prefixes with any [A-Za-z0-9_-]+ name", () => {
    expect(isValidScopeKey("ip:foo")).toBe(true);
    expect(isValidScopeKey("ua:anything")).toBe(true);
    expect(isValidScopeKey("header:X-Tenant")).toBe(true);
  });
  it("refuses the rest", () => {
    expect(isValidScopeKey("cookie:x")).toBe(false);
    expect(isValidScopeKey("jwt:")).toBe(false);
    expect(isValidScopeKey("jwt:a.b")).toBe(false);
    expect(isValidScopeKey("IP:address")).toBe(false);
  });
});

describe("2.2 normaliseSelectorHost", () => {
  it("trims, lower-cases, strips port and one trailing dot", () => {
    expect(normaliseSelectorHost("  API.Example.COM  ")).toBe("api.example.com");
    expect(normaliseSelectorHost("api.example.com:8443")).toBe("api.example.com");
    expect(normaliseSelectorHost("api.example.com.")).toBe("api.example.com");
    expect(normaliseSelectorHost("localhost")).toBe("localhost");
    expect(normaliseSelectorHost("10.0.0.1:80")).toBe("10.0.0.1");
    expect(normaliseSelectorHost("a-b.c")).toBe("a-b.c");
    expect(normaliseSelectorHost("\tx.io\n")).toBe("x.io");
  });
  it("refuses URLs and paths", () => {
    expect(normaliseSelectorHost("https://api.example.com")).toBe("");
    expect(normaliseSelectorHost("api.example.com/v1")).toBe("");
    expect(normaliseSelectorHost("api.example.com?x")).toBe("");
    expect(normaliseSelectorHost("api.example.com#x")).toBe("");
    expect(normaliseSelectorHost("user@api.example.com")).toBe("");
  });
  it("refuses the double dot (decision 6)", () => {
    expect(normaliseSelectorHost("api..example.com")).toBe("");
  });
  it("refuses bad characters and edges", () => {
    expect(normaliseSelectorHost("")).toBe("");
    expect(normaliseSelectorHost("   ")).toBe("");
    expect(normaliseSelectorHost(".")).toBe("");
    expect(normaliseSelectorHost("-api.example.com")).toBe("");
    expect(normaliseSelectorHost(".api.example.com")).toBe("");
    expect(normaliseSelectorHost("api.example.com-")).toBe("");
    expect(normaliseSelectorHost("api.example.com..")).toBe("");
    expect(normaliseSelectorHost("api_x.example.com")).toBe("");
    expect(normaliseSelectorHost("*.example.com")).toBe("");
    expect(normaliseSelectorHost("api.example.com:")).toBe("");
    expect(normaliseSelectorHost("api.example.com:80x")).toBe("");
    expect(normaliseSelectorHost("[::1]:80")).toBe("");
    expect(normaliseSelectorHost("caf\u00e9.example")).toBe("");
    expect(normaliseSelectorHost("\u0130.example")).toBe("");
  });
});
