// Deterministic Retry-After jitter (spec 9.4), reproduced exactly:
//   identity_hash = hex of the first 4 bytes of SHA-1("fairvisor-retry-jitter|" + sub|peer ip|raw path)
//   seed = "retry_jitter:v1|<policy>|<rule>|<reason>||<identity_hash>"  (the 5th field is always empty)
//   h = fold of seed bytes with h = (h*131 + b) mod 1000003; ratio = h/1000003; jitter = ratio*base*0.5
//   Retry-After = ceil(base + jitter), or ceil(base - jitter) for budget_exceeded; at least 1.
// Identical rejects for one client get the same value; different clients spread over [base, 1.5*base].

import { sha1Utf8, toHex } from "../util/sha1";
import { JwtClaims } from "./jwt-claims";

const IDENTITY_SALT = "fairvisor-retry-jitter|";
const SEED_VERSION = "retry_jitter:v1|";
const MODULUS: u32 = 1000003;
const MAX_RATIO: f64 = 0.5;

/** The 8-hex-digit identity hash of `subject|peer|rawPath`. */
export function jitterIdentityHash(subject: string, peer: string, rawPath: string): string {
  return toHex(sha1Utf8(IDENTITY_SALT + subject + "|" + peer + "|" + rawPath), 4);
}

/** The jitter seed of spec 9.4. */
export function jitterSeed(policyId: string, ruleName: string, reason: string, identityHash: string): string {
  return SEED_VERSION + policyId + "|" + ruleName + "|" + reason + "||" + identityHash;
}

/** h / 1000003 over the seed's UTF-8 bytes, in [0, 1). */
export function jitterRatio(seed: string): f64 {
  const bytes = Uint8Array.wrap(String.UTF8.encode(seed));
  let h: u32 = 0;
  for (let i = 0, n = bytes.length; i < n; i++) {
    h = (h * 131 + u32(unchecked(bytes[i]))) % MODULUS;
  }
  return f64(h) / f64(MODULUS);
}

/** Jittered Retry-After for `base` seconds. `capToBase` is the budget_exceeded variant. */
export function jitteredRetryAfter(base: f64, seed: string, capToBase: bool): f64 {
  if (!(base > 0)) return 1;
  const jitter = jitterRatio(seed) * base * MAX_RATIO;
  const value = capToBase ? Math.ceil(base - jitter) : Math.ceil(base + jitter);
  return value < 1 ? 1 : value;
}

/** The identity's subject: the first of the `sub`, `user_id`, `uid` claims Lua's `or` would take, or "". */
export function jitterSubject(claims: JwtClaims): string {
  let s = claims.identityCandidate("sub");
  if (s === null) s = claims.identityCandidate("user_id");
  if (s === null) s = claims.identityCandidate("uid");
  return s !== null ? s : "";
}
