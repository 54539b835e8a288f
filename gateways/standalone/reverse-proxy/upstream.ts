// The call to FAIRVISOR_BACKEND_URL with undici: one connection pool per service, timeouts that become 504,
// connection failures that become 502 (both with a JSON body that says which). The request body is a
// PassThrough the proxy writes the filter's released bytes into, so uploads stream instead of buffering.
import { PassThrough } from "node:stream";
import { Agent, errors, type Dispatcher } from "undici";
import type { HeaderList } from "../../host/types.js";

export interface UpstreamOptions {
  backendUrl: string;
  /** Time allowed for the response headers and between body chunks; connect gets the same (capped 10 s). */
  timeoutMs: number;
}

export interface UpstreamResponse {
  status: number;
  headers: HeaderList;
  body: Dispatcher.ResponseData["body"];
}

export type UpstreamFailure = { status: 502 | 504; error: string; message: string };

export class Upstream {
  readonly agent: Agent;
  private readonly origin: string;
  private readonly basePath: string;

  constructor(private readonly opts: UpstreamOptions) {
    const url = new URL(opts.backendUrl);
    this.origin = url.origin;
    // A backend URL with a path prefixes every proxied path (`http://app:8081/v2` + `/items` → `/v2/items`).
    this.basePath = url.pathname === "/" ? "" : url.pathname.replace(/\/$/, "");
    this.agent = new Agent({
      connect: { timeout: Math.min(opts.timeoutMs, 10_000) },
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
  }

  /** Starts the call; `body` null for a request without one. */
  send(method: string, path: string, headers: HeaderList, body: PassThrough | null, signal: AbortSignal): Promise<UpstreamResponse> {
    const flat: string[] = [];
    for (const [k, v] of headers) flat.push(k, v);
    return this.agent
      .request({ origin: this.origin, path: this.basePath + path, method: method as Dispatcher.HttpMethod, headers: flat, body, signal })
      .then((res) => ({ status: res.statusCode, headers: headerList(res.headers), body: res.body }));
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  describe(err: unknown): UpstreamFailure {
    const e = err as Error & { code?: string; cause?: { code?: string } };
    if (e instanceof errors.HeadersTimeoutError || e instanceof errors.BodyTimeoutError || e instanceof errors.ConnectTimeoutError) {
      return { status: 504, error: "upstream_timeout", message: `upstream did not answer within ${this.opts.timeoutMs} ms` };
    }
    const code = e.code ?? e.cause?.code ?? e.name;
    return { status: 502, error: "upstream_unavailable", message: `upstream connection failed: ${code}` };
  }
}

/** undici's header object (repeats as arrays) back to an ordered list. */
function headerList(headers: Record<string, string | string[] | undefined>): HeaderList {
  const out: HeaderList = [];
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) out.push([k, item]);
    else out.push([k, v]);
  }
  return out;
}
