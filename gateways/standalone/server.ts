// node:http wiring: turns an IncomingMessage into a DecisionRequest, routes it, writes the answer.
// Routes (spec 9.1, section 4 and 11, research/gateways.md 7):
//   GET|POST /v1/decision          nginx auth_request (X-Original-*) or Traefik forwardAuth (X-Forwarded-*)
//   ANY      /v1/decision/<path>   Envoy HTTP ext_authz with path_prefix /v1/decision
//   POST     /v1/reconcile         LLM usage for a reservation (reconcile.ts)
//   GET      /livez, /readyz       health;  GET /metrics  Prometheus text (metrics.ts)
//   POST     /v1/debug/session, /v1/debug/logout   (debug-session.ts, 404 when disabled)
//   GET|PUT  /v1/admin/bundle      (admin.ts, 404 when disabled)
//   anything else                  reverse_proxy mode: proxied through the filter; otherwise 404 `not found`
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { json, methodNotAllowed, noBundleLoaded, notFound } from "./answers.js";
import { ADMIN_PREFIX, type AdminApi } from "./admin.js";
import type { ActiveBundle } from "./bundle-applier.js";
import { decisionEndpoint, type EndpointDeps } from "./decision-endpoint.js";
import { fromAuthRequest } from "./fronts/auth-request.js";
import { fromExtAuthz, isExtAuthzPath } from "./fronts/ext-authz.js";
import { fromForwardAuth, isForwardAuth } from "./fronts/forward-auth.js";
import { livez, readyz } from "./health.js";
import { writeAnswer } from "./http-answer.js";
import type { Logger } from "./log.js";
import { reconcile } from "./reconcile.js";
import type { ReservationBook } from "./reservations.js";
import { answerClientError } from "./reverse-proxy/client-error.js";
import { proxyRequest, type ProxyDeps } from "./reverse-proxy/proxy.js";
import type { DecisionAnswer, DecisionRequest } from "./types.js";

/** Largest body read into memory: a decision's original body (LLM prompts), a reconcile, a pushed bundle. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface RouteDeps extends EndpointDeps {
  active(): ActiveBundle | null;
  vmAlive(): boolean;
  log: Logger;
  book?: ReservationBook;
  admin?: AdminApi;
  /** Set in reverse_proxy mode. */
  proxy?: ProxyDeps;
  /** --redis: runs `run` (the reconcile below) through gateways/distributed's non-rerunnable commit path. */
  reconcileVia?: (body: Uint8Array, run: () => DecisionAnswer) => Promise<DecisionAnswer>;
}

export async function route(req: DecisionRequest, body: Uint8Array, deps: RouteDeps): Promise<DecisionAnswer> {
  const path = pathOf(req.url);
  if (path === "/livez" || path === "/readyz") {
    if (req.method !== "GET" && req.method !== "HEAD") return methodNotAllowed("GET, HEAD");
    return path === "/livez" ? livez() : readyz(deps.active(), deps.vmAlive());
  }
  if (path === "/metrics") {
    if (!deps.metrics) return notFound();
    if (req.method !== "GET" && req.method !== "HEAD") return methodNotAllowed("GET, HEAD");
    const text = await deps.metrics.text();
    return { status: 200, headers: [["Content-Type", deps.metrics.contentType]], body: new TextEncoder().encode(text) };
  }
  if (path === "/v1/decision") {
    // nginx auth_request sends GET with no body; the original's API is POST (spec 9.1).
    if (req.method !== "GET" && req.method !== "POST") return methodNotAllowed("GET, POST");
    return decide(isForwardAuth(req) ? fromForwardAuth(req) : fromAuthRequest(req), body, deps);
  }
  if (isExtAuthzPath(req.url)) return decide(fromExtAuthz(req), body, deps);
  if (path === "/v1/reconcile") {
    if (!deps.book) return notFound();
    if (req.method !== "POST") return methodNotAllowed("POST");
    const book = deps.book;
    const run = () => reconcile(body, { book, metrics: deps.metrics, log: deps.log });
    return deps.reconcileVia ? deps.reconcileVia(body, run) : run();
  }
  if (path === "/v1/debug/session" || path === "/v1/debug/logout") {
    if (!deps.debug) return notFound();
    return path === "/v1/debug/session" ? deps.debug.open(req.method, req.headers) : deps.debug.logout(req.method);
  }
  if (path.startsWith(ADMIN_PREFIX)) return deps.admin ? deps.admin.handle(req, path, body) : json(404, { error: "not_found" });
  return notFound();
}

function decide(input: Parameters<typeof decisionEndpoint>[0], body: Uint8Array, deps: RouteDeps): Promise<DecisionAnswer> | DecisionAnswer {
  if (!deps.active()) return noBundleLoaded();
  return decisionEndpoint(input, body.byteLength > 0 ? body : null, deps);
}

/** The service's own endpoints; in reverse_proxy mode everything else goes to the backend. */
export function isLocalPath(url: string): boolean {
  const path = pathOf(url);
  return (
    path === "/livez" ||
    path === "/readyz" ||
    path === "/metrics" ||
    path === "/v1/decision" ||
    isExtAuthzPath(url) ||
    path === "/v1/reconcile" ||
    path.startsWith("/v1/debug/") ||
    path.startsWith(ADMIN_PREFIX)
  );
}

export function createDecisionServer(deps: RouteDeps): Server {
  const server = createServer((req, res) => {
    handle(req, res, deps).catch((err) => {
      deps.log.log("error", "request_failed", { err: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) writeAnswer(res, internalError());
      else res.destroy();
    });
  });
  // Malformed and ambiguously framed requests (RFC 9112 6.3) are refused by node:http's parser; say why.
  server.on("clientError", answerClientError);
  return server;
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: RouteDeps): Promise<void> {
  const dreq = toDecisionRequest(req);
  if (deps.proxy && !isLocalPath(dreq.url)) return proxyRequest(req, res, dreq, deps.proxy);
  const body = await readBody(req);
  if (body === null) return writeAnswer(res, json(413, { error: "payload_too_large", message: `body over ${MAX_BODY_BYTES} bytes` }, [["Connection", "close"]]));
  let answer: DecisionAnswer;
  try {
    answer = await route(dreq, body, deps);
  } catch (err) {
    deps.log.log("error", "decision_failed", { err: err instanceof Error ? err.message : String(err) });
    answer = internalError();
  }
  writeAnswer(res, answer, req.method === "HEAD");
}

/** The whole body, or null past MAX_BODY_BYTES (the rest is drained so the answer can be written). */
async function readBody(req: IncomingMessage): Promise<Uint8Array | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size > MAX_BODY_BYTES ? null : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

const internalError = (): DecisionAnswer => ({ status: 500, headers: [["Content-Type", "text/plain"]], body: new TextEncoder().encode("internal error\n") });

function pathOf(url: string): string {
  const q = url.indexOf("?");
  return q < 0 ? url : url.slice(0, q);
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
