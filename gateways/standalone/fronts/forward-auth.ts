// Traefik forwardAuth front (research/gateways.md 7.2): a GET to a fixed address with all client headers
// copied and X-Forwarded-Method, X-Forwarded-Uri (path + query), X-Forwarded-Host (the client's Host) set by
// Traefik. X-Forwarded-For stays a client header: the wasm honours it only from trusted proxies (decision 13).
import type { DecisionInput, DecisionRequest } from "../types.js";
import { clientHeaders, headerValue } from "./front-headers.js";

/** True when the request carries Traefik's headers and none of nginx's. */
export function isForwardAuth(req: DecisionRequest): boolean {
  const has = (name: string) => headerValue(req.headers, name) !== undefined;
  if (has("x-original-uri") || has("x-original-method")) return false;
  return has("x-forwarded-uri") || has("x-forwarded-method");
}

export function fromForwardAuth(req: DecisionRequest): DecisionInput {
  return {
    method: headerValue(req.headers, "x-forwarded-method") ?? req.method,
    uri: headerValue(req.headers, "x-forwarded-uri") ?? req.url,
    authority: headerValue(req.headers, "x-forwarded-host") ?? headerValue(req.headers, "host") ?? "",
    headers: clientHeaders(req.headers),
    sourceAddress: req.peer,
  };
}
