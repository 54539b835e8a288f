// Reverse-proxy mode end to end (spec 11): a real upstream on loopback, the real service in front of it
// running build/fairvisor.wasm. SSE must reach the client event by event; hop-by-hop headers are removed
// and X-Forwarded-* set; a reject never reaches the upstream; upstream failures are 502/504 with JSON;
// the service's own endpoints stay local; the wasm's X-Fairvisor-Decision-Info reaches neither the client
// nor the backend, and a backend cannot forge it.
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DecisionService } from "../gateways/standalone/service.js";
import { startService, tokenBucketBundle } from "./support/service-harness.js";

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
const seen: Seen[] = [];
let upstream: Server;
let upstreamUrl: string;
/** When the SSE handler wrote its last byte (performance.now()). */
let sseFinishedAt = 0;

const EVENTS = ['data: {"n":1}\n\n', 'data: {"n":2}\n\n', "data: [DONE]\n\n"];

beforeAll(async () => {
  upstream = createServer((req: IncomingMessage, res) => {
    if (req.url === "/sse") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      let i = 0;
      const next = () => {
        res.write(EVENTS[i++]);
        if (i < EVENTS.length) setTimeout(next, 300);
        else {
          sseFinishedAt = performance.now();
          res.end();
        }
      };
      next();
      return;
    }
    if (req.url === "/forge") {
      // A backend that sends the service's internal header: the filter's own value replaces it.
      res.writeHead(200, { "x-fairvisor-decision-info": '{"action":"reject","reason":"forged"}' });
      res.end("forged");
      return;
    }
    if (req.url === "/slow") {
      setTimeout(() => res.end("late"), 2000).unref();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(201, { "content-type": "text/plain", connection: "x-upstream-hop", "x-upstream-hop": "1", "x-app": "yes" });
      res.end(`echo ${req.method} ${req.url}`);
    });
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => upstream.close(() => r())));

const running: DecisionService[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  seen.length = 0;
});

async function proxy(bundle = tokenBucketBundle(1, { burst: 2, prefix: "/" }), extra: Record<string, unknown> = {}) {
  const s = await startService(bundle, { mode: "reverse_proxy", backendUrl: upstreamUrl, upstreamTimeoutMs: 500, ...extra });
  running.push(s.service);
  return s;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
function send(base: string, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: opts.method ?? "GET", headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

describe("reverse proxy", () => {
  it("SSE reaches the client event by event: the first event arrives before the upstream finishes", async () => {
    const s = await proxy();
    const arrivals: Array<{ at: number; text: string }> = [];
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${s.base}/sse`, { headers: { "x-api-key": "sse" } }, (res) => {
        res.on("data", (c: Buffer) => arrivals.push({ at: performance.now(), text: c.toString() }));
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(200);
    expect(arrivals.map((a) => a.text).join("")).toBe(EVENTS.join(""));
    expect(arrivals[0].text).toBe(EVENTS[0]);
    // The upstream spends 600 ms between its first and last event.
    expect(sseFinishedAt - arrivals[0].at).toBeGreaterThan(400);
  });

  it("forwards method, path with query and body; hop-by-hop removed both ways; X-Forwarded-* set; RateLimit added", async () => {
    const s = await proxy();
    const r = await send(s.base, "/api/items?x=1&y=%20", {
      method: "POST",
      headers: {
        "x-api-key": "k1",
        host: "shop.example.com",
        connection: "keep-alive, x-secret-hop",
        "x-secret-hop": "drop me",
        "keep-alive": "timeout=5",
        "proxy-connection": "keep-alive",
        te: "trailers",
        "x-forwarded-for": "198.51.100.9",
        "x-forwarded-proto": "spoofed",
        "content-type": "application/json",
      },
      body: '{"a":1}',
    });
    expect([r.status, r.body]).toEqual([201, "echo POST /api/items?x=1&y=%20"]);
    expect(r.headers["x-app"]).toBe("yes");
    expect(r.headers["x-upstream-hop"]).toBeUndefined();
    expect(r.headers["ratelimit"]).toBe('"tb";r=1;t=1');
    expect(r.headers["ratelimit-remaining"]).toBe("1");
    const up = seen[0];
    expect(up.body).toBe('{"a":1}');
    expect(up.headers["x-secret-hop"]).toBeUndefined();
    expect(up.headers["keep-alive"]).toBeUndefined();
    expect(up.headers["proxy-connection"]).toBeUndefined();
    expect(up.headers["te"]).toBeUndefined();
    expect(up.headers["host"]).toBe("shop.example.com");
    expect(up.headers["x-forwarded-for"]).toBe("198.51.100.9, 127.0.0.1");
    expect(up.headers["x-forwarded-proto"]).toBe("http");
    expect(up.headers["x-forwarded-host"]).toBe("shop.example.com");
    expect(up.headers["content-type"]).toBe("application/json");
  });

  it("a reject is the filter's 429 and never reaches the upstream", async () => {
    const s = await proxy(tokenBucketBundle(1, { burst: 1, prefix: "/" }));
    expect((await send(s.base, "/api/a", { headers: { "x-api-key": "k" } })).status).toBe(201);
    const r = await send(s.base, "/api/a", { method: "POST", headers: { "x-api-key": "k" }, body: "x".repeat(100_000) });
    expect(r.status).toBe(429);
    expect(r.headers["x-fairvisor-reason"]).toBe("token_bucket_exceeded");
    expect(r.headers["retry-after"]).toBe("2");
    expect(JSON.parse(r.body)).toEqual({ error: { message: "Rate limit exceeded: token_bucket_exceeded", type: "rate_limit_error", code: "rate_limit_exceeded" } });
    expect(seen.length).toBe(1);
  });

  it("upstream down: 502 with JSON; upstream too slow: 504 with JSON", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((r) => closed.close(() => r()));
    const dead = await startService(tokenBucketBundle(1, { prefix: "/" }), { mode: "reverse_proxy", backendUrl: deadUrl, upstreamTimeoutMs: 500 });
    running.push(dead.service);
    const down = await send(dead.base, "/api/a", { headers: { "x-api-key": "k" } });
    expect(down.status).toBe(502);
    expect(JSON.parse(down.body)).toEqual({ error: "upstream_unavailable", message: "upstream connection failed: ECONNREFUSED" });
    // The gateway's own answer still passes through the filter's response path, as Envoy's router replies do.
    expect(down.headers["ratelimit"]).toBe('"tb";r=1;t=1');

    const s = await proxy();
    const slow = await send(s.base, "/slow", { headers: { "x-api-key": "k" } });
    expect(slow.status).toBe(504);
    expect(JSON.parse(slow.body)).toEqual({ error: "upstream_timeout", message: "upstream did not answer within 500 ms" });
  });

  it("X-Fairvisor-Decision-Info never reaches the client or the backend; debug headers come from it", async () => {
    const s = await proxy(tokenBucketBundle(1, { burst: 1, prefix: "/" }), { debugSecret: "dbg" });
    const set = (await send(s.base, "/v1/debug/session", { method: "POST", headers: { "x-fairvisor-debug-secret": "dbg" } })).headers["set-cookie"] as string[];
    const cookie = set[0].slice(0, set[0].indexOf(";"));
    const allow = await send(s.base, "/api/a", { headers: { "x-api-key": "k", cookie } });
    const reject = await send(s.base, "/api/a", { headers: { "x-api-key": "k", cookie } });
    const plain = await send(s.base, "/api/a", { headers: { "x-api-key": "k" } });
    const forged = await send(s.base, "/forge", { headers: { "x-api-key": "other" } });
    expect([allow.status, reject.status, plain.status, forged.status]).toEqual([201, 429, 429, 200]);
    for (const r of [allow, reject, plain, forged]) expect(r.headers["x-fairvisor-decision-info"]).toBeUndefined();
    expect(seen.map((x) => x.headers["x-fairvisor-decision-info"])).toEqual([undefined]);
    const debug = (r: Reply) => Object.entries(r.headers).filter(([k]) => k.startsWith("x-fairvisor-debug-") && !k.endsWith("latency-us"));
    expect(debug(allow)).toEqual([
      ["x-fairvisor-debug-decision", "allow"],
      ["x-fairvisor-debug-mode", "enforce"],
      ["x-fairvisor-debug-reason", "all_rules_passed"],
      ["x-fairvisor-debug-policy", "tb"],
      ["x-fairvisor-debug-matched-policies", "1"],
      ["x-fairvisor-debug-descriptor-1-key", "header:x-api-key"],
      ["x-fairvisor-debug-descriptor-1-value", "k"],
    ]);
    expect(debug(reject)).toEqual([
      ["x-fairvisor-debug-decision", "reject"],
      ["x-fairvisor-debug-mode", "enforce"],
      ["x-fairvisor-debug-reason", "token_bucket_exceeded"],
      ["x-fairvisor-debug-policy", "tb"],
      ["x-fairvisor-debug-rule", "per-key"],
      ["x-fairvisor-debug-matched-policies", "1"],
      ["x-fairvisor-debug-descriptor-1-key", "header:x-api-key"],
      ["x-fairvisor-debug-descriptor-1-value", "k"],
    ]);
    expect(debug(plain)).toEqual([]);
    const decisions = (await send(s.base, "/metrics")).body.split("\n").filter((l) => l.startsWith("fairvisor_decisions_total{"));
    expect(decisions).toEqual([
      'fairvisor_decisions_total{action="allow",policy="tb",reason="all_rules_passed",route="/"} 2',
      'fairvisor_decisions_total{action="reject",policy="tb",reason="token_bucket_exceeded",route="/"} 2',
    ]);
  });

  it("health, metrics and the decision API stay local", async () => {
    const s = await proxy();
    expect((await send(s.base, "/livez")).body).toBe("ok\n");
    expect((await send(s.base, "/readyz")).status).toBe(200);
    expect((await send(s.base, "/metrics")).body).toContain("fairvisor_decisions_total");
    const d = await send(s.base, "/v1/decision", { headers: { "x-original-method": "GET", "x-original-uri": "/api/z", "x-api-key": "d" } });
    expect([d.status, d.headers["ratelimit"]]).toEqual([200, '"tb";r=1;t=1']);
    expect(seen.length).toBe(0);
  });
});
