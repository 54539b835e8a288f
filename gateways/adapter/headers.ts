// Header lists as the shims hand them to the filter: names lower-cased, repeats kept, and the headers that
// describe the hop to the function (not the client's request) removed. RFC 9110 section 7.6.1 lists the
// hop-by-hop ones; `host` becomes :authority.
import type { HeaderList } from "../host/types.js";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  "expect",
]);

export function isHopByHop(name: string): boolean {
  return HOP_BY_HOP.has(name.toLowerCase());
}

/** From a record whose values are a string or a list of strings (API Gateway, Node's IncomingHttpHeaders). */
export function headerListFrom(
  record: Record<string, string | string[] | undefined> | null | undefined,
  drop: ReadonlySet<string> = new Set(),
): HeaderList {
  const out: HeaderList = [];
  if (!record) return out;
  for (const [name, value] of Object.entries(record)) {
    const lower = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(lower) || drop.has(lower)) continue;
    if (Array.isArray(value)) for (const v of value) out.push([lower, v]);
    else out.push([lower, value]);
  }
  return out;
}
