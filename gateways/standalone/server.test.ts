// Routing and the HTTP write path, over a real node:http server; decisions come from a recording stand-in
// so that only the service's own answers are checked here (the wasm's are in test/decision-service.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AddressInfo } from "node:net";
import { request, type Server } from "node:http";
import type { ActiveBundle } from "./bundle-applier.js";
import { MemoryLogger } from "./log.js";
import { createDecisionServer, peerAddress } from "./server.js";
import { allowFacts } from "./decision-facts.js";
import type { DecisionInput } from "./types.js";

const inputs: DecisionInput[] = [];
const bodies: Array<string | null> = [];
let active: ActiveBundle | null = null;
const bundle: ActiveBundle = {
  version: 3,
  hash: "ZuG7vlEVqcC+E3joJHBQ8m7BUpY=",
  text: "{}",
  loadedAt: 1767225600250,
  report: { ok: true, version: 3, policies: 1, rules: 1, rawPolicies: 1, rawRules: 1, errors: [], error: "" },
};
let server: Server;
let base: string;

beforeAll(async () => {
  server = createDecisionServer({
    decider: {
      async decide(input, body) {
        inputs.push(input);
        bodies.push(body === null ? null : Buffer.from(body).toString("utf8"));
        return {
          answer: { status: 200, headers: [["RateLimit-Remaining", "4"]], body: new Uint8Array() },
          facts: allowFacts([], false),
          openStream: null,
        };
      },
    },
    active: () => active,
    vmAlive: () => true,
    log: new MemoryLogger(),
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("routes", () => {
  it("livez: 200 ok", async () => {
    const res = await fetch(`${base}/livez`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain");
    expect(await res.text()).toBe("ok\n");
  });

  it("readyz without a bundle: 503 not_ready; decisions 503 no_bundle_loaded", async () => {
    active = null;
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.text()).toBe('{"status":"not_ready","reason":"no_policy_loaded"}');
    const d = await fetch(`${base}/v1/decision`, { method: "POST" });
    expect(d.status).toBe(503);
    expect(d.headers.get("x-fairvisor-reason")).toBe("no_bundle_loaded");
    expect(inputs.length).toBe(0);
  });

  it("readyz with a bundle: version, hash, update time in epoch seconds", async () => {
    active = bundle;
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.text()).toBe(
      '{"status":"ready","policy_version":3,"policy_hash":"ZuG7vlEVqcC+E3joJHBQ8m7BUpY=","last_config_update":1767225600.25}',
    );
  });

  it("GET and POST /v1/decision decide; the answer's headers are written as given; a POST body reaches the decider", async () => {
    active = bundle;
    inputs.length = 0;
    bodies.length = 0;
    for (const method of ["GET", "POST"]) {
      const res = await fetch(`${base}/v1/decision`, {
        method,
        headers: { "X-Original-Method": "PATCH", "X-Original-URI": "/api/x?q=1", "X-Api-Key": "k" },
        body: method === "POST" ? '{"messages":[]}' : undefined,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("ratelimit-remaining")).toBe("4");
      expect(res.headers.get("content-length")).toBe("0");
    }
    expect(inputs.map((i) => [i.method, i.uri])).toEqual([["PATCH", "/api/x?q=1"], ["PATCH", "/api/x?q=1"]]);
    expect(inputs[0].headers).toContainEqual(["x-api-key", "k"]);
    expect(inputs[0].sourceAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(bodies).toEqual([null, '{"messages":[]}']);
  });

  it("other methods on /v1/decision: 405 with Allow, no decision", async () => {
    inputs.length = 0;
    for (const method of ["PUT", "DELETE", "PATCH"]) {
      const res = await fetch(`${base}/v1/decision`, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, POST");
      expect(await res.text()).toBe("method not allowed\n");
    }
    expect(inputs.length).toBe(0);
  });

  it("ext_authz prefixed form accepts any method", async () => {
    inputs.length = 0;
    // fetch may not set Host; node:http may.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${base}/v1/decision/api/items/9?x=1`, { method: "DELETE", headers: { Host: "api.example.com" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(200);
    expect(inputs[0]).toMatchObject({ method: "DELETE", uri: "/api/items/9?x=1", authority: "api.example.com" });
  });

  it("POST /decision and unknown paths: 404 not found", async () => {
    for (const [method, path] of [["POST", "/decision"], ["GET", "/"], ["GET", "/v1/decisions"], ["GET", "/metrics"]]) {
      const res = await fetch(`${base}${path}`, { method });
      expect(res.status).toBe(404);
      expect(await res.text()).toBe("not found\n");
    }
  });

  it("HEAD /livez has headers and no body", async () => {
    const res = await fetch(`${base}/livez`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe("3");
    expect(await res.text()).toBe("");
  });
});

describe("peerAddress", () => {
  it("formats source.address as Envoy does", () => {
    expect(peerAddress("127.0.0.1", 5000)).toBe("127.0.0.1:5000");
    expect(peerAddress("::ffff:10.1.2.3", 80)).toBe("10.1.2.3:80");
    expect(peerAddress("::1", 443)).toBe("[::1]:443");
  });
});
