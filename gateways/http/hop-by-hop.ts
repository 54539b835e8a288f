// Hop-by-hop headers (RFC 9110 section 7.6.1): they describe one connection, so a proxy removes them in both
// directions, together with every header the Connection header names. Proxy-Connection and Keep-Alive are
// the obsolete ones RFC 9110 still tells proxies to drop; Proxy-Authenticate and Proxy-Authorization are
// meant for the proxy itself (RFC 9110 11.7.1, 11.7.2). One list for the reverse proxy, the decision
// request's fronts and the serverless shims. Names in `headers` may be in any case.
import type { HeaderList } from "../host/types.js";

export const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "transfer-encoding",
  "upgrade",
  "trailer",
  "proxy-authenticate",
  "proxy-authorization",
]);

export function withoutHopByHop(headers: HeaderList): HeaderList {
  const named = new Set<string>();
  for (const [k, v] of headers) {
    if (k.toLowerCase() !== "connection") continue;
    for (const token of v.split(",")) {
      const t = token.trim().toLowerCase();
      if (t) named.add(t);
    }
  }
  return headers.filter(([k]) => {
    const name = k.toLowerCase();
    return !HOP_BY_HOP.has(name) && !named.has(name);
  });
}
