// Which decision-request headers reach the filter as client headers. The decision request is a hop of its
// own: its hop-by-hop headers (RFC 9110 section 7.6.1) and its framing headers describe the call to us, not
// the client's request, and the front headers are turned into pseudo-headers by the fronts.
import type { HeaderList } from "../../host/types.js";
import { HOP_BY_HOP } from "../../http/hop-by-hop.js";


/** Describe the decision request's own body or target; `host` becomes `:authority`. */
const DECISION_REQUEST_ONLY = new Set(["host", "content-length", "expect"]);

/** nginx auth_request (X-Original-*) and Traefik forwardAuth (X-Forwarded-Method/Uri/Host). */
export const FRONT_HEADERS = new Set([
  "x-original-method",
  "x-original-uri",
  "x-original-host",
  "x-forwarded-method",
  "x-forwarded-uri",
  "x-forwarded-host",
]);

/** First value of a header (names in `headers` are lower-case). */
export function headerValue(headers: HeaderList, name: string): string | undefined {
  for (const [k, v] of headers) if (k === name) return v;
  return undefined;
}

/** The headers the filter sees as the client's. */
export function clientHeaders(headers: HeaderList): HeaderList {
  const named = new Set<string>();
  for (const [k, v] of headers) {
    if (k !== "connection") continue;
    for (const token of v.split(",")) {
      const t = token.trim().toLowerCase();
      if (t) named.add(t);
    }
  }
  return headers.filter(
    ([k]) => !HOP_BY_HOP.has(k) && !DECISION_REQUEST_ONLY.has(k) && !FRONT_HEADERS.has(k) && !named.has(k),
  );
}
