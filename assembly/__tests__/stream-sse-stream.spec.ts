// Proves the per-stream SSE processor: counting mode passes every chunk untouched and counts tokens and
// usage; enforcing mode cuts at exactly the limit with the closing events of spec 8.7 (byte for byte, for
// every split point of the samples), never emits a broken event, drops everything after the cut; the carry
// is bounded; shadow only flags would_truncate.
import { ChunkVerdict, MAX_CARRY_BYTES, SseStream } from "../stream/sse-stream";
import { SseFormat } from "../stream/final-events";
import { ANTHROPIC_COUNTED, ANTHROPIC_STREAM, bytesOf, OPENAI_COUNTED, OPENAI_STREAM, textOf } from "./stream-fixtures";

let limit: f64 = -1;
let errorChunk = false;
let partialUsage = true;
let shadowLimit: f64 = -1;
let last: SseStream = new SseStream();

function configure(l: f64, err: bool, usage: bool, shadow: f64): void {
  limit = l;
  errorChunk = err;
  partialUsage = usage;
  shadowLimit = shadow;
}

function forward(s: SseStream, base: usize, len: i32, eos: bool, out: string[]): void {
  const verdict = s.push(base, len, eos);
  if (verdict == ChunkVerdict.PASS) out.push(String.UTF8.decodeUnsafe(base, <usize>len));
  else out.push(textOf(s.output.toArrayBuffer()));
}

/** What the client receives when `text` arrives split at `at` (-1: one byte at a time). */
function run(text: string, at: i32): string {
  const s = new SseStream();
  s.limit = limit;
  s.errorChunk = errorChunk;
  s.includePartialUsage = partialUsage;
  s.shadowLimit = shadowLimit;
  s.promptEstimate = 40;
  last = s;
  const bytes = bytesOf(text);
  const base = changetype<usize>(bytes);
  const n = bytes.byteLength;
  const out: string[] = [];
  if (at < 0) {
    for (let i = 0; i < n; i++) forward(s, base + <usize>i, 1, i == n - 1, out);
  } else {
    forward(s, base, at, false, out);
    forward(s, base + <usize>at, n - at, true, out);
  }
  return out.join("");
}

function everySplit(text: string, expected: string): void {
  const n = bytesOf(text).byteLength;
  for (let at = 0; at <= n; at++) expect(run(text, at)).toBe(expected);
  expect(run(text, -1)).toBe(expected);
}

const OPENAI_CUT_AT_3 =
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n' +
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}\n\n' +
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":" wor"},"finish_reason":null}]}\n\n' +
  'data: {"choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":{"prompt_tokens":40,"completion_tokens":3,"total_tokens":43}}\n\n' +
  "data: [DONE]\n\n";

const ANTHROPIC_CUT_AT_2 =
  'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}}\n\n' +
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
  'event: ping\ndata: {"type": "ping"}\n\n' +
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}\n\n' +
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" the"}}\n\n' +
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":2}}\n\n' +
  'event: message_stop\ndata: {"type":"message_stop"}\n\n';

describe("SseStream counting mode", () => {
  it("passes OpenAI chunks untouched and counts tokens and usage", () => {
    configure(-1, false, true, -1);
    everySplit(OPENAI_STREAM, OPENAI_STREAM);
    expect(last.completion).toBe(<f64>OPENAI_COUNTED);
    expect(last.usage.prompt).toBe(12);
    expect(last.usage.completion).toBe(7);
    expect(last.finished).toBe(true);
    expect(last.truncated).toBe(false);
    expect(last.format).toBe(SseFormat.OPENAI);
  });

  it("passes Anthropic chunks untouched and reads message_start / message_delta usage", () => {
    configure(-1, false, true, -1);
    everySplit(ANTHROPIC_STREAM, ANTHROPIC_STREAM);
    expect(last.completion).toBe(<f64>ANTHROPIC_COUNTED);
    expect(last.usage.prompt).toBe(25);
    expect(last.usage.completion).toBe(6);
    expect(last.finished).toBe(true);
    expect(last.format).toBe(SseFormat.ANTHROPIC);
  });

  it("flags would_truncate in shadow and still passes everything", () => {
    configure(-1, false, true, 3);
    everySplit(OPENAI_STREAM, OPENAI_STREAM);
    expect(last.wouldTruncate).toBe(true);
    expect(last.truncated).toBe(false);
  });
});

describe("SseStream enforcing mode", () => {
  it("delivers a stream under the limit byte for byte", () => {
    configure(100, false, true, -1);
    everySplit(OPENAI_STREAM, OPENAI_STREAM);
    everySplit(ANTHROPIC_STREAM, ANTHROPIC_STREAM);
    expect(last.truncated).toBe(false);
  });

  it("cuts an OpenAI stream at exactly the limit with finish_reason length and [DONE]", () => {
    configure(3, false, true, -1);
    everySplit(OPENAI_STREAM, OPENAI_CUT_AT_3);
    expect(last.truncated).toBe(true);
    expect(last.completion).toBe(3);
  });

  it("cuts an Anthropic stream with content_block_stop, message_delta max_tokens, message_stop", () => {
    configure(2, false, true, -1);
    everySplit(ANTHROPIC_STREAM, ANTHROPIC_CUT_AT_2);
    expect(last.completion).toBe(2);
  });

  it("drops the crossing event when nothing of it fits", () => {
    configure(2, false, false, -1);
    const expected =
      'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n' +
      'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}\n\n' +
      'data: {"choices":[{"index":0,"delta":{},"finish_reason":"length"}]}\n\n' +
      "data: [DONE]\n\n";
    everySplit(OPENAI_STREAM, expected);
  });

  it("writes error_chunk closings", () => {
    configure(0, true, true, -1);
    const expected =
      'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n' +
      'data: {"error":{"message":"max completion tokens exceeded","type":"rate_limit_error","code":"completion_tokens_exceeded"},"usage":{"prompt_tokens":40,"completion_tokens":0,"total_tokens":40}}\n\n' +
      "data: [DONE]\n\n";
    everySplit(OPENAI_STREAM, expected);
    configure(0, true, true, -1);
    const anthropic = run(ANTHROPIC_STREAM, 0);
    expect(anthropic.endsWith(
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
      'event: error\ndata: {"type":"error","error":{"type":"rate_limit_error","message":"max completion tokens exceeded"}}\n\n',
    )).toBe(true);
  });

  it("drops every chunk after the cut", () => {
    configure(1, false, true, -1);
    const s = new SseStream();
    s.limit = 1;
    const b = bytesOf(OPENAI_STREAM);
    expect(s.push(changetype<usize>(b), b.byteLength, false)).toBe(ChunkVerdict.REPLACE);
    expect(s.truncated).toBe(true);
    expect(s.push(changetype<usize>(b), b.byteLength, true)).toBe(ChunkVerdict.REPLACE);
    expect(s.output.length).toBe(0);
  });

  it("trims a flushed unterminated event and still ends with [DONE]", () => {
    configure(1, false, false, -1);
    const out = run('data: {"choices":[{"delta":{"content":"abcdefgh"}}]}', 0);
    expect(out).toBe('data: {"choices":[{"delta":{"content":"abcd"}}]}\n\ndata: {"choices":[{"index":0,"delta":{},"finish_reason":"length"}]}\n\ndata: [DONE]\n\n');
  });
});

describe("SseStream carry bound", () => {
  it("stops parsing past the cap, passes bytes through and reports overflow", () => {
    const big = new ArrayBuffer(MAX_CARRY_BYTES + 10);
    const prefix = bytesOf('data: {"choices":[{"delta":{"content":"');
    memory.copy(changetype<usize>(big), changetype<usize>(prefix), <usize>prefix.byteLength);
    memory.fill(changetype<usize>(big) + <usize>prefix.byteLength, 0x61, <usize>(big.byteLength - prefix.byteLength));
    const enforcing = new SseStream();
    enforcing.limit = 10;
    const half = big.byteLength >> 1;
    expect(enforcing.push(changetype<usize>(big), half, false)).toBe(ChunkVerdict.REPLACE);
    expect(enforcing.output.length).toBe(0); // held back: incomplete event
    expect(enforcing.push(changetype<usize>(big) + <usize>half, big.byteLength - half, false)).toBe(ChunkVerdict.REPLACE);
    expect(enforcing.overflowed).toBe(true);
    expect(enforcing.output.length).toBe(big.byteLength); // everything held goes out once
    expect(enforcing.pending).toBe(0);
    const tail = bytesOf('"}}]}\n\ndata: [DONE]\n\n');
    expect(enforcing.push(changetype<usize>(tail), tail.byteLength, true)).toBe(ChunkVerdict.PASS);
    expect(enforcing.finished).toBe(false);
    expect(enforcing.truncated).toBe(false);

    const counting = new SseStream();
    expect(counting.push(changetype<usize>(big), big.byteLength, false)).toBe(ChunkVerdict.PASS);
    expect(counting.overflowed).toBe(true);
    expect(counting.pending).toBe(0);
  });
});
