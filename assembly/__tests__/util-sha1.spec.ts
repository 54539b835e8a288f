// Proves util/sha1.ts against the FIPS 180 / RFC 3174 test vectors and the hex helper.
import { sha1Utf8, toHex } from "../util/sha1";

describe("sha1", () => {
  it("hashes the empty string", () => {
    expect(toHex(sha1Utf8(""))).toBe("da39a3ee5e6b4b0d3255bfef95601890afd80709");
  });
  it("hashes abc", () => {
    expect(toHex(sha1Utf8("abc"))).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
  });
  it("hashes the two-block 448-bit vector", () => {
    expect(toHex(sha1Utf8("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))
      .toBe("84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  });
  it("hashes the 896-bit vector", () => {
    expect(toHex(sha1Utf8("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")))
      .toBe("a49b2446a02c645bf419f995b67091253a04a259");
  });
  it("hashes a million a's", () => {
    expect(toHex(sha1Utf8("a".repeat(1000000)))).toBe("34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  });
  it("hashes the quick brown fox", () => {
    expect(toHex(sha1Utf8("The quick brown fox jumps over the lazy dog")))
      .toBe("2fd4e1c67a2d28fced849ee1bb76e7391b93eb12");
  });
  it("hashes UTF-8 bytes, not UTF-16 code units", () => {
    // SHA-1 of the two bytes c3 a9 ("é").
    expect(toHex(sha1Utf8("é"))).toBe(toHex(sha1Utf8("\u00e9")));
    expect(toHex(sha1Utf8("é"), 4)).toBe("bf15be71");
  });
  it("takes a hex prefix of the first bytes", () => {
    expect(toHex(sha1Utf8("abc"), 4)).toBe("a9993e36");
  });
});
