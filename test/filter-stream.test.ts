// Streamed LLM responses through the real module (spec 8.7, decision 11, research/gateways.md 1.7):
// OpenAI and Anthropic SSE cut into random chunk sizes are truncated at exactly the reservation's
// completion limit, stay valid SSE that ends with the closing events, and the reservation is refunded to
// the exact real usage. Shadow only logs would_truncate; a client that goes away keeps the reservation.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  anthropicStream, bucketTokens, cut, llmBundle, openAiStream, parseSse, respond, sendLlmRequest, startHost,
  type SseEvent, type TestHost,
} from "./support/fairvisor-host.js";

const PROMPT = "x".repeat(40); // 10 prompt tokens (simple_word)
const BURST = 100000;

function chat(maxTokens: number) {
  return { model: "m", stream: true, messages: [{ role: "user", content: PROMPT }], max_tokens: maxTokens };
}

/** What the module should deliver: per-event ceil(len/4) tokens, the crossing text trimmed to fit (ASCII). */
function expectedCut(texts: string[], limit: number): { text: string; tokens: number; truncated: boolean } {
  let tokens = 0;
  let text = "";
  for (const t of texts) {
    const n = Math.ceil(t.length / 4);
    if (tokens + n <= limit) {
      tokens += n;
      text += t;
      continue;
    }
    const kept = t.slice(0, (limit - tokens) * 4);
    return { text: text + kept, tokens: tokens + Math.ceil(kept.length / 4), truncated: true };
  }
  return { text, tokens, truncated: false };
}

function openAiText(events: SseEvent[]): string {
  let s = "";
  for (const e of events) {
    if (e.data === "[DONE]") continue;
    const content = JSON.parse(e.data).choices?.[0]?.delta?.content;
    if (typeof content === "string") s += content;
  }
  return s;
}

function anthropicText(events: SseEvent[]): string {
  let s = "";
  for (const e of events) {
    const d = JSON.parse(e.data);
    if (d.type === "content_block_delta") s += d.delta.text;
  }
  return s;
}

let keyCounter = 0;
function run(t: TestHost, format: "openai" | "anthropic", texts: string[], maxTokens: number, sizes: number[], usage?: { prompt: number; completion: number }) {
  const key = `k${++keyCounter}`;
  const x = sendLlmRequest(t, chat(maxTokens), { headers: { "x-api-key": key }, path: format === "openai" ? "/v1/chat/completions" : "/v1/messages" });
  expect(x.reply).toBeNull();
  const reserved = 10 + maxTokens;
  expect(bucketTokens(t, `tpm:llm:tokens:${key}`)).toBe(BURST - reserved);
  const upstream = format === "openai" ? openAiStream(texts, usage) : anthropicStream(texts, usage);
  const r = respond(x.stream, "text/event-stream", cut(Buffer.from(upstream), sizes));
  x.stream.finish();
  return { key, body: r.body, headers: r.headers, charged: BURST - (bucketTokens(t, `tpm:llm:tokens:${key}`) ?? NaN) };
}

const asciiText = fc.string({ unit: fc.constantFrom(..."abcdefghij klmnopqrstuvwxyz.,!?0123456789"), minLength: 0, maxLength: 23 });

describe("SSE truncation and reconciliation", () => {
  it("acceptance: a reservation allowing 50 completion tokens ends after 50 with finish_reason length and [DONE]", async () => {
    const t = await startHost(llmBundle({ tpm: BURST }));
    const texts = Array.from({ length: 80 }, (_, i) => `w${String(i).padStart(3, "0")}`); // 4 chars = 1 token each
    const r = run(t, "openai", texts, 50, [37]);
    const { events, rest } = parseSse(r.body);
    expect(rest).toBe("");
    expect(openAiText(events)).toBe(texts.slice(0, 50).join(""));
    const final = JSON.parse(events[events.length - 2].data);
    expect(final).toEqual({
      choices: [{ index: 0, delta: {}, finish_reason: "length" }],
      usage: { prompt_tokens: 10, completion_tokens: 50, total_tokens: 60 },
    });
    expect(events[events.length - 1].data).toBe("[DONE]");
    expect(r.charged).toBe(60); // prompt 10 + the 50 delivered; the reservation was 60 as well
    expect(t.logs.some((l) => /^ctx=\d+ truncate limit=50 delivered=50$/.test(l.message))).toBe(true);
  });

  it("OpenAI, random texts, limits and chunk sizes: cut at the right token, valid SSE, exact refund", async () => {
    const t = await startHost(llmBundle({ tpm: BURST }));
    fc.assert(
      fc.property(
        fc.array(asciiText, { minLength: 0, maxLength: 40 }),
        fc.integer({ min: 1, max: 120 }),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        (texts, limit, sizes, withUsage) => {
          const exp = expectedCut(texts, limit);
          const realCompletion = exp.tokens; // what the upstream reports when it finishes under the limit
          const usage = withUsage ? { prompt: 7, completion: realCompletion } : undefined;
          const r = run(t, "openai", texts, limit, sizes, usage);
          const { events, rest } = parseSse(r.body);
          expect(rest).toBe("");
          for (const e of events) if (e.data !== "[DONE]") JSON.parse(e.data); // every event parses
          expect(openAiText(events)).toBe(exp.text);
          expect(events[events.length - 1].data).toBe("[DONE]");
          if (exp.truncated) {
            const final = JSON.parse(events[events.length - 2].data);
            expect(final.choices[0].finish_reason).toBe("length");
            expect(final.usage.completion_tokens).toBe(exp.tokens);
            expect(r.charged).toBe(10 + exp.tokens); // no usage reached us: prompt estimate + delivered
          } else {
            expect(r.body).toBe(openAiStream(texts, usage)); // untouched
            expect(r.charged).toBe(withUsage ? 7 + realCompletion : 10 + exp.tokens);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("Anthropic, random texts, limits and chunk sizes: cut with message_delta max_tokens, exact refund", async () => {
    const t = await startHost(llmBundle({ tpm: BURST }));
    fc.assert(
      fc.property(
        fc.array(asciiText, { minLength: 0, maxLength: 40 }),
        fc.integer({ min: 1, max: 120 }),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 }),
        (texts, limit, sizes) => {
          const exp = expectedCut(texts, limit);
          const usage = { prompt: 8, completion: exp.tokens };
          const r = run(t, "anthropic", texts, limit, sizes, usage);
          const { events, rest } = parseSse(r.body);
          expect(rest).toBe("");
          for (const e of events) expect(JSON.parse(e.data).type).toBe(e.event);
          expect(anthropicText(events)).toBe(exp.text);
          expect(events[events.length - 1].event).toBe("message_stop");
          if (exp.truncated) {
            const n = events.length;
            expect(events[n - 3].event).toBe("content_block_stop");
            expect(JSON.parse(events[n - 2].data)).toEqual({
              type: "message_delta",
              delta: { stop_reason: "max_tokens", stop_sequence: null },
              usage: { output_tokens: exp.tokens },
            });
            // message_start reported the prompt (8) before the cut; the completion is what was delivered.
            expect(r.charged).toBe(8 + exp.tokens);
          } else {
            expect(r.body).toBe(anthropicStream(texts, usage));
            expect(r.charged).toBe(8 + exp.tokens);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("reconciles a stream without usage from the counted tokens", async () => {
    const t = await startHost(llmBundle({ tpm: BURST }));
    const r = run(t, "openai", ["abcd", "efgh", "ij"], 100, [5]);
    expect(r.charged).toBe(10 + 3);
  });

  it("honours include_partial_usage false and error_chunk", async () => {
    const t = await startHost(llmBundle({ tpm: BURST, streaming: { include_partial_usage: false } }));
    const a = parseSse(run(t, "openai", ["abcdefgh", "ijkl"], 1, [64]).body).events;
    expect(JSON.parse(a[a.length - 2].data)).toEqual({ choices: [{ index: 0, delta: {}, finish_reason: "length" }] });
    const t2 = await startHost(llmBundle({ tpm: BURST, streaming: { on_limit_exceeded: "error_chunk" } }));
    const b = parseSse(run(t2, "openai", ["abcdefgh"], 1, [64]).body).events;
    expect(JSON.parse(b[b.length - 2].data).error.code).toBe("completion_tokens_exceeded");
    expect(b[b.length - 1].data).toBe("[DONE]");
  });

  it("does not cut when the rule disables mid-stream enforcement", async () => {
    const t = await startHost(llmBundle({ tpm: BURST, streaming: { enforce_mid_stream: false } }));
    const texts = ["abcdefgh", "ijklmnop"];
    const r = run(t, "openai", texts, 1, [10]);
    expect(r.body).toBe(openAiStream(texts));
    // Real use (10 + 4) is over the reservation (10 + 1): reconciliation only refunds (spec 8.3), so the
    // charge stays at the reservation.
    expect(r.charged).toBe(10 + 1);
  });

  it("shadow: passes the stream through and logs would_truncate", async () => {
    const t = await startHost(llmBundle({ tpm: BURST, mode: "shadow" }));
    const texts = ["abcdefgh", "ijklmnop"];
    const key = "shadowed";
    const x = sendLlmRequest(t, chat(1), { headers: { "x-api-key": key } });
    const upstream = openAiStream(texts);
    const r = respond(x.stream, "text/event-stream", cut(Buffer.from(upstream), [9]));
    expect(r.body).toBe(upstream);
    expect(t.logs.some((l) => /^ctx=\d+ would_truncate limit=1 mode=shadow$/.test(l.message))).toBe(true);
    expect(BURST - (bucketTokens(t, `tpm:shadow:llm:tokens:${key}`) ?? NaN)).toBe(10 + 1); // refund-only (spec 8.3)
  });

  it("keeps the reservation when the client goes away mid-stream", async () => {
    const t = await startHost(llmBundle({ tpm: BURST }));
    const x = sendLlmRequest(t, chat(100), { headers: { "x-api-key": "gone" } });
    x.stream.onResponseHeaders([[":status", "200"], ["content-type", "text/event-stream"]], false);
    x.stream.onResponseBody(Buffer.from(openAiStream(["abcd"]).slice(0, 150)), false);
    x.stream.finish();
    expect(bucketTokens(t, "tpm:llm:tokens:gone")).toBe(BURST - 110);
  });

  it("never traps on arbitrary response bytes (SSE or JSON, enforcing)", async () => {
    const t = await startHost(llmBundle({ tpm: BURST }));
    const interesting = fc.constantFrom(..."data: event:\n\r{}[]\",:\\u0content choices delta text usage [DONE] ".split(""));
    const chunk = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.array(interesting, { maxLength: 200 }).map((a) => Buffer.from(a.join(""))),
    );
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 12 }), fc.boolean(), fc.integer({ min: 1, max: 20 }), (chunks, sse, limit) => {
        const x = sendLlmRequest(t, chat(limit), { headers: { "x-api-key": "fuzz" } });
        if (x.reply) return; // the budget ran out: nothing to stream
        respond(x.stream, sse ? "text/event-stream" : "application/json", chunks.map((c) => new Uint8Array(c)));
        x.stream.finish();
        expect(t.host.workers[0].failed).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
