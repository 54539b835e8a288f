// GCP API Gateway backend shim: the `x-google-backend` address is this HTTP function. It decides on the
// request the gateway forwards, answers a reject itself (429 + Retry-After + RateLimit headers, which no
// GCP API Gateway feature can), and otherwise forwards the request to FAIRVISOR_BACKEND_URL and streams the
// answer back with the allow headers added. research/gateways.md section 5 ("most faithful way").
import { pipeline } from "node:stream/promises";
import { request as undiciRequest } from "undici";
import type { Decision, FairvisorEngine } from "../adapter/index.js";
import { isHopByHop } from "../adapter/index.js";
import type { HeaderList } from "../host/types.js";
import type { Logger } from "../standalone/log.js";
import { clientIpFrom, identityHeaders } from "./identity.js";
import type { GcpRequest, GcpResponse } from "./types.js";

export interface BackendShimOptions {
  engine: () => Promise<FairvisorEngine>;
  /** The real backend; the request's path and query are appended (APPEND_PATH_TO_ADDRESS). */
  backendUrl: string;
  log: Logger;
  /** X-Forwarded-For hop that is the client, counted from the right; default the leftmost hop. */
  clientHopFromRight?: number;
  /** Upstream headers timeout (ms); default 60 s, API Gateway's default deadline is 15 s. */
  upstreamTimeoutMs?: number;
}

export type HttpFunction = (req: GcpRequest, res: GcpResponse) => Promise<void>;

/** Allow headers the filter sets; they go to the client on top of the backend's answer. */
const ALLOW_HEADERS = new Set(["ratelimit", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "x-fairvisor-warning"]);

export function createBackendShim(opts: BackendShimOptions): HttpFunction {
  const base = new URL(opts.backendUrl);
  return async (req, res) => {
    let decision: Decision;
    const received = receivedHeaders(req);
    try {
      const engine = await opts.engine();
      decision = await engine.decide({
        method: req.method ?? "GET",
        uri: req.originalUrl ?? req.url ?? "/",
        authority: first(received, "x-forwarded-host") ?? first(received, "host") ?? "",
        headers: identityHeaders(received.filter(([k]) => !isHopByHop(k))),
        clientIp: clientIpFrom(received, opts.clientHopFromRight),
      });
    } catch (err) {
      opts.log.log("error", "gcp_engine_failed", { err: err instanceof Error ? err.message : String(err) });
      return writeJson(res, 503, [["X-Fairvisor-Reason", "service_unavailable"]], { error: "service_unavailable" });
    }
    if (decision.verdict !== "allow") {
      res.writeHead(decision.status, flatten([...decision.headers, ["Content-Length", String(decision.body.byteLength)]]));
      res.end(decision.body);
      return;
    }
    await forward(req, res, received, decision, base, opts);
  };
}

async function forward(req: GcpRequest, res: GcpResponse, received: HeaderList, decision: Decision, base: URL, opts: BackendShimOptions): Promise<void> {
  const target = new URL(joinPath(base.pathname, req.originalUrl ?? req.url ?? "/"), base);
  const method = req.method ?? "GET";
  const body = method === "GET" || method === "HEAD" ? undefined : req.rawBody;
  let upstream: Awaited<ReturnType<typeof undiciRequest>>;
  try {
    upstream = await undiciRequest(target, {
      method: method as "GET",
      headers: flatten(received.filter(([k]) => !isHopByHop(k))),
      body,
      headersTimeout: opts.upstreamTimeoutMs ?? 60_000,
      bodyTimeout: 0,
    });
  } catch (err) {
    opts.log.log("error", "gcp_upstream_failed", { target: target.origin, err: err instanceof Error ? err.message : String(err) });
    return writeJson(res, 502, [], { error: "upstream_unavailable" });
  }
  const headers: HeaderList = [];
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value === undefined || isHopByHop(name) || ALLOW_HEADERS.has(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.push([name, v]);
  }
  for (const [name, value] of decision.headers) if (ALLOW_HEADERS.has(name.toLowerCase())) headers.push([name, value]);
  // No Content-Length from us: the body streams through (chunked), SSE included.
  const length = upstream.headers["content-length"];
  if (typeof length === "string") headers.push(["content-length", length]);
  res.writeHead(upstream.statusCode, flatten(headers));
  res.flushHeaders();
  try {
    await pipeline(upstream.body, res);
  } catch (err) {
    // The client went away or the backend broke mid-body: the status is already sent, only the stream ends.
    opts.log.log("warn", "gcp_stream_aborted", { err: err instanceof Error ? err.message : String(err) });
    res.destroy();
  }
}

function receivedHeaders(req: GcpRequest): HeaderList {
  const out: HeaderList = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) out.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]]);
  return out;
}

function first(headers: HeaderList, name: string): string | undefined {
  for (const [k, v] of headers) if (k === name) return v;
  return undefined;
}

function joinPath(prefix: string, uri: string): string {
  const trimmed = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  return trimmed + (uri.startsWith("/") ? uri : "/" + uri);
}

function flatten(headers: HeaderList): string[] {
  const flat: string[] = [];
  for (const [k, v] of headers) flat.push(k, v);
  return flat;
}

function writeJson(res: GcpResponse, status: number, headers: HeaderList, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, flatten([["Content-Type", "application/json"], ...headers, ["Content-Length", String(body.byteLength)]]));
  res.end(body);
}
