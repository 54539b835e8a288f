// Descriptor extraction (spec 5.1-5.3). Every distinct key text of the bundle is interned once at
// construction into a small integer (STYLE.md hot path 4); per request, values are extracted on first
// use and cached by that integer, so a request pays only for the keys its matched policies need.
// A value that is absent or "" is missing (null).

import { DescriptorKey, KeySource } from "../policy/model";
import { findQueryParam } from "./query-string";
import { HeaderName } from "./header-lookup";
import { RequestContext } from "./request-context";
import { RequestView } from "./request-view";

// Client-sent geo/ASN/Tor headers, honoured only when the deployment trusts them (project decision 13).
const COUNTRY_HEADER = new HeaderName("x-country-code");
const ASN_HEADER = new HeaderName("x-asn");
const ASN_TYPE_HEADER = new HeaderName("x-asn-type");
const TOR_HEADER = new HeaderName("x-tor-exit");
const USER_AGENT_HEADER = new HeaderName("user-agent");

const STATE_UNKNOWN: u8 = 0;
const STATE_READY: u8 = 1;

@final
export class DescriptorKeys {
  texts: string[] = [];
  sources: KeySource[] = [];
  names: string[] = [];
  /** Compiled header spellings, for HEADER keys (null otherwise). */
  headers: Array<HeaderName | null> = [];
  private ids: Map<string, i32> = new Map();

  /** The id of `key`, interning it on first sight. Keys are identified by their text (spec 5.4). */
  intern(key: DescriptorKey): i32 {
    const text = key.text;
    if (this.ids.has(text)) return this.ids.get(text);
    const id = this.texts.length;
    this.ids.set(text, id);
    this.texts.push(text);
    this.sources.push(key.source);
    this.names.push(key.name);
    this.headers.push(key.source == KeySource.HEADER ? new HeaderName(key.name) : null);
    return id;
  }

  get count(): i32 {
    return this.texts.length;
  }
}

@final
export class DescriptorExtractor {
  private state: StaticArray<u8>;
  private values: StaticArray<string | null>;

  constructor(public keys: DescriptorKeys, public trustGeoHeaders: bool) {
    const n = keys.count;
    this.state = new StaticArray<u8>(n);
    this.values = new StaticArray<string | null>(n);
  }

  /** Forget the previous request's values. */
  reset(): void {
    const n = this.state.length;
    for (let i = 0; i < n; i++) unchecked((this.state[i] = STATE_UNKNOWN));
  }

  /** The value of key `id` for this request, or null when missing. */
  value(id: i32, req: RequestView, ctx: RequestContext): string | null {
    if (id < 0 || id >= this.state.length) return null;
    if (unchecked(this.state[id]) == STATE_READY) return unchecked(this.values[id]);
    let v = this.extract(id, req, ctx);
    if (v !== null && v.length == 0) v = null;
    unchecked((this.values[id] = v));
    unchecked((this.state[id] = STATE_READY));
    return v;
  }

  private extract(id: i32, req: RequestView, ctx: RequestContext): string | null {
    const keys = this.keys;
    const source = unchecked(keys.sources[id]);
    switch (source) {
      case KeySource.JWT: {
        const claims = ctx.jwtClaims(req);
        if (claims === null) return null;
        return claims.descriptorValue(unchecked(keys.names[id]));
      }
      case KeySource.HEADER: {
        const header = unchecked(keys.headers[id]);
        if (header === null) return null;
        return header.lookup(req);
      }
      case KeySource.QUERY: {
        const q = ctx.queryStart;
        if (q < 0) return null;
        return findQueryParam(ctx.rawPath, q, unchecked(keys.names[id]));
      }
      case KeySource.IP_ADDRESS:
        return req.peerAddress();
      case KeySource.IP_COUNTRY:
        return this.trustGeoHeaders ? COUNTRY_HEADER.lookup(req) : null;
      case KeySource.IP_ASN:
        return this.trustGeoHeaders ? ASN_HEADER.lookup(req) : null;
      case KeySource.IP_TYPE: {
        // Default "unknown" (spec 3: the ASN-type map's default).
        if (!this.trustGeoHeaders) return "unknown";
        const t = ASN_TYPE_HEADER.lookup(req);
        if (t === null) return "unknown";
        const type = t;
        return type.length > 0 ? type : "unknown";
      }
      case KeySource.IP_TOR:
        return this.trustGeoHeaders ? normaliseTor(TOR_HEADER.lookup(req)) : "false";
      case KeySource.UA_BOT:
        return ctx.uaBot(USER_AGENT_HEADER.lookup(req));
      case KeySource.UA_BOT_CATEGORY:
        return ctx.uaBotCategory(USER_AGENT_HEADER.lookup(req));
    }
    return null;
  }
}

/**
 * `ip:tor` (spec 3): 1/true/yes → "true", 0/false/no → "false" (case-insensitive); anything else falls
 * back to the Tor-exit lookup, whose default is "false", so the key is never missing.
 */
export function normaliseTor(raw: string | null): string {
  if (raw === null) return "false";
  const v = raw.toLowerCase();
  if (v == "1" || v == "true" || v == "yes") return "true";
  return "false";
}
