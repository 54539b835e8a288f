// `<source>:<name>` descriptor keys (spec 5.1), shared by rule `limit_keys`, `match` keys,
// `fallback_limit` keys and kill-switch `scope_key`. The first colon splits source and name.

import { DescriptorKey, KeySource } from "./model";

/** True when every char of s[from..] is in [A-Za-z0-9_-] and there is at least one. */
export function isKeyName(s: string, from: i32): bool {
  const len = s.length;
  if (from >= len) return false;
  for (let i = from; i < len; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
      c == 0x5f || c == 0x2d;
    if (!ok) return false;
  }
  return true;
}

/**
 * A limit key as the reference's `_is_valid_limit_key` accepts it: jwt:/header:/query: with a
 * [A-Za-z0-9_-]+ name, ip:address|country|asn|type|tor, ua:bot|bot_category. null otherwise.
 * Header names are lower-cased here once, so the engine compares them directly (decision 8).
 */
export function parseDescriptorKey(text: string): DescriptorKey | null {
  const colon = text.indexOf(":");
  if (colon <= 0) return null;
  const source = text.substring(0, colon);
  const nameStart = colon + 1;
  const name = text.substring(nameStart);
  const key = new DescriptorKey();
  key.text = text;
  if (source == "jwt" || source == "header" || source == "query") {
    if (!isKeyName(text, nameStart)) return null;
    if (source == "jwt") {
      key.source = KeySource.JWT;
      key.name = name;
    } else if (source == "header") {
      key.source = KeySource.HEADER;
      key.name = name.toLowerCase();
    } else {
      key.source = KeySource.QUERY;
      key.name = name;
    }
    return key;
  }
  if (source == "ip") {
    if (name == "address") key.source = KeySource.IP_ADDRESS;
    else if (name == "country") key.source = KeySource.IP_COUNTRY;
    else if (name == "asn") key.source = KeySource.IP_ASN;
    else if (name == "type") key.source = KeySource.IP_TYPE;
    else if (name == "tor") key.source = KeySource.IP_TOR;
    else return null;
    return key;
  }
  if (source == "ua") {
    if (name == "bot") key.source = KeySource.UA_BOT;
    else if (name == "bot_category") key.source = KeySource.UA_BOT_CATEGORY;
    else return null;
    return key;
  }
  return null;
}

/**
 * The kill-switch check (spec 2.4): `^([a-z]+):([A-Za-z0-9_-]+)$` with the prefix one of jwt, header,
 * query, ip, ua. Looser than a limit key: `ip:foo` passes (and can never match at request time).
 */
export function isValidScopeKey(text: string): bool {
  const colon = text.indexOf(":");
  if (colon <= 0) return false;
  const source = text.substring(0, colon);
  if (source != "jwt" && source != "header" && source != "query" && source != "ip" && source != "ua") {
    return false;
  }
  return isKeyName(text, colon + 1);
}

/** The source part of a key is `ua` (spec 2.6 needs_user_agent uses the reference's parse_key). */
export function usesUserAgent(text: string): bool {
  return text.startsWith("ua:") && text.length > 3;
}
