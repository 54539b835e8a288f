// node:http wiring: turns an IncomingMessage into a DecisionRequest, routes it, writes the DecisionAnswer.
// Routes (spec 9.1 and section 4, research/gateways.md 7):
//   GET|POST /v1/decision          nginx auth_request (X-Original-*) or Traefik forwardAuth (X-Forwarded-*)
//   ANY      /v1/decision/<path>   Envoy HTTP ext_authz with path_prefix /v1/decision
//   GET      /livez, /readyz       health
//   anything else                  404 `not found`
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { methodNotAllowed, noBundleLoaded, notFound } from "./answers.js";
import type { ActiveBundle } from "./bundle-applier.js";
import type { Decider } from "./decider.js";
import { fromAuthRequest } from "./fronts/auth-request.js";
import { fromExtAuthz, isExtAuthzPath } from "./fronts/ext-authz.js";
import { fromForwardAuth, isForwardAuth } from "./fronts/forward-auth.js";
import { livez, readyz } from "./health.js";
import type { Logger } from "./log.js";
import type { DecisionAnswer, DecisionInput, DecisionRequest } from "./types.js";

export interface RouteDeps {
  decider: Pick<Decider, "decide">;
  active(): ActiveBundle | null;
  vmAlive(): boolean;
  log: Logger;
}

export function route(req: DecisionRequest, deps: RouteDeps): DecisionAnswer {
  const q = req.url.indexOf("?");
  const path = q < 0 ? req.url : req.url.slice(0, q);
  if (path === "/livez" || path === "/readyz") {
    if (req.method !== "GET" && req.method !== "HEAD") return methodNotAllowed("GET, HEAD");
    return path === "/livez" ? livez() : readyz(deps.active(), deps.vmAlive());
  }
  if (path === "/v1/decision") {
    // nginx auth_request sends GET with no body; the original's API is POST (spec 9.1).
    if (req.method !== "GET" && req.method !== "POST") return methodNotAllowed("GET, POST");
    return decide(isForwardAuth(req) ? fromForwardAuth(req) : fromAuthRequest(req), deps);
  }
  if (isExtAuthzPath(req.url)) return decide(fromExtAuthz(req), deps);
  return notFound();
}

function decide(input: DecisionInput, deps: RouteDeps): DecisionAnswer {
  if (!deps.active()) return noBundleLoaded();
  return deps.decider.decide(input);
}

export function createDecisionServer(deps: RouteDeps): Server {
  return createServer((req, res) => handle(req, res, deps));
}

function handle(req: IncomingMessage, res: ServerResponse, deps: RouteDeps): void {
  // No body is read (spec 9.1); drain it so the connection can be reused.
  req.resume();
  let answer: DecisionAnswer;
  try {
    answer = route(toDecisionRequest(req), deps);
  } catch (err) {
    deps.log.log("error", "decision_failed", { err: err instanceof Error ? err.message : String(err) });
    answer = { status: 500, headers: [["Content-Type", "text/plain"]], body: new TextEncoder().encode("internal error\n") };
  }
  const flat: string[] = [];
  for (const [k, v] of answer.headers) flat.push(k, v);
  flat.push("Content-Length", String(answer.body.byteLength));
  res.writeHead(answer.status, flat);
  res.end(req.method === "HEAD" ? undefined : answer.body);
}

export function toDecisionRequest(req: IncomingMessage): DecisionRequest {
  const headers: Array<[string, string]> = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.push([raw[i].toLowerCase(), raw[i + 1]]);
  return {
    method: req.method ?? "GET",
    url: req.url ?? "/",
    headers,
    peer: peerAddress(req.socket.remoteAddress, req.socket.remotePort),
  };
}

/** "ip:port" as Envoy's source.address: IPv4-mapped IPv6 unwrapped, IPv6 bracketed. */
export function peerAddress(address: string | undefined, port: number | undefined): string {
  let ip = address ?? "";
  if (ip.startsWith("::ffff:") && ip.includes(".")) ip = ip.slice("::ffff:".length);
  if (ip.includes(":")) ip = `[${ip}]`;
  return `${ip}:${port ?? 0}`;
}
