// The Functions v4 handler called the way the Functions host calls it: an @azure/functions HttpRequest and
// InvocationContext (public constructors, research/gateways.md 6), built as APIM's send-request sends them
// (fairvisor-fragment.xml): POST, X-Original-*, the client's headers, the function key.
import { HttpRequest, InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { testEngine } from "../adapter/testing.js";
import { MemoryLogger } from "../standalone/log.js";
import { createDecisionHandler } from "./handler.js";

const BUNDLE = {
  bundle_version: 1,
  policies: [
    {
      id: "api",
      spec: {
        selector: { pathPrefix: "/api/", hosts: ["api.contoso.com"] },
        rules: [
          { name: "per-key", limit_keys: ["header:ocp-apim-subscription-key"], algorithm: "token_bucket", algorithm_config: { tokens_per_second: 1, burst: 2 } },
          { name: "per-ip", limit_keys: ["ip:address"], algorithm: "token_bucket", algorithm_config: { tokens_per_second: 1, burst: 5 } },
        ],
      },
    },
  ],
  kill_switches: [{ scope_key: "query:tenant", scope_value: "blocked", reason: "incident" }],
};

const ctx = () => new InvocationContext({ functionName: "fairvisor-decision", invocationId: "inv-1" });

/** APIM's callout: the base request plus per-case overrides. */
function callout(over: { method?: string; uri?: string; host?: string; ip?: string; headers?: Record<string, string>; requestMethod?: string } = {}) {
  const headers: Record<string, string> = {
    "x-original-method": over.method ?? "GET",
    "x-original-uri": over.uri ?? "/api/orders?page=2",
    "x-original-host": over.host ?? "api.contoso.com",
    "x-original-client-ip": over.ip ?? "203.0.113.7",
    "x-forwarded-for": "20.0.0.9:50123",
    "x-functions-key": "secret",
    "ocp-apim-subscription-key": "sub-1",
    ...over.headers,
  };
  return new HttpRequest({ method: over.requestMethod ?? "POST", url: "https://fv-func.azurewebsites.net/v1/decision", headers });
}

async function setup() {
  const t = await testEngine(BUNDLE, { platform: "azure" });
  const log = new MemoryLogger();
  return { ...t, handler: createDecisionHandler({ engine: async () => t.engine, log }), log };
}

const text = (body: Uint8Array | undefined) => Buffer.from(body ?? new Uint8Array()).toString();

describe("Azure decision handler", () => {
  it("allow: 200 with the RateLimit headers and an empty body", async () => {
    const { handler } = await setup();
    const r = await handler(callout(), ctx());
    expect(r.status).toBe(200);
    expect(r.headers).toEqual([
      ["RateLimit-Limit", "5"],
      ["RateLimit-Remaining", "4"],
      ["RateLimit-Reset", "1"],
      ["RateLimit", '"api";r=4;t=1'],
    ]);
    expect(text(r.body)).toBe("");
  });

  it("burst exceeded: 429 with Retry-After, reason, RateLimit headers and the JSON error", async () => {
    const { handler } = await setup();
    await handler(callout(), ctx());
    await handler(callout(), ctx());
    const r = await handler(callout(), ctx());
    expect(r.status).toBe(429);
    expect(Object.fromEntries(r.headers)).toEqual({
      "Content-Type": "application/json",
      "X-Fairvisor-Reason": "token_bucket_exceeded",
      "Retry-After": "2",
      "RateLimit-Limit": "2",
      "RateLimit-Remaining": "0",
      "RateLimit-Reset": "1",
      RateLimit: '"api";r=0;t=1',
    });
    expect(JSON.parse(text(r.body))).toEqual({ error: { message: "Rate limit exceeded: token_bucket_exceeded", type: "rate_limit_error", code: "rate_limit_exceeded" } });
  });

  it("the client address is X-Original-Client-IP, not the App Service X-Forwarded-For", async () => {
    const { handler } = await setup();
    const other = (i: number) => callout({ headers: { "ocp-apim-subscription-key": `k${i}` } });
    for (let i = 0; i < 5; i++) expect((await handler(other(i), ctx())).status).toBe(200);
    expect((await handler(other(5), ctx())).status).toBe(429);
    expect((await handler(callout({ ip: "203.0.113.8", headers: { "ocp-apim-subscription-key": "k6" } }), ctx())).status).toBe(200);
  });

  it("X-Original-URI's query reaches query: keys (kill switch), X-Original-Host drives selector.hosts", async () => {
    const { handler } = await setup();
    const killed = await handler(callout({ uri: "/api/orders?tenant=blocked" }), ctx());
    expect(killed.status).toBe(429);
    expect(Object.fromEntries(killed.headers)["X-Fairvisor-Reason"]).toBe("kill_switch");
    const otherHost = await handler(callout({ host: "other.contoso.com" }), ctx());
    expect(otherHost).toEqual({ status: 200, headers: [], body: new Uint8Array(0) });
  });

  it("GET works too (same contract as /v1/decision); other methods get 405", async () => {
    const { handler } = await setup();
    expect((await handler(callout({ requestMethod: "GET" }), ctx())).status).toBe(200);
    const r = await handler(callout({ requestMethod: "PUT" }), ctx());
    expect(r.status).toBe(405);
    expect(r.headers).toEqual([["Allow", "GET, POST"], ["Content-Type", "text/plain; charset=utf-8"]]);
  });

  it("engine that cannot start: 503 service_unavailable, logged", async () => {
    const log = new MemoryLogger();
    const handler = createDecisionHandler({ engine: () => Promise.reject(new Error("set FAIRVISOR_BUNDLE")), log });
    const r = await handler(callout(), ctx());
    expect(r.status).toBe(503);
    expect(r.headers).toEqual([["Content-Type", "application/json"], ["X-Fairvisor-Reason", "service_unavailable"]]);
    expect(text(r.body)).toBe('{"error":"service_unavailable"}');
    expect(log.events("azure_engine_failed")).toEqual([{ level: "error", event: "azure_engine_failed", invocation: "inv-1", err: "set FAIRVISOR_BUNDLE" }]);
  });
});
