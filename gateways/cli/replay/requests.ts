// The requests `fairvisor test` replays: a JSON array or JSON lines (one object a line), or one default
// request per policy (spec 13: first selector method or GET, pathExact or pathPrefix or /, ip 127.0.0.1,
// User-Agent fairvisor-cli/test). Field names of the original's request contexts are accepted too
// (`ip_address`, `query_params`).

export interface ReplayRequest {
  method: string;
  /** Path plus query. */
  path: string;
  headers: Array<[string, string]>;
  body: string | null;
  ip: string;
  /** Absolute virtual time (epoch ms) to set before this request. */
  time?: number;
  /** Virtual milliseconds to let pass before this request. */
  delayMs?: number;
}

export class RequestsError extends Error {}

const DEFAULT_UA = "fairvisor-cli/test";

export function parseRequests(text: string): ReplayRequest[] {
  const trimmed = text.trim();
  let items: unknown[];
  if (trimmed.startsWith("[")) {
    try {
      items = JSON.parse(trimmed) as unknown[];
    } catch (err) {
      throw new RequestsError(`Invalid JSON: ${(err as Error).message}`);
    }
  } else {
    items = [];
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].trim() === "") continue;
      try {
        items.push(JSON.parse(lines[i]));
      } catch (err) {
        throw new RequestsError(`Invalid JSON on line ${i + 1}: ${(err as Error).message}`);
      }
    }
  }
  return items.map((item, i) => toRequest(item, i + 1));
}

function toRequest(raw: unknown, n: number): ReplayRequest {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new RequestsError(`request ${n}: must be an object`);
  const o = raw as Record<string, unknown>;
  const headers: Array<[string, string]> = [];
  if (o.headers !== undefined) {
    if (typeof o.headers !== "object" || o.headers === null) throw new RequestsError(`request ${n}: headers must be an object`);
    for (const [k, v] of Object.entries(o.headers)) headers.push([k.toLowerCase(), String(v)]);
  }
  if (!headers.some(([k]) => k === "user-agent")) headers.push(["user-agent", DEFAULT_UA]);
  let path = typeof o.path === "string" ? o.path : "/";
  if (o.query_params && typeof o.query_params === "object") {
    const q = new URLSearchParams(o.query_params as Record<string, string>).toString();
    if (q) path += (path.includes("?") ? "&" : "?") + q;
  }
  const body = o.body === undefined || o.body === null ? null : typeof o.body === "string" ? o.body : JSON.stringify(o.body);
  const time = o.time === undefined ? undefined : typeof o.time === "number" ? o.time : Date.parse(String(o.time));
  if (time !== undefined && !Number.isFinite(time)) throw new RequestsError(`request ${n}: time must be epoch milliseconds or an ISO date`);
  const delayMs = o.delay_ms === undefined ? undefined : Number(o.delay_ms);
  if (delayMs !== undefined && !(delayMs >= 0)) throw new RequestsError(`request ${n}: delay_ms must be a non-negative number`);
  return {
    method: typeof o.method === "string" ? o.method.toUpperCase() : "GET",
    path,
    headers,
    body,
    ip: typeof o.ip === "string" ? o.ip : typeof o.ip_address === "string" ? o.ip_address : "127.0.0.1",
    time,
    delayMs,
  };
}

/** One request per policy of the bundle (spec 13). */
export function defaultRequests(bundleText: string): ReplayRequest[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bundleText);
  } catch {
    return [];
  }
  const policies = (parsed as { policies?: unknown }).policies;
  if (!Array.isArray(policies)) return [];
  return policies.map((p) => {
    const selector = ((p as { spec?: { selector?: Record<string, unknown> } }).spec?.selector ?? {}) as Record<string, unknown>;
    const methods = Array.isArray(selector.methods) ? selector.methods : [];
    const path = typeof selector.pathExact === "string" ? selector.pathExact : typeof selector.pathPrefix === "string" ? selector.pathPrefix : "/";
    return { method: typeof methods[0] === "string" ? methods[0] : "GET", path, headers: [["user-agent", DEFAULT_UA]], body: null, ip: "127.0.0.1" };
  });
}
