// Sample LLM streams shared by the stream-*.spec.ts files (not a spec itself).

/** OpenAI chat completion stream: 4 content chunks ("Hello" 2 tokens, " world" 2, "! How are" 3, " you?" 2), finish chunk, usage chunk, [DONE]. */
export const OPENAI_STREAM =
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n' +
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}\n\n' +
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":" world"},"finish_reason":null}]}\n\n' +
  ': keep-alive comment\n\n' +
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"! How are"},"finish_reason":null}]}\r\n\r\n' +
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":" you?"},"finish_reason":null}]}\n\n' +
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}\n\n' +
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}\n\n' +
  "data: [DONE]\n\n";

export const OPENAI_EVENTS: i32 = 8; // the comment-only event has no data
export const OPENAI_COUNTED: i32 = 9;

/** Anthropic messages stream: text "Hi there, friend" in three deltas (1 + 2 + 2 tokens). */
export const ANTHROPIC_STREAM =
  'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}}\n\n' +
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
  'event: ping\ndata: {"type": "ping"}\n\n' +
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}\n\n' +
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" there,"}}\n\n' +
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" friend"}}\n\n' +
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":6}}\n\n' +
  'event: message_stop\ndata: {"type":"message_stop"}\n\n';

export const ANTHROPIC_COUNTED: i32 = 5;

export function bytesOf(text: string): ArrayBuffer {
  return String.UTF8.encode(text);
}

export function textOf(bytes: ArrayBuffer): string {
  return String.UTF8.decode(bytes);
}
