// Proves util/crc32.ts against the standard CRC-32 check values (the "123456789" check value of the
// CRC catalogue, and zlib.crc32 for the others), the string form over UTF-8 (BMP, astral, lone
// surrogate), and util/utc-date.ts (UTC day stamps, leap days, next midnight, days before 1970).
import { crc32Bytes, crc32String } from "../util/crc32";
import { epochDay, nextUtcMidnight, utcDayStamp } from "../util/utc-date";

function bytes(text: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(text));
}

describe("crc32", () => {
  it("matches the catalogue check value for 123456789", () => {
    expect(crc32Bytes(bytes("123456789"))).toBe(3421780262);
    expect(crc32String("123456789")).toBe(3421780262);
  });
  it("is 0 for empty input", () => {
    expect(crc32String("")).toBe(0);
    expect(crc32Bytes(new Uint8Array(0))).toBe(0);
  });
  it("matches zlib for a sentence", () => {
    expect(crc32String("The quick brown fox jumps over the lazy dog")).toBe(1095738169);
  });
  it("hashes the UTF-8 bytes of non-ASCII text (2-, 3- and 4-byte sequences)", () => {
    expect(crc32String("é€😀")).toBe(2228800934);
    expect(crc32String("é€😀")).toBe(crc32Bytes(bytes("é€😀")));
  });
  it("encodes a lone surrogate like String.UTF8.encode", () => {
    const lone = String.fromCharCode(0xd800) + "x";
    expect(crc32String(lone)).toBe(crc32Bytes(bytes(lone)));
  });
});

describe("utc dates", () => {
  it("stamps UTC days as YYYYMMDD", () => {
    expect(utcDayStamp(0)).toBe("19700101");
    expect(utcDayStamp(1767571200)).toBe("20260105");
    expect(utcDayStamp(1767571199)).toBe("20260104");
    expect(utcDayStamp(1709164800)).toBe("20240229"); // leap day
    expect(utcDayStamp(1798675200 + 86399.9)).toBe("20261231");
    expect(utcDayStamp(-1)).toBe("19691231");
  });
  it("gives the next UTC midnight", () => {
    expect(nextUtcMidnight(1767571200)).toBe(1767657600);
    expect(nextUtcMidnight(1767571199.5)).toBe(1767571200);
  });
  it("never traps on non-finite input", () => {
    expect(epochDay(NaN)).toBe(0);
    expect(utcDayStamp(Infinity)).toBe("19700101");
  });
});
