// JWT claims from `Authorization: Bearer <jwt>` (spec 3.1), never verified: the signature, alg, exp,
// nbf, iss and aud are the gateway's business. Rules, in order: case-sensitive "Bearer " prefix, exactly
// two dots, base64url payload (util/base64url.ts), JSON decode, the crude flat-object fallback when
// JSON fails (jwt-fallback.ts); any failure gives no claims. A payload that is valid JSON but not an
// object gives no claims (project decision 5; the reference crashes on numbers and booleans).

import { JsonKind, parseJson, numberToLuaString } from "../json";
import { decodeBase64Url } from "../util/base64url";
import { CHAR_DOT } from "../util/chars";
import { ClaimKind, JwtClaims } from "./jwt-claims";
import { decodeFlatObject } from "./jwt-fallback";

const BEARER = "Bearer ";

/** Fills `claims` from an Authorization header value; returns false (and leaves it empty) for no claims. */
export function decodeJwtClaims(authorization: string, claims: JwtClaims): bool {
  claims.clear();
  if (!authorization.startsWith(BEARER)) return false;
  const start = BEARER.length;
  const n = authorization.length;
  let firstDot = -1;
  let secondDot = -1;
  for (let i = start; i < n; i++) {
    if (u32(authorization.charCodeAt(i)) != CHAR_DOT) continue;
    if (firstDot < 0) firstDot = i;
    else if (secondDot < 0) secondDot = i;
    else return false; // a third dot
  }
  if (secondDot < 0) return false;
  const bytes = decodeBase64Url(authorization, firstDot + 1, secondDot);
  if (bytes === null) return false;
  const payload = String.UTF8.decodeUnsafe(bytes.dataStart, usize(bytes.length));

  const parsed = parseJson(payload);
  const root = parsed.value;
  if (root !== null) {
    const value = root;
    // lua-cjson returns false/null as falsy values, which sends the reference to its fallback; those
    // texts are not objects, so the fallback fails as well. Any other non-object: no claims.
    if (value.kind != JsonKind.OBJECT) return false;
    const keys = value.keys;
    const values = value.values;
    const count = min(keys.length, values.length);
    for (let i = 0; i < count; i++) {
      const member = unchecked(values[i]);
      const name = unchecked(keys[i]);
      switch (member.kind) {
        case JsonKind.STRING:
          claims.set(name, member.str, ClaimKind.TEXT);
          break;
        case JsonKind.NUMBER:
          claims.set(name, numberToLuaString(member.num), ClaimKind.TEXT);
          break;
        case JsonKind.BOOL:
          claims.set(name, member.bool ? "true" : "false", member.bool ? ClaimKind.TEXT : ClaimKind.FALSE_VALUE);
          break;
        case JsonKind.NULL:
          claims.set(name, "", ClaimKind.NULL_VALUE);
          break;
        default:
          claims.set(name, "", ClaimKind.NESTED);
      }
    }
    return true;
  }
  if (!decodeFlatObject(payload, claims)) {
    claims.clear();
    return false;
  }
  return true;
}
