// Proves token counting per event (spec 8.7: ceil(len/4) of OpenAI choices[0].delta.content and Anthropic
// delta.text, the "content" fallback for non-JSON payloads), usage extraction from SSE events and JSON
// bodies (OpenAI and Anthropic names, the 1 MiB cap), and the settlement rules of decision 11.
import { JsonScan } from "../stream/json-scan";
import { LlmEvent, LlmEventKind, readLlmEvent, tokensForBytes } from "../stream/llm-event";
import { JsonUsageReader } from "../stream/json-usage";
import { Settlement, settle } from "../stream/settlement";
import { Usage } from "../stream/usage";
import { bytesOf } from "./stream-fixtures";

let held: ArrayBuffer = new ArrayBuffer(0);
const event = new LlmEvent();

function read(payload: string): LlmEvent {
  held = bytesOf(payload);
  const scan = new JsonScan();
  scan.reset(changetype<usize>(held), held.byteLength);
  readLlmEvent(scan, event);
  return event;
}

function jsonUsage(body: string, cap: i32 = 1048576): JsonUsageReader {
  const reader = new JsonUsageReader(cap);
  const b = bytesOf(body);
  const mid = b.byteLength >> 1;
  reader.append(changetype<usize>(b), mid);
  reader.append(changetype<usize>(b) + <usize>mid, b.byteLength - mid);
  reader.finish();
  return reader;
}

describe("token counting", () => {
  it("is ceil(bytes / 4)", () => {
    expect(tokensForBytes(0)).toBe(0);
    expect(tokensForBytes(1)).toBe(1);
    expect(tokensForBytes(4)).toBe(1);
    expect(tokensForBytes(5)).toBe(2);
  });

  it("counts OpenAI delta content, null content as 0", () => {
    expect(read('{"choices":[{"delta":{"content":"abcdefghi"}}]}').tokens).toBe(3);
    expect(event.kind).toBe(LlmEventKind.OPENAI_CHUNK);
    expect(read('{"choices":[{"delta":{"content":null,"tool_calls":[]}}]}').tokens).toBe(0);
    expect(read('{"choices":[{"delta":{"content":"\\u00e9\\u00e9"}}]}').tokens).toBe(1); // 4 bytes
  });

  it("counts Anthropic text deltas only", () => {
    expect(read('{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hello"}}').tokens).toBe(2);
    expect(event.kind).toBe(LlmEventKind.ANTHROPIC_BLOCK_DELTA);
    expect(read('{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"a\\""}}').tokens).toBe(0);
    expect(read('{"type":"content_block_start","index":3,"content_block":{"type":"text","text":""}}').blockIndex).toBe(3);
  });

  it("falls back to the first content string of a non-JSON payload", () => {
    expect(read('{"choices":[{"delta":{"content":"abcdefgh"}}').tokens).toBe(2);
    expect(read("[DONE]").kind).toBe(LlmEventKind.DONE);
    expect(read("  [DONE]  ").kind).toBe(LlmEventKind.DONE);
    expect(read("garbage").tokens).toBe(0);
  });
});

describe("usage in events", () => {
  it("reads the OpenAI usage chunk and ignores usage null", () => {
    const e = read('{"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}');
    expect(e.usage.hasPrompt).toBe(true);
    expect(e.usage.prompt).toBe(12);
    expect(e.usage.completion).toBe(7);
    expect(read('{"choices":[{"delta":{}}],"usage":null}').usage.hasPrompt).toBe(false);
  });

  it("reads Anthropic message_start input and message_delta output", () => {
    const start = read('{"type":"message_start","message":{"usage":{"input_tokens":25,"output_tokens":1}}}');
    expect(start.kind).toBe(LlmEventKind.ANTHROPIC_MESSAGE_START);
    expect(start.usage.prompt).toBe(25);
    expect(start.usage.hasCompletion).toBe(false);
    const delta = read('{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":15}}');
    expect(delta.usage.completion).toBe(15);
    expect(delta.usage.hasPrompt).toBe(false);
    expect(read('{"type":"message_stop"}').kind).toBe(LlmEventKind.ANTHROPIC_MESSAGE_STOP);
  });
});

describe("JSON response usage", () => {
  it("reads OpenAI and Anthropic usage names", () => {
    const openai = jsonUsage('{"id":"x","choices":[{"message":{"content":"{\\"usage\\":1}"}}],"usage":{"prompt_tokens":30,"completion_tokens":12}}');
    expect(openai.usage.prompt).toBe(30);
    expect(openai.usage.completion).toBe(12);
    const anthropic = jsonUsage('{"type":"message","content":[{"type":"text","text":"hi"}],"usage":{"input_tokens":9,"output_tokens":4}}');
    expect(anthropic.usage.prompt).toBe(9);
    expect(anthropic.usage.completion).toBe(4);
  });

  it("finds nothing in bodies without usage, malformed bodies, or bodies over the cap", () => {
    expect(jsonUsage('{"error":{"message":"bad"}}').usage.hasPrompt).toBe(false);
    expect(jsonUsage('{"usage":{"prompt_tokens":').usage.hasPrompt).toBe(false);
    const big = jsonUsage('{"usage":{"prompt_tokens":1,"completion_tokens":2}}', 10);
    expect(big.tooLarge).toBe(true);
    expect(big.usage.hasCompletion).toBe(false);
  });
});

describe("settlement", () => {
  it("prefers reported usage", () => {
    const u = new Usage();
    u.setPrompt(10);
    u.setCompletion(20);
    const s = new Settlement();
    settle(50, 100, u, 33, true, false, s);
    expect(s.prompt).toBe(10);
    expect(s.completion).toBe(20);
    expect(s.keptReservation).toBe(false);
  });

  it("uses the counted stream when complete or cut, the reservation otherwise", () => {
    const u = new Usage();
    const s = new Settlement();
    settle(50, 100, u, 33, true, false, s);
    expect(s.prompt).toBe(50);
    expect(s.completion).toBe(33);
    u.setCompletion(80);
    settle(50, 100, u, 33, true, true, s);
    expect(s.completion).toBe(33);
    settle(50, 100, new Usage(), 33, false, false, s);
    expect(s.completion).toBe(100);
    expect(s.keptReservation).toBe(true);
  });
});
