// Azure Functions v4 HTTP handler: the callout target of APIM's send-request (fairvisor-fragment.xml), with
// the decision service's contract (spec 9.1-9.3): GET or POST, the original request in X-Original-Method,
// X-Original-URI (verbatim, with query) and X-Original-Host, the client headers as sent; the answer is 200
// + RateLimit headers, 429 + Retry-After + X-Fairvisor-Reason + RateLimit headers + JSON body, or 503.
// The client address comes from X-Original-Client-IP, which only APIM can set: the function runs with
// authLevel "function" and APIM sends the key (x-functions-key). X-Forwarded-For is not used: at the
// function it names APIM, appended by App Service's front end.
import type { Decision, FairvisorEngine } from "../adapter/index.js";
import { isHopByHop } from "../adapter/index.js";
import type { HeaderList } from "../host/types.js";
import type { Logger } from "../standalone/log.js";
import { APIM_HEADERS, type AzureHttpRequest, type AzureHttpResponseInit, type AzureInvocationContext } from "./types.js";

/** Headers about the call to the function (key, App Service front end), not about the client's request. */
const PLATFORM_HEADERS = new Set([
  ...Object.values(APIM_HEADERS),
  "x-functions-key",
  "x-forwarded-for",
  "x-forwarded-proto",
  "x-forwarded-tlsversion",
  "x-original-url",
  "x-arr-log-id",
  "x-arr-ssl",
  "x-site-deployment-id",
  "was-default-hostname",
  "disguised-host",
  "x-waws-unencoded-url",
  "x-appservice-proto",
  "client-ip",
]);

export interface DecisionHandlerOptions {
  engine: () => Promise<FairvisorEngine>;
  log: Logger;
}

export type DecisionHandler = (req: AzureHttpRequest, ctx: AzureInvocationContext) => Promise<AzureHttpResponseInit>;

export function createDecisionHandler(opts: DecisionHandlerOptions): DecisionHandler {
  return async (req, ctx) => {
    if (req.method !== "GET" && req.method !== "POST") {
      return { status: 405, headers: [["Allow", "GET, POST"], ["Content-Type", "text/plain; charset=utf-8"]], body: encode("method not allowed\n") };
    }
    let decision: Decision;
    try {
      const engine = await opts.engine();
      decision = await engine.decide(toAdapterRequest(req));
    } catch (err) {
      opts.log.log("error", "azure_engine_failed", { invocation: ctx.invocationId, err: err instanceof Error ? err.message : String(err) });
      return {
        status: 503,
        headers: [["Content-Type", "application/json"], ["X-Fairvisor-Reason", "service_unavailable"]],
        body: encode(JSON.stringify({ error: "service_unavailable" })),
      };
    }
    return { status: decision.status, headers: decision.headers, body: decision.body };
  };
}

function toAdapterRequest(req: AzureHttpRequest) {
  const url = new URL(req.url);
  const headers: HeaderList = [];
  req.headers.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (!isHopByHop(lower) && !PLATFORM_HEADERS.has(lower)) headers.push([lower, value]);
  });
  return {
    method: req.headers.get(APIM_HEADERS.method) ?? req.method,
    // Missing X-Original-URI: the decision request's own target, as the decision service does (spec 9.2).
    uri: req.headers.get(APIM_HEADERS.uri) ?? url.pathname + url.search,
    authority: req.headers.get(APIM_HEADERS.host) ?? req.headers.get("host") ?? url.host,
    headers,
    clientIp: req.headers.get(APIM_HEADERS.clientIp) ?? undefined,
  };
}

function encode(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
