// The backend shim inside functions-framework's real server (getTestServer builds the same Express server
// `functions-framework --target` runs), in front of a tiny upstream, over real HTTP. The gateway's view is
// injected as API Gateway sends it (research/gateways.md 5): Google's ID token in Authorization, the
// client's in X-Forwarded-Authorization, verified claims in X-Apigateway-Api-Userinfo, the client in XFF.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { http as registerHttp } from "@google-cloud/functions-framework";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import { testEngine, type TestEngine } from "../adapter/testing.js";
import { MemoryLogger } from "../standalone/log.js";
import { createBackendShim } from "./handler.js";
import { clientIpFrom, identityHeaders } from "./identity.js";

const tb = (name: string, key: string, burst = 2) => ({ name, limit_keys: [key], algorithm: "token_bucket", algorithm_config: { tokens_per_second: 1, burst } });
const BUNDLE = {
  bundle_version: 1,
  policies: [
    { id: "api", spec: { selector: { pathPrefix: "/api/" }, rules: [tb("per-user", "jwt:sub")] } },
    { id: "ip", spec: { selector: { pathPrefix: "/by-ip/" }, rules: [tb("per-ip", "ip:address", 1)] } },
  ],
};

interface Seen { method: string; url: string; headers: IncomingMessage["headers"]; body: string }
const seen: Seen[] = [];
let upstream: Server;
let shim: Server;
let base: string;
let t: TestEngine;
let releaseStream: () => void = () => {};

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
const jwt = (claims: unknown) => `Bearer ${b64({ alg: "RS256" })}.${b64(claims)}.sig`;
const GOOGLE_ID_TOKEN = jwt({ sub: "gateway-service-account", aud: "https://shim" });

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (req.url!.endsWith("/stream")) {
        res.writeHead(200, { "content-type": "text/event-stream", "ratelimit-limit": "999" });
        res.write("data: first\n\n");
        releaseStream = () => res.end("data: [DONE]\n\n");
        return;
      }
      res.writeHead(201, { "content-type": "application/json", "x-upstream": "yes" });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  const upstreamUrl = await listen(upstream);
  t = await testEngine(BUNDLE, { platform: "gcp" });
  registerHttp("fairvisor-test", createBackendShim({ engine: async () => t.engine, backendUrl: `${upstreamUrl}/backend`, log: new MemoryLogger() }));
  shim = getTestServer("fairvisor-test");
  base = await listen(shim);
});
afterAll(async () => {
  await Promise.all([upstream, shim].map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); })));
});

const gatewayHeaders = (claims: Record<string, unknown>, xff = "203.0.113.7, 35.191.0.1") => ({
  authorization: GOOGLE_ID_TOKEN,
  "x-forwarded-authorization": jwt(claims),
  "x-apigateway-api-userinfo": b64(claims),
  "x-forwarded-for": xff,
});

describe("GCP backend shim in functions-framework", () => {
  it("allow: forwards method, path, query, headers and body to the backend, streams its answer back with the RateLimit headers", async () => {
    seen.length = 0;
    const r = await fetch(`${base}/api/items?q=1`, {
      method: "POST",
      headers: { ...gatewayHeaders({ sub: "alice" }), "content-type": "application/json" },
      body: '{"n":1}',
    });
    expect(r.status).toBe(201);
    expect(await r.json()).toEqual({ ok: true });
    expect(r.headers.get("x-upstream")).toBe("yes");
    expect(r.headers.get("ratelimit")).toBe('"api";r=1;t=1');
    expect(r.headers.get("ratelimit-limit")).toBe("2");
    expect(r.headers.get("ratelimit-remaining")).toBe("1");
    expect(r.headers.get("ratelimit-reset")).toBe("1");
    expect(seen).toHaveLength(1);
    expect(seen[0].method).toBe("POST");
    expect(seen[0].url).toBe("/backend/api/items?q=1");
    expect(seen[0].body).toBe('{"n":1}');
    expect(seen[0].headers["x-forwarded-authorization"]).toBe(jwt({ sub: "alice" }));
    expect(seen[0].headers["content-type"]).toBe("application/json");
  });

  it("keys jwt:sub on the gateway-verified claims, never on the gateway's own ID token; 429 with the headers when over", async () => {
    const bob = gatewayHeaders({ sub: "bob" });
    expect((await fetch(`${base}/api/x`, { headers: bob })).status).toBe(201);
    expect((await fetch(`${base}/api/x`, { headers: bob })).status).toBe(201);
    seen.length = 0;
    const over = await fetch(`${base}/api/x`, { headers: bob });
    expect(over.status).toBe(429);
    expect(over.headers.get("retry-after")).toBe("2");
    expect(over.headers.get("x-fairvisor-reason")).toBe("token_bucket_exceeded");
    expect(over.headers.get("ratelimit")).toBe('"api";r=0;t=1');
    expect(over.headers.get("ratelimit-limit")).toBe("2");
    expect(over.headers.get("ratelimit-remaining")).toBe("0");
    expect(over.headers.get("ratelimit-reset")).toBe("1");
    expect(await over.json()).toEqual({ error: { message: "Rate limit exceeded: token_bucket_exceeded", type: "rate_limit_error", code: "rate_limit_exceeded" } });
    expect(seen).toEqual([]);
    // Another user behind the same gateway token has a bucket of their own.
    expect((await fetch(`${base}/api/x`, { headers: gatewayHeaders({ sub: "carol" }) })).status).toBe(201);
  });

  it("without userinfo, X-Forwarded-Authorization is the client's token", async () => {
    const h = { authorization: GOOGLE_ID_TOKEN, "x-forwarded-authorization": jwt({ sub: "dave" }) };
    for (let i = 0; i < 2; i++) expect((await fetch(`${base}/api/y`, { headers: h })).status).toBe(201);
    expect((await fetch(`${base}/api/y`, { headers: h })).status).toBe(429);
  });

  it("ip:address is the first X-Forwarded-For hop", async () => {
    expect((await fetch(`${base}/by-ip/a`, { headers: { "x-forwarded-for": "198.51.100.1, 35.191.0.1" } })).status).toBe(201);
    expect((await fetch(`${base}/by-ip/a`, { headers: { "x-forwarded-for": "198.51.100.1, 35.191.0.2" } })).status).toBe(429);
    expect((await fetch(`${base}/by-ip/a`, { headers: { "x-forwarded-for": "198.51.100.2, 35.191.0.1" } })).status).toBe(201);
  });

  it("streams: the first SSE event reaches the client before the backend has finished", async () => {
    const r = await fetch(`${base}/open/stream`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/event-stream");
    // No policy matched: the backend's own RateLimit-Limit is dropped, none of ours is added.
    expect(r.headers.get("ratelimit-limit")).toBeNull();
    const reader = r.body!.getReader();
    const firstChunk = await reader.read();
    expect(Buffer.from(firstChunk.value!).toString()).toBe("data: first\n\n");
    releaseStream();
    let rest = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rest += Buffer.from(value).toString();
    }
    expect(rest).toBe("data: [DONE]\n\n");
  });

  it("backend down → 502 upstream_unavailable", async () => {
    const log = new MemoryLogger();
    registerHttp("fairvisor-dead", createBackendShim({ engine: async () => t.engine, backendUrl: "http://127.0.0.1:1", log }));
    const dead = getTestServer("fairvisor-dead");
    const url = await listen(dead);
    try {
      const r = await fetch(`${url}/open/x`);
      expect(r.status).toBe(502);
      expect(await r.json()).toEqual({ error: "upstream_unavailable" });
      expect(log.events("gcp_upstream_failed")).toHaveLength(1);
    } finally {
      await new Promise<void>((r) => dead.close(() => r()));
    }
  });
});

describe("the deployed entry (function.ts) from the environment", () => {
  it("registers `fairvisor`, builds the engine from FAIRVISOR_BUNDLE on first use and logs that limits are per instance", async () => {
    const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    process.env.FAIRVISOR_BACKEND_URL = upstreamUrl;
    process.env.FAIRVISOR_BUNDLE = JSON.stringify(BUNDLE);
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      await import("./function.js");
      const server = getTestServer("fairvisor");
      const url = await listen(server);
      try {
        const r = await fetch(`${url}/api/z`, { headers: gatewayHeaders({ sub: "erin" }) });
        expect(r.status).toBe(201);
        expect(r.headers.get("ratelimit")).toBe('"api";r=1;t=1');
      } finally {
        await new Promise<void>((r) => server.close(() => r()));
      }
    } finally {
      process.stdout.write = write;
      delete process.env.FAIRVISOR_BACKEND_URL;
      delete process.env.FAIRVISOR_BUNDLE;
    }
    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.find((e) => e.event === "adapter_store_per_instance")).toMatchObject({
      level: "warn",
      platform: "gcp",
      msg: "limits are per instance until a distributed store is configured: the in-memory store counts only the requests this instance sees",
    });
  });
});

describe("identity helpers", () => {
  it("drops the gateway's Authorization and rebuilds the client's", () => {
    expect(identityHeaders([["authorization", "Bearer google"], ["x-api-key", "k"]])).toEqual([["x-api-key", "k"]]);
    expect(identityHeaders([["authorization", "Bearer google"], ["x-forwarded-authorization", "Bearer client"]])).toEqual([["authorization", "Bearer client"]]);
    expect(identityHeaders([["x-apigateway-api-userinfo", "eyJzdWIiOiJhIn0="]])).toEqual([
      ["x-apigateway-api-userinfo", "eyJzdWIiOiJhIn0="],
      ["authorization", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0."],
    ]);
  });

  it("picks the X-Forwarded-For hop", () => {
    const h: Array<[string, string]> = [["x-forwarded-for", "1.1.1.1, 2.2.2.2"], ["x-forwarded-for", "3.3.3.3"]];
    expect(clientIpFrom(h)).toBe("1.1.1.1");
    expect(clientIpFrom(h, 0)).toBe("3.3.3.3");
    expect(clientIpFrom(h, 1)).toBe("2.2.2.2");
    expect(clientIpFrom(h, 9)).toBe("1.1.1.1");
    expect(clientIpFrom([])).toBeUndefined();
  });
});
