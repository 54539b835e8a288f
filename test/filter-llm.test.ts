// LLM requests through the real module in the Envoy-profile host (DESIGN.md section 5, spec 8.3, 8.8,
// decisions 10 and 11): the body is buffered only when the engine needs it, 413 past the configured
// limit, the OpenAI-compatible 429 body with details, the reservation id on the allow, and JSON responses
// reconciled from their `usage` (or kept when there is none).
import { describe, expect, it } from "vitest";
import {
  bucketTokens, llmBundle, respond, send, sendLlmRequest, startHost, tokenBucketBundle, type TestHost,
} from "./support/fairvisor-host.js";

const PROMPT_40_CHARS = "x".repeat(40); // simple_word: ceil(40 / 4) = 10 prompt tokens

function chat(maxTokens?: number, extra: Record<string, unknown> = {}) {
  const body: Record<string, unknown> = { model: "m", messages: [{ role: "user", content: PROMPT_40_CHARS }], ...extra };
  if (maxTokens !== undefined) body.max_tokens = maxTokens;
  return body;
}

function json(x: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(x), "utf8");
}

const KEY = "tpm:llm:tokens:k1";
const req = { headers: { "x-api-key": "k1" } };

async function llmHost(extra: Partial<Parameters<typeof llmBundle>[0]> = {}, vmConfiguration?: string): Promise<TestHost> {
  return startHost(llmBundle({ tpm: 1000, ...extra }), vmConfiguration ? { vmConfiguration } : {});
}

describe("request body", () => {
  it("decides at request headers when no rule needs the body (no pause)", async () => {
    const t = await startHost(tokenBucketBundle({ burst: 5, rate: 1 }));
    const stream = t.host.worker(0).newStream();
    const r = stream.onRequestHeaders([[":method", "POST"], [":path", "/v1/x"], [":authority", "a"], ["x-api-key", "k"]], false);
    expect(r.verdict).toBe("continue");
    const body = stream.onRequestBody(Buffer.from("{}"), true);
    expect(body.verdict).toBe("continue");
    expect(Buffer.from(body.body).toString()).toBe("{}");
  });

  it("decides at request headers when the LLM route does not match", async () => {
    const t = await llmHost();
    const x = sendLlmRequest(t, chat(50), { ...req, path: "/other" });
    expect(x.headersVerdict).toBe("continue");
  });

  it("decides at once when the request has no body (end_of_stream at headers)", async () => {
    const t = await llmHost({ defaultMaxCompletion: 100 });
    const x = sendLlmRequest(t, "", req);
    expect(x.headersVerdict).toBe("continue");
    expect(x.reply).toBeNull();
    expect(bucketTokens(t, KEY)).toBe(900); // prompt 0 + default completion 100
  });

  it("decides at once on Kong (headers never carry end_of_stream) when Content-Length is 0", async () => {
    const t = await startHost(llmBundle({ tpm: 1000, defaultMaxCompletion: 100 }), { profile: "kong", shmKvZones: ["*"] });
    const x = sendLlmRequest(t, "", { headers: { "x-api-key": "k1", "content-length": "0" } });
    expect(x.headersVerdict).toBe("continue");
    expect(bucketTokens(t, KEY)).toBe(900);
  });

  it("pauses at headers and decides when the whole body arrived, in any number of chunks", async () => {
    const t = await llmHost();
    const x = sendLlmRequest(t, chat(50), { ...req, chunks: 4 });
    expect(x.headersVerdict).toBe("pause");
    expect(x.reply).toBeNull();
    expect(JSON.parse(Buffer.from(x.forwardedBody).toString())).toEqual(chat(50));
    expect(bucketTokens(t, KEY)).toBe(1000 - 60);
    const r = respond(x.stream, "application/json", []);
    expect(r.headers["x-fairvisor-reservation"]).toMatch(/^[0-9a-z]+\.[0-9a-z]+\.[0-9a-z]+\.[0-9a-z]+$/);
  });

  it("answers 413 request_body_too_large past max_request_body_bytes", async () => {
    const t = await llmHost({}, JSON.stringify({ max_request_body_bytes: 100 }));
    const x = sendLlmRequest(t, chat(50, { padding: "p".repeat(200) }), { ...req, chunks: 3 });
    expect(x.status).toBe(413);
    expect(x.reply?.headers["x-fairvisor-reason"]).toBe("request_body_too_large");
    expect(x.reply?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(x.reply!.body).error.code).toBe("request_body_too_large");
    expect(bucketTokens(t, KEY)).toBeUndefined(); // nothing was reserved
    const small = sendLlmRequest(t, { messages: [] }, req);
    expect(small.status).toBe(200);
  });

  it("asks APISIX for the request body (wasm_process_req_body) so a paused request is decided", async () => {
    // APISIX calls body callbacks only after the module set the property (research/gateways.md section 0);
    // it has no shared data, so the LLM limiter fails open, but the request must not stay paused.
    const t = await startHost(llmBundle({ tpm: 1000 }), { profile: "apisix" });
    const x = sendLlmRequest(t, chat(50), req);
    expect(x.headersVerdict).toBe("pause");
    expect(x.reply).toBeNull();
    expect(JSON.parse(Buffer.from(x.forwardedBody).toString())).toEqual(chat(50));
  });

  it("gives distinct reservation ids", async () => {
    const t = await llmHost();
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const x = sendLlmRequest(t, chat(10), req);
      ids.add(respond(x.stream, "application/json", [json({ usage: { prompt_tokens: 1, completion_tokens: 1 } })]).headers["x-fairvisor-reservation"]);
      x.stream.finish();
    }
    expect(ids.size).toBe(5);
  });
});

describe("LLM reject", () => {
  it("answers 429 with the OpenAI-compatible body and details (spec 8.3, decision 10)", async () => {
    const t = await llmHost({ tpm: 100 });
    expect(sendLlmRequest(t, chat(50), req).status).toBe(200); // 60 of 100
    const x = sendLlmRequest(t, chat(50), req);
    expect(x.status).toBe(429);
    expect(x.reply?.headers["x-fairvisor-reason"]).toBe("tpm_exceeded");
    expect(JSON.parse(x.reply!.body)).toEqual({
      error: {
        message: "Rate limit exceeded: tpm_exceeded",
        type: "rate_limit_error",
        code: "rate_limit_exceeded",
        details: { reason: "tpm_exceeded", limit: 100, requested: 60 },
      },
    });
    expect(t.logs.some((l) => l.level === "info" && /^ctx=\d+ reject policy=llm rule=tokens reason=tpm_exceeded$/.test(l.message))).toBe(true);
  });

  it("keeps the plain body for non-LLM rejects", async () => {
    const t = await startHost(tokenBucketBundle({ burst: 1, rate: 1 }));
    send(t, { headers: { "x-api-key": "a" } });
    const a = send(t, { headers: { "x-api-key": "a" } });
    expect(JSON.parse(a.body)).toEqual({
      error: { message: "Rate limit exceeded: token_bucket_exceeded", type: "rate_limit_error", code: "rate_limit_exceeded" },
    });
  });
});

describe("JSON response reconciliation", () => {
  it("refunds reserved minus the OpenAI usage", async () => {
    const t = await llmHost();
    const x = sendLlmRequest(t, chat(50), req);
    expect(bucketTokens(t, KEY)).toBe(940);
    const body = json({ id: "x", choices: [{ message: { content: "hi" } }], usage: { prompt_tokens: 8, completion_tokens: 12, total_tokens: 20 } });
    const r = respond(x.stream, "application/json", [body.subarray(0, 7), body.subarray(7, 30), body.subarray(30)]);
    expect(r.body).toBe(Buffer.from(body).toString()); // untouched
    expect(bucketTokens(t, KEY)).toBe(980);
    x.stream.finish();
    expect(bucketTokens(t, KEY)).toBe(980); // settled exactly once
  });

  it("reads Anthropic input_tokens / output_tokens", async () => {
    const t = await llmHost();
    const x = sendLlmRequest(t, chat(50), { ...req, path: "/v1/messages" });
    respond(x.stream, "application/json; charset=utf-8", [json({ type: "message", content: [], usage: { input_tokens: 9, output_tokens: 21 } })]);
    expect(bucketTokens(t, KEY)).toBe(970);
  });

  it("keeps the full reservation when the body has no usage, or the client goes away", async () => {
    const t = await llmHost();
    const a = sendLlmRequest(t, chat(50), req);
    respond(a.stream, "application/json", [json({ error: { message: "upstream failed" } })], 500);
    expect(bucketTokens(t, KEY)).toBe(940);
    const b = sendLlmRequest(t, chat(50), req);
    b.stream.finish(); // no response at all
    expect(bucketTokens(t, KEY)).toBe(880);
  });

  it("logs the reconciliation at debug level with the context id", async () => {
    const t = await startHost(llmBundle({ tpm: 1000 }), { logLevel: "debug" });
    const x = sendLlmRequest(t, chat(50), req);
    respond(x.stream, "application/json", [json({ usage: { prompt_tokens: 8, completion_tokens: 12 } })]);
    const line = t.logs.find((l) => l.message.includes("reconcile "));
    expect(line?.level).toBe("debug");
    expect(line?.message).toMatch(/^ctx=\d+ reconcile policy=llm rule=tokens reserved=60 actual=20 refunded=40 source=usage status=200$/);
    expect(line?.contextId).toBe(x.stream.contextId);
  });
});

describe("circuit breaker spend from real usage", () => {
  it("corrects the breaker by the real usage (recordSpend) and logs the alert when it trips", async () => {
    const bundle = llmBundle({ tpm: 100000 }) as { policies: Array<{ spec: Record<string, unknown> }> };
    bundle.policies[0].spec.circuit_breaker = { enabled: true, spend_rate_threshold_per_minute: 100, action: "reject", alert: true };
    const t = await startHost(bundle);
    const usage20 = json({ usage: { prompt_tokens: 8, completion_tokens: 12 } });
    const a = sendLlmRequest(t, chat(50), req); // breaker counts the estimate, 60
    expect(a.status).toBe(200);
    respond(a.stream, "application/json", [usage20]); // corrected to 20
    const b = sendLlmRequest(t, chat(50), req); // 20 + 60 = 80 < 100: allowed only thanks to the correction
    expect(b.status).toBe(200);
    respond(b.stream, "application/json", [usage20]); // 40
    const c = sendLlmRequest(t, chat(50), req); // 40 + 60 = 100: trips
    expect(c.status).toBe(429);
    expect(c.reply?.headers["x-fairvisor-reason"]).toBe("circuit_breaker_open");
    expect(t.logs.some((l) => l.level === "warn" && /^ctx=\d+ breaker_alert policy=llm mode=enforce$/.test(l.message))).toBe(true);
  });
});
