// Signed bundles (spec 2.6): `<base64 HMAC-SHA256(key, payload)>\n<payload>`. The original falls back to
// HMAC-SHA1 on stock OpenResty; Node always has SHA-256, so only that is accepted. Error names are the
// original's (`signed_bundle_format_error`, `invalid_signature`); the comparison is constant-time.
import { createHmac, timingSafeEqual } from "node:crypto";

export type Verified = { ok: true; payload: string } | { ok: false; error: string };

export function verifySignedBundle(text: string, key: string): Verified {
  const nl = text.indexOf("\n");
  if (nl <= 0 || nl === text.length - 1) return { ok: false, error: "signed_bundle_format_error" };
  const signature = text.slice(0, nl).trim();
  const payload = text.slice(nl + 1);
  const expected = createHmac("sha256", key).update(payload, "utf8").digest();
  const given = Buffer.from(signature, "base64");
  // A signature that is not canonical base64 of 32 bytes cannot match; timingSafeEqual needs equal lengths.
  if (given.length !== expected.length || given.toString("base64") !== signature) {
    timingSafeEqual(expected, expected);
    return { ok: false, error: "invalid_signature" };
  }
  return timingSafeEqual(given, expected) ? { ok: true, payload } : { ok: false, error: "invalid_signature" };
}

export function signBundle(payload: string, key: string): string {
  return createHmac("sha256", key).update(payload, "utf8").digest("base64") + "\n" + payload;
}
