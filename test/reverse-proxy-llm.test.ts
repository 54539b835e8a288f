// Reverse proxy with the wasm's request-body, streaming and throttle behaviour (issue 3): an LLM request is
// decided on its body before anything reaches the backend, a stream over its token reservation is cut with
// a valid final event, and a throttle delays the request (the wasm holds it until a tick; the service ticks
// the host) without the internal delay header reaching the backend or the client.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DecisionService } from "../gateways/standalone/service.js";
import { startService } from "./support/service-harness.js";

let upstream: Server;
let backendUrl: string;
const upstreamHeaders: Array<Record<string, string | string[] | undefined>> = [];
const WORD = "abcdefghijklmnopqrst"; // 20 chars = 5 completion tokens (spec 8.7: ceil(len/4))

beforeAll(async () => {
  upstream = createServer((req, res) => {
    upstreamHeaders.push(req.headers);
    req.resume();
    req.on("end", () => {
      if (req.url === "/v1/chat/completions") {
        res.writeHead(200, { "content-type": "text/event-stream" });
        let i = 0;
        const tick = () => {
          if (i < 10) {
            res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: WORD }, finish_reason: null }] })}\n\n`);
            i++;
            setTimeout(tick, 5);
          } else {
            res.end("data: [DONE]\n\n");
          }
        };
        tick();
        return;
      }
      res.end("ok");
    });
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  backendUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => upstream.close(() => r())));
const running: DecisionService[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  upstreamHeaders.length = 0;
});

function send(base: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string; ms: number }>((resolve, reject) => {
    const t = performance.now();
    const req = request(`${base}${path}`, { method: body ? "POST" : "GET", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString(), ms: performance.now() - t }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const LLM = JSON.stringify({
  bundle_version: 1,
  policies: [
    {
      id: "llm",
      spec: {
        selector: { pathPrefix: "/v1/" },
        rules: [{ name: "tokens", limit_keys: ["header:x-api-key"], algorithm: "token_bucket_llm", algorithm_config: { tokens_per_minute: 100000, burst_tokens: 100000 } }],
      },
    },
  ],
});

describe("reverse proxy: LLM streams", () => {
  it("a stream over its reservation is cut with finish_reason length and [DONE]", async () => {
    const s = await startService(LLM, { mode: "reverse_proxy", backendUrl });
    running.push(s.service);
    const body = JSON.stringify({ model: "m", stream: true, max_tokens: 20, messages: [{ role: "user", content: "hi" }] });
    const r = await send(s.base, "/v1/chat/completions", { "x-api-key": "k", "content-type": "application/json" }, body);
    expect(r.status).toBe(200);
    const events = r.body.split("\n\n").filter(Boolean).map((e) => e.replace(/^data: /, ""));
    expect(events[events.length - 1]).toBe("[DONE]");
    const final = JSON.parse(events[events.length - 2]) as { choices: Array<{ finish_reason: string }> };
    expect(final.choices[0].finish_reason).toBe("length");
    const text = events
      .slice(0, -2)
      .map((e) => (JSON.parse(e) as { choices: Array<{ delta: { content?: string } }> }).choices[0].delta.content ?? "")
      .join("");
    // 20 completion tokens = 80 characters of the 200 the backend sent.
    expect(text).toBe(WORD.repeat(4));
    expect(r.headers["x-fairvisor-reservation"]).toBeUndefined();
  });
});

describe("throttle", () => {
  const DELAY = 300;
  const THROTTLE = JSON.stringify({
    bundle_version: 1,
    policies: [
      {
        id: "spend",
        spec: {
          selector: { pathPrefix: "/" },
          rules: [
            {
              name: "budget",
              limit_keys: ["header:x-api-key"],
              algorithm: "cost_based",
              algorithm_config: {
                budget: 10,
                period: "1h",
                staged_actions: [
                  { threshold_percent: 50, action: "throttle", delay_ms: DELAY },
                  { threshold_percent: 100, action: "reject" },
                ],
              },
            },
          ],
        },
      },
    ],
  });

  /** Sends until the first throttle; returns every answer. */
  async function untilThrottled(ask: () => Promise<{ status: number; headers: Record<string, unknown>; ms: number }>) {
    const answers = [];
    for (let i = 0; i < 10; i++) {
      const a = await ask();
      answers.push(a);
      if (a.headers["x-fairvisor-warning"] === "budget_throttle") break;
    }
    return answers;
  }

  it("reverse proxy: the throttled request waits the delay before reaching the backend; the delay header stays internal", async () => {
    const s = await startService(THROTTLE, { mode: "reverse_proxy", backendUrl }, true);
    running.push(s.service);
    const answers = await untilThrottled(() => send(s.base, "/x", { "x-api-key": "k" }));
    const last = answers[answers.length - 1];
    expect(last.headers["x-fairvisor-warning"]).toBe("budget_throttle");
    expect(last.ms).toBeGreaterThanOrEqual(DELAY - 5);
    for (const a of answers.slice(0, -1)) expect(a.ms).toBeLessThan(DELAY - 50);
    expect(last.headers["x-fairvisor-delay-ms"]).toBeUndefined();
    expect(upstreamHeaders.every((h) => h["x-fairvisor-delay-ms"] === undefined)).toBe(true);
  });

  it("decision service: the throttled answer comes after the delay, without the delay header", async () => {
    const s = await startService(THROTTLE, {}, true);
    running.push(s.service);
    const answers = await untilThrottled(() => send(s.base, "/v1/decision", { "x-original-method": "GET", "x-original-uri": "/x", "x-api-key": "k" }));
    const last = answers[answers.length - 1];
    expect([last.status, last.headers["x-fairvisor-warning"], last.headers["x-fairvisor-delay-ms"]]).toEqual([200, "budget_throttle", undefined]);
    expect(last.ms).toBeGreaterThanOrEqual(DELAY - 5);
    const metrics = await (await fetch(`${s.base}/metrics`)).text();
    expect(metrics).toContain('fairvisor_decisions_total{action="throttle",policy="spend",reason="budget_throttle",route="/"} 1');
  });
});
