// Envoy HTTP ext_authz front (research/gateways.md 1.9): Envoy keeps the client's method, sends
// `path_prefix` + the original path and query as the path, and the original host as Host. With
// path_prefix "/v1/decision", GET /api/chat?x=1 arrives as GET /v1/decision/api/chat?x=1.
import type { DecisionInput, DecisionRequest } from "../types.js";
import { clientHeaders, headerValue } from "./front-headers.js";

export const EXT_AUTHZ_PREFIX = "/v1/decision";

/** True for the prefixed form (`/v1/decision/...`); exactly `/v1/decision` is the header-driven form. */
export function isExtAuthzPath(url: string): boolean {
  return url.startsWith(EXT_AUTHZ_PREFIX + "/");
}

export function fromExtAuthz(req: DecisionRequest): DecisionInput {
  return {
    method: req.method,
    uri: req.url.slice(EXT_AUTHZ_PREFIX.length),
    authority: headerValue(req.headers, "host") ?? "",
    headers: clientHeaders(req.headers),
    sourceAddress: req.peer,
  };
}
