// What one SSE event of an LLM stream says, read from its data payload with JsonScan (no tree, no string
// decoding). Two wire formats (DESIGN.md section 5):
//   OpenAI chat completions: `data: {"choices":[{"delta":{"content":"..."}}], ...}`, an optional final
//     chunk with `"usage":{"prompt_tokens":P,"completion_tokens":C}` (stream_options.include_usage), then
//     `data: [DONE]`.
//   Anthropic messages: every payload has a "type": message_start (`message.usage.input_tokens`),
//     content_block_start/delta (`delta.text`)/stop, message_delta (`usage.output_tokens`), message_stop.
// Completion tokens per event are counted as spec 8.7 does: ceil(len(text)/4), len in UTF-8 bytes.
import { JsonScan, NO } from "./json-scan";
import { Usage } from "./usage";

export const enum LlmEventKind {
  OTHER = 0,
  /** OpenAI `data: [DONE]`. */
  DONE = 1,
  OPENAI_CHUNK = 2,
  ANTHROPIC_MESSAGE_START = 3,
  ANTHROPIC_BLOCK_START = 4,
  ANTHROPIC_BLOCK_DELTA = 5,
  ANTHROPIC_BLOCK_STOP = 6,
  ANTHROPIC_MESSAGE_DELTA = 7,
  ANTHROPIC_MESSAGE_STOP = 8,
  /** ping, error and future Anthropic types: forwarded, not counted. */
  ANTHROPIC_OTHER = 9,
}

@final
export class LlmEvent {
  kind: LlmEventKind = LlmEventKind.OTHER;
  /** Offset (in the scanned payload) of the counted text string's opening quote; NO when none. */
  textAt: i32 = NO;
  /** Decoded UTF-8 bytes of that text and the tokens they count for. */
  textBytes: i32 = 0;
  tokens: i32 = 0;
  /** Anthropic content block index (block start/stop), -1 otherwise. */
  blockIndex: i32 = -1;
  /** Usage fields this event reported. */
  readonly usage: Usage = new Usage();

  reset(): void {
    this.kind = LlmEventKind.OTHER;
    this.textAt = NO;
    this.textBytes = 0;
    this.tokens = 0;
    this.blockIndex = -1;
    this.usage.reset();
  }

  get isAnthropic(): bool {
    return this.kind >= LlmEventKind.ANTHROPIC_MESSAGE_START;
  }

  get isOpenAi(): bool {
    return this.kind == LlmEventKind.DONE || this.kind == LlmEventKind.OPENAI_CHUNK;
  }
}

/** ceil(bytes / 4) (spec 8.7). */
@inline export function tokensForBytes(bytes: i32): i32 {
  return bytes <= 0 ? 0 : (bytes + 3) >> 2;
}

/** Classifies the payload `scan` holds (reset on the data bytes) into `out`. */
export function readLlmEvent(scan: JsonScan, out: LlmEvent): void {
  out.reset();
  const start = scan.skipWs(0);
  if (isDone(scan, start)) {
    out.kind = LlmEventKind.DONE;
    return;
  }
  const type = scan.member(start, "type");
  if (scan.isString(type)) {
    readAnthropic(scan, start, type, out);
    if (out.kind != LlmEventKind.OTHER) return;
  }
  const choices = scan.member(start, "choices");
  const usage = scan.member(start, "usage");
  if (choices == NO && usage == NO) {
    // Spec 8.7: when the payload is not JSON, the first "content":"..." is counted instead.
    if (scan.valueEnd(start) == NO) setText(scan, findContent(scan), out);
    return;
  }
  out.kind = LlmEventKind.OPENAI_CHUNK;
  if (choices != NO) setText(scan, scan.member(scan.member(scan.element(choices, 0), "delta"), "content"), out);
  if (usage != NO) {
    out.usage.setPrompt(scan.number(scan.member(usage, "prompt_tokens")));
    out.usage.setCompletion(scan.number(scan.member(usage, "completion_tokens")));
  }
}

function readAnthropic(scan: JsonScan, start: i32, type: i32, out: LlmEvent): void {
  if (scan.stringEquals(type, "content_block_delta")) {
    out.kind = LlmEventKind.ANTHROPIC_BLOCK_DELTA;
    setText(scan, scan.member(scan.member(start, "delta"), "text"), out);
  } else if (scan.stringEquals(type, "message_start")) {
    out.kind = LlmEventKind.ANTHROPIC_MESSAGE_START;
    out.usage.setPrompt(scan.number(scan.member(scan.member(scan.member(start, "message"), "usage"), "input_tokens")));
  } else if (scan.stringEquals(type, "content_block_start")) {
    out.kind = LlmEventKind.ANTHROPIC_BLOCK_START;
    out.blockIndex = blockIndex(scan, start);
  } else if (scan.stringEquals(type, "content_block_stop")) {
    out.kind = LlmEventKind.ANTHROPIC_BLOCK_STOP;
    out.blockIndex = blockIndex(scan, start);
  } else if (scan.stringEquals(type, "message_delta")) {
    out.kind = LlmEventKind.ANTHROPIC_MESSAGE_DELTA;
    const usage = scan.member(start, "usage");
    // output_tokens is cumulative for the whole message; newer API versions repeat input_tokens here.
    out.usage.setCompletion(scan.number(scan.member(usage, "output_tokens")));
    out.usage.setPrompt(scan.number(scan.member(usage, "input_tokens")));
  } else if (scan.stringEquals(type, "message_stop")) {
    out.kind = LlmEventKind.ANTHROPIC_MESSAGE_STOP;
  } else if (scan.stringEquals(type, "ping") || scan.stringEquals(type, "error")) {
    out.kind = LlmEventKind.ANTHROPIC_OTHER;
  }
}

function blockIndex(scan: JsonScan, start: i32): i32 {
  const n = scan.number(scan.member(start, "index"));
  return isFinite(n) && n >= 0 && n < 1e9 ? <i32>n : 0;
}

function setText(scan: JsonScan, at: i32, out: LlmEvent): void {
  if (!scan.isString(at)) return;
  const bytes = scan.decodedLength(at);
  if (bytes < 0) return;
  out.textAt = at;
  out.textBytes = bytes;
  out.tokens = tokensForBytes(bytes);
}

function isDone(scan: JsonScan, at: i32): bool {
  const text = "[DONE]";
  if (scan.end - at < text.length) return false;
  for (let k = 0; k < text.length; k++) {
    if (scan.byte(at + k) != <i32>text.charCodeAt(k)) return false;
  }
  return scan.skipWs(at + text.length) == scan.end;
}

/** Offset of the string value of the first `"content":` in the raw payload, or NO. */
function findContent(scan: JsonScan): i32 {
  const key = '"content"';
  const n = key.length;
  for (let i = 0; i + n <= scan.end; i++) {
    let k = 0;
    while (k < n && scan.byte(i + k) == <i32>key.charCodeAt(k)) k++;
    if (k < n) continue;
    let p = scan.skipWs(i + n);
    if (p >= scan.end || scan.byte(p) != 0x3a) continue; // ":"
    p = scan.skipWs(p + 1);
    return scan.isString(p) ? p : NO;
  }
  return NO;
}
