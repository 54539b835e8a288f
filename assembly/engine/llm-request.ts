// What a token_bucket_llm rule needs from the request body (spec 8.3), read once per request and shared
// by every LLM rule and circuit breaker of the request:
//   - prompt text: the character lengths (UTF-16 units, like JavaScript's String length) of every text
//     in `messages` (content string, or parts with `text`, or nested `content`), `system` (string or
//     parts), `prompt` (completions API: string or array), `input` (responses API: string or items),
//     plus, for each entry of `tools`, the length of its compact JSON text;
//   - requested completion: `max_completion_tokens`, else `max_tokens`, else `max_output_tokens`
//     (OpenAI chat/completions, Anthropic messages, OpenAI responses), a positive number;
//   - `stream: true`.
// At most the first 1 MiB of the body is read (spec 8.3 "scanning at most its first 1 MiB"); a body cut
// there is no longer valid JSON and falls back to ceil(bytes/4). Parsing uses the project's trap-free
// JSON reader (assembly/json), depth-limited, so no body can trap.

import { Estimator, LlmConfig } from "../policy/model";
import { JsonKind, JsonValue, numberToLuaString, parseJson } from "../json";
import { luaToNumber } from "../util/lua-tonumber";
import { HeaderName } from "./header-lookup";
import { RequestView } from "./request-view";

export const MAX_BODY_SCAN_BYTES: i32 = 1 << 20;
/**
 * Containers followed at most this deep inside one prompt field: messages → message → content →
 * tool_result part → its content → text part is 5 levels (Anthropic); the margin is for nesting we
 * have not seen. Deeper text is not counted.
 */
const MAX_CONTENT_DEPTH: i32 = 8;

const TOKEN_ESTIMATE_HEADER = new HeaderName("x-token-estimate");
const ACCEPT_HEADER = new HeaderName("accept");
const EVENT_STREAM = "text/event-stream";

@final
export class LlmRequest {
  private ready: bool = false;
  /** The glue handed over a body (RequestView.body() was non-null). */
  bodyPresent: bool = false;
  /** Bytes scanned (at most MAX_BODY_SCAN_BYTES). */
  bodyBytes: i32 = 0;
  /** The scanned body is a JSON object with at least one prompt field (messages, system, prompt, input, tools). */
  hasPromptFields: bool = false;
  /** Sum of the prompt text lengths (see the file comment). */
  promptChars: f64 = 0;
  /** Requested completion from the body, or NaN when absent. */
  maxTokens: f64 = NaN;
  /** `"stream": true` in the body. */
  streamFlag: bool = false;

  /** Forget the previous request. */
  begin(): void {
    this.ready = false;
  }

  /** Reads the body of `req` once per request. */
  load(req: RequestView): void {
    if (this.ready) return;
    this.ready = true;
    this.bodyPresent = false;
    this.bodyBytes = 0;
    this.hasPromptFields = false;
    this.promptChars = 0;
    this.maxTokens = NaN;
    this.streamFlag = false;
    const body = req.body();
    if (body === null) return;
    const buf = body;
    this.bodyPresent = true;
    const n = min(buf.byteLength, MAX_BODY_SCAN_BYTES);
    this.bodyBytes = n;
    if (n == 0) return;
    const parsed = parseJson(String.UTF8.decodeUnsafe(changetype<usize>(buf), usize(n)));
    const root = parsed.value;
    if (root === null) return;
    const doc = root;
    if (doc.kind != JsonKind.OBJECT) return;
    this.readFields(doc);
  }

  private readFields(doc: JsonValue): void {
    let chars: f64 = 0;
    let found = false;
    const messages = doc.get("messages");
    if (messages !== null) {
      found = true;
      chars += textChars(messages, 0);
    }
    const system = doc.get("system");
    if (system !== null) {
      found = true;
      chars += textChars(system, 0);
    }
    const prompt = doc.get("prompt");
    if (prompt !== null) {
      found = true;
      chars += textChars(prompt, 0);
    }
    const input = doc.get("input");
    if (input !== null) {
      found = true;
      chars += textChars(input, 0);
    }
    const tools = doc.get("tools");
    if (tools !== null) {
      found = true;
      if (tools.kind == JsonKind.ARRAY) {
        const items = tools.items;
        for (let i = 0, k = items.length; i < k; i++) chars += f64(jsonTextLength(unchecked(items[i])));
      }
    }
    this.hasPromptFields = found;
    this.promptChars = chars;
    let requested = positive(doc.get("max_completion_tokens"));
    if (isNaN(requested)) requested = positive(doc.get("max_tokens"));
    if (isNaN(requested)) requested = positive(doc.get("max_output_tokens"));
    this.maxTokens = isNaN(requested) ? NaN : Math.ceil(requested);
    const stream = doc.get("stream");
    this.streamFlag = stream !== null && stream.kind == JsonKind.BOOL && stream.bool;
  }
}

/**
 * Prompt estimate (spec 8.3): `header_hint` takes ceil(X-Token-Estimate) when it is a finite number
 * >= 0, else falls through to `simple_word`: ceil(prompt chars / 4) for a JSON body with prompt fields,
 * else ceil(body bytes / 4); no body or an empty one gives 0.
 */
export function estimatePrompt(config: LlmConfig, llm: LlmRequest, req: RequestView): f64 {
  if (config.estimator == Estimator.HEADER_HINT) {
    const hint = TOKEN_ESTIMATE_HEADER.lookup(req);
    if (hint !== null) {
      const n = luaToNumber(hint);
      if (isFinite(n) && n >= 0) return Math.ceil(n);
    }
  }
  llm.load(req);
  if (llm.hasPromptFields) return Math.ceil(llm.promptChars / 4);
  return Math.ceil(f64(llm.bodyBytes) / 4);
}

/** Requested completion: the body's max tokens, else default_max_completion; capped at max_completion_tokens. */
export function requestedCompletion(config: LlmConfig, llm: LlmRequest, req: RequestView): f64 {
  llm.load(req);
  let completion = isNaN(llm.maxTokens) ? config.defaultMaxCompletion : llm.maxTokens;
  const cap = config.maxCompletionTokens;
  if (cap > 0 && completion > cap) completion = cap;
  return completion;
}

/** Streaming request (spec 8.7): `stream: true` in the body, or an Accept header with text/event-stream. */
export function isStreamingRequest(llm: LlmRequest, req: RequestView): bool {
  llm.load(req);
  if (llm.streamFlag) return true;
  const accept = ACCEPT_HEADER.lookup(req);
  return accept !== null && accept.indexOf(EVENT_STREAM) >= 0;
}

/** A finite number > 0, else NaN. */
function positive(v: JsonValue | null): f64 {
  if (v === null || v.kind != JsonKind.NUMBER) return NaN;
  const n = v.num;
  return isFinite(n) && n > 0 ? n : NaN;
}

/** Text lengths in a content value: a string, an array of strings/parts, a part with `text` or `content`. */
function textChars(v: JsonValue, depth: i32): f64 {
  if (v.kind == JsonKind.STRING) return f64(v.str.length);
  if (depth >= MAX_CONTENT_DEPTH) return 0;
  if (v.kind == JsonKind.ARRAY) {
    let sum: f64 = 0;
    const items = v.items;
    for (let i = 0, n = items.length; i < n; i++) sum += textChars(unchecked(items[i]), depth + 1);
    return sum;
  }
  if (v.kind == JsonKind.OBJECT) {
    const text = v.get("text");
    if (text !== null && text.kind == JsonKind.STRING) return f64(text.str.length);
    const content = v.get("content");
    if (content !== null) return textChars(content, depth + 1);
  }
  return 0;
}

/**
 * Length of the compact JSON text of `v` (JSON.stringify without spaces; numbers as Lua prints them).
 * The parser caps nesting at MAX_DEPTH, which bounds the recursion.
 */
export function jsonTextLength(v: JsonValue): i32 {
  switch (v.kind) {
    case JsonKind.NULL:
      return 4;
    case JsonKind.BOOL:
      return v.bool ? 4 : 5;
    case JsonKind.NUMBER:
      return numberToLuaString(v.num).length;
    case JsonKind.STRING:
      return quotedLength(v.str);
    case JsonKind.ARRAY: {
      const items = v.items;
      const n = items.length;
      let len = 2 + max(0, n - 1);
      for (let i = 0; i < n; i++) len += jsonTextLength(unchecked(items[i]));
      return len;
    }
    case JsonKind.OBJECT: {
      const keys = v.keys;
      const values = v.values;
      const n = min(keys.length, values.length);
      let len = 2 + max(0, n - 1);
      for (let i = 0; i < n; i++) len += quotedLength(unchecked(keys[i])) + 1 + jsonTextLength(unchecked(values[i]));
      return len;
    }
  }
  return 0;
}

/** Length of `s` as a JSON string literal: quotes plus escapes (`\"`, `\\`, `\n`..., `\u00XX`). */
function quotedLength(s: string): i32 {
  let len = 2;
  for (let i = 0, n = s.length; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x22 || c == 0x5c || c == 0x08 || c == 0x0c || c == 0x0a || c == 0x0d || c == 0x09) len += 2;
    else if (c < 0x20) len += 6;
    else len += 1;
  }
  return len;
}
