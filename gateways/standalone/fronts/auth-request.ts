// nginx auth_request front (research/gateways.md 7.1): nginx sends GET (or POST with proxy_method) to a fixed
// URI and passes the original request only through headers the config sets: X-Original-Method,
// X-Original-URI ($request_uri, path + query, verbatim), X-Original-Host. Missing ones fall back to the
// decision request's own values, as the original engine does (spec 9.2).
import type { DecisionInput, DecisionRequest } from "../types.js";
import { clientHeaders, headerValue } from "./front-headers.js";

export function fromAuthRequest(req: DecisionRequest): DecisionInput {
  return {
    method: headerValue(req.headers, "x-original-method") ?? req.method,
    uri: headerValue(req.headers, "x-original-uri") ?? req.url,
    authority: headerValue(req.headers, "x-original-host") ?? headerValue(req.headers, "host") ?? "",
    headers: clientHeaders(req.headers),
    sourceAddress: req.peer,
  };
}
