// Small byte-level helpers shared by the engine and the limiters: hashing, number formatting, decoding.
export { sha1, sha1Utf8, toHex } from "./sha1";
export { luaToNumber } from "./lua-tonumber";
export { decodeBase64Url } from "./base64url";
export { percentDecode } from "./percent-decode";
export { StringBuilder } from "./string-builder";
export { crc32Bytes, crc32String } from "./crc32";
export { epochDay, nextUtcMidnight, utcDayStamp } from "./utc-date";
