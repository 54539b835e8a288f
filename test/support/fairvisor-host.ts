// Shared set-up for suites that drive build/fairvisor.wasm through the TypeScript host.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ProxyWasmHost, ManualClock, InMemorySharedData } from "../../gateways/host/index.js";
import type { HeaderList, HostOptions, LogLine, HttpStream } from "../../gateways/host/types.js";

export const WASM_PATH = fileURLToPath(new URL("../../build/fairvisor.wasm", import.meta.url));

let compiled: WebAssembly.Module | undefined;
export function fairvisorModule(): WebAssembly.Module {
  if (!compiled) compiled = new WebAssembly.Module(readFileSync(WASM_PATH));
  return compiled;
}

/** 2026-03-02T00:00:00Z, a Monday, so window arithmetic is easy to read. */
export const T0_NS = 1772409600n * 1_000_000_000n;

export interface TestHost {
  host: ProxyWasmHost;
  clock: ManualClock;
  logs: LogLine[];
}

export async function startHost(bundle: unknown, options: Partial<HostOptions> = {}): Promise<TestHost> {
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock(T0_NS);
  const logs: LogLine[] = [];
  const host = await ProxyWasmHost.create({
    module: fairvisorModule(),
    clock,
    onLog: (line) => logs.push(line),
    ...options,
  });
  if (bundle !== undefined) {
    const text = typeof bundle === "string" ? bundle : JSON.stringify(bundle);
    const result = host.configure(text);
    if (!result.ok) throw new Error("bundle refused: " + result.logs.map((l) => l.message).join("\n"));
  }
  return { host, clock, logs };
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  details: string;
  stream: HttpStream;
}

export interface RequestSpec {
  method?: string;
  path?: string;
  authority?: string;
  headers?: Record<string, string>;
  sourceAddress?: string;
  worker?: number;
}

function lowerRecord(list: HeaderList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of list) {
    if (k.startsWith(":")) continue;
    out[k.toLowerCase()] = v;
  }
  return out;
}

/** One request through the filter as Envoy would run it; an allow gets a 200 upstream response. */
export function send(t: TestHost, req: RequestSpec = {}): Answer {
  const worker = t.host.worker(req.worker ?? 0);
  const stream = worker.newStream({ sourceAddress: req.sourceAddress ?? "127.0.0.1:40000" });
  const headers: HeaderList = [
    [":method", req.method ?? "GET"],
    [":path", req.path ?? "/"],
    [":authority", req.authority ?? "api.example.com"],
    ...Object.entries(req.headers ?? {}),
  ];
  const first = stream.onRequestHeaders(headers, true);
  const reply = first.localReply ?? stream.localReply;
  if (reply) {
    stream.finish();
    return {
      status: reply.status,
      headers: lowerRecord(reply.headers),
      body: Buffer.from(reply.body).toString("utf8"),
      details: reply.details,
      stream,
    };
  }
  stream.onResponseHeaders([[":status", "200"]], true);
  stream.finish();
  return { status: 200, headers: lowerRecord(stream.responseHeaders), body: "", details: "", stream };
}

export { ManualClock, InMemorySharedData };

export function tokenBucketBundle(opts: { burst: number; rate: number; id?: string; keys?: string[]; version?: number }) {
  return {
    bundle_version: opts.version ?? 1,
    policies: [
      {
        id: opts.id ?? "tb-basic",
        spec: {
          selector: { pathPrefix: "/" },
          mode: "enforce",
          rules: [
            {
              name: "per-key",
              limit_keys: opts.keys ?? ["header:x-api-key"],
              algorithm: "token_bucket",
              algorithm_config: { tokens_per_second: opts.rate, burst: opts.burst },
            },
          ],
        },
      },
    ],
  };
}

/** The `load_report` JSON the module logs on every configure. */
export function loadReports(logs: LogLine[]): Array<Record<string, unknown>> {
  return logs
    .filter((l) => l.message.startsWith("load_report "))
    .map((l) => JSON.parse(l.message.slice("load_report ".length)));
}

// ---- LLM flows (request body, streamed or JSON response) -------------------------------------------------

export interface LlmRuleOptions {
  tpm: number;
  burst?: number;
  tpd?: number;
  defaultMaxCompletion?: number;
  maxCompletion?: number;
  streaming?: Record<string, unknown>;
  mode?: "enforce" | "shadow";
  id?: string;
  rule?: string;
  pathPrefix?: string;
}

/** One policy with one token_bucket_llm rule keyed by X-Api-Key (TPM key `tpm:llm:<rule>:<api key>`). */
export function llmBundle(o: LlmRuleOptions) {
  const config: Record<string, unknown> = { tokens_per_minute: o.tpm };
  if (o.burst !== undefined) config.burst_tokens = o.burst;
  if (o.tpd !== undefined) config.tokens_per_day = o.tpd;
  if (o.defaultMaxCompletion !== undefined) config.default_max_completion = o.defaultMaxCompletion;
  if (o.maxCompletion !== undefined) config.max_completion_tokens = o.maxCompletion;
  if (o.streaming !== undefined) config.streaming = o.streaming;
  return {
    bundle_version: 1,
    policies: [
      {
        id: o.id ?? "llm",
        spec: {
          selector: { pathPrefix: o.pathPrefix ?? "/v1/" },
          mode: o.mode ?? "enforce",
          rules: [{ name: o.rule ?? "tokens", limit_keys: ["header:x-api-key"], algorithm: "token_bucket_llm", algorithm_config: config }],
        },
      },
    ],
  };
}

/** Tokens left in a token bucket stored by the module (16 bytes: f64 tokens, f64 last refill; LE). */
export function bucketTokens(t: TestHost, key: string, vmId = "fairvisor"): number | undefined {
  const entry = t.host.store.get(vmId, key);
  if (entry === undefined || entry.value.byteLength !== 16) return undefined;
  return new DataView(entry.value.buffer, entry.value.byteOffset, 16).getFloat64(0, true);
}

export interface LlmExchange {
  stream: HttpStream;
  /** Verdict of on_request_headers ("pause" when the module waits for the body). */
  headersVerdict: string;
  status: number;
  reply: Answer | null;
  /** Bytes forwarded upstream for the request body. */
  forwardedBody: Uint8Array;
}

/** Sends an LLM request (headers, then the JSON body in `chunks` pieces); stops at a local reply. */
export function sendLlmRequest(
  t: TestHost,
  body: unknown,
  req: RequestSpec & { chunks?: number } = {},
): LlmExchange {
  const worker = t.host.worker(req.worker ?? 0);
  const stream = worker.newStream({ sourceAddress: req.sourceAddress ?? "127.0.0.1:40000" });
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const bytes = Buffer.from(text, "utf8");
  const headers: HeaderList = [
    [":method", req.method ?? "POST"],
    [":path", req.path ?? "/v1/chat/completions"],
    [":authority", req.authority ?? "api.example.com"],
    ["content-type", "application/json"],
    ...Object.entries(req.headers ?? {}),
  ];
  const first = stream.onRequestHeaders(headers, bytes.length === 0);
  const out: LlmExchange = { stream, headersVerdict: first.verdict, status: 200, reply: null, forwardedBody: new Uint8Array(0) };
  const replied = () => {
    const reply = stream.localReply;
    if (!reply) return false;
    out.status = reply.status;
    out.reply = {
      status: reply.status,
      headers: lowerRecord(reply.headers),
      body: Buffer.from(reply.body).toString("utf8"),
      details: reply.details,
      stream,
    };
    return true;
  };
  if (replied() || bytes.length === 0) return out;
  const pieces = Math.max(1, req.chunks ?? 1);
  const size = Math.ceil(bytes.length / pieces);
  const forwarded: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) {
    const end = Math.min(bytes.length, at + size);
    const r = stream.onRequestBody(bytes.subarray(at, end), end === bytes.length);
    forwarded.push(r.body);
    if (replied()) return out;
  }
  out.forwardedBody = Buffer.concat(forwarded);
  return out;
}

/** Response headers then the body in the given chunks; returns what the client receives. */
export function respond(
  stream: HttpStream,
  contentType: string,
  chunks: Uint8Array[],
  status = 200,
): { headers: Record<string, string>; body: string } {
  stream.onResponseHeaders([[":status", String(status)], ["content-type", contentType]], chunks.length === 0);
  const headers = lowerRecord(stream.responseHeaders);
  const out: Uint8Array[] = [];
  for (let i = 0; i < chunks.length; i++) out.push(stream.onResponseBody(chunks[i], i === chunks.length - 1).body);
  return { headers, body: Buffer.concat(out).toString("utf8") };
}

/** Cuts `bytes` at the given sizes (cycled), for chunked bodies. */
export function cut(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = Math.max(1, sizes[i % sizes.length]);
    out.push(bytes.subarray(at, Math.min(bytes.length, at + n)));
    at += n;
  }
  return out;
}

/** An OpenAI chat completion stream with one content delta per text, optional usage chunk, then [DONE]. */
export function openAiStream(texts: string[], usage?: { prompt: number; completion: number }): string {
  let s = 'data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n';
  for (const text of texts) {
    s += "data: " + JSON.stringify({ id: "c", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: text }, finish_reason: null }] }) + "\n\n";
  }
  s += 'data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n';
  if (usage) {
    s += "data: " + JSON.stringify({ id: "c", choices: [], usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion } }) + "\n\n";
  }
  return s + "data: [DONE]\n\n";
}

/** An Anthropic messages stream with one text delta per text; usage in message_start / message_delta. */
export function anthropicStream(texts: string[], usage?: { prompt: number; completion: number }): string {
  const ev = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
  let s = ev("message_start", {
    type: "message_start",
    message: { id: "m", type: "message", role: "assistant", content: [], model: "claude", usage: { input_tokens: usage?.prompt ?? 0, output_tokens: 1 } },
  });
  s += ev("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
  s += ev("ping", { type: "ping" });
  for (const text of texts) s += ev("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } });
  s += ev("content_block_stop", { type: "content_block_stop", index: 0 });
  s += ev("message_delta", { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: usage?.completion ?? 0 } });
  return s + ev("message_stop", { type: "message_stop" });
}

export interface SseEvent {
  event: string;
  data: string;
}

/** Parses an SSE body strictly: every event must end with a blank line; returns the events in order. */
export function parseSse(body: string): { events: SseEvent[]; rest: string } {
  const events: SseEvent[] = [];
  const blocks = body.replace(/\r\n/g, "\n").split("\n\n");
  const rest = blocks.pop() ?? "";
  for (const block of blocks) {
    if (block.trim() === "") continue;
    let event = "";
    let data = "";
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data = line.slice(5).replace(/^ /, "");
    }
    events.push({ event, data });
  }
  return { events, rest };
}
