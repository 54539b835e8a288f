// The events that end a stream cut by the token limit (spec 8.7 "Truncation", decision 11), written after
// the last complete event that was forwarded so the client sees a well-formed, finished stream:
//   OpenAI graceful_close: a chunk with finish_reason "length" (+ usage unless include_partial_usage is
//     false), then `data: [DONE]`;
//   OpenAI error_chunk: an error object (+ usage), then `data: [DONE]`;
//   Anthropic: content_block_stop for a block left open (every content_block_start is paired with a stop
//     in Anthropic's protocol, and SDKs accumulate per block), message_delta with stop_reason "max_tokens"
//     and usage.output_tokens, then message_stop; error_chunk sends Anthropic's `event: error` instead of
//     the message_delta. Anthropic's message_delta always carries usage (its SDK types require it).
import { ByteBuffer } from "./byte-buffer";

export const enum SseFormat {
  UNKNOWN = 0,
  OPENAI = 1,
  ANTHROPIC = 2,
}

/** Token counts as JSON integers (they are whole numbers: ceil'd estimates or reported counts). */
export function tokenText(value: f64): string {
  if (!isFinite(value) || value <= 0) return "0";
  if (value >= 9007199254740992) return "9007199254740992";
  return (<i64>Math.ceil(value)).toString();
}

function appendUsage(out: ByteBuffer, prompt: f64, completion: f64): void {
  out.appendAscii(',"usage":{"prompt_tokens":');
  out.appendAscii(tokenText(prompt));
  out.appendAscii(',"completion_tokens":');
  out.appendAscii(tokenText(completion));
  out.appendAscii(',"total_tokens":');
  out.appendAscii(tokenText(Math.ceil(prompt) + Math.ceil(completion)));
  out.appendAscii("}");
}

/** Appends the closing events for `format` (UNKNOWN is written as OpenAI, the common dialect). */
export function appendFinalEvents(
  out: ByteBuffer,
  format: SseFormat,
  errorChunk: bool,
  includeUsage: bool,
  prompt: f64,
  completion: f64,
  openBlock: i32,
): void {
  if (format == SseFormat.ANTHROPIC) {
    if (openBlock >= 0) {
      out.appendAscii('event: content_block_stop\ndata: {"type":"content_block_stop","index":');
      out.appendAscii(openBlock.toString());
      out.appendAscii("}\n\n");
    }
    if (errorChunk) {
      out.appendAscii('event: error\ndata: {"type":"error","error":{"type":"rate_limit_error","message":"max completion tokens exceeded"}}\n\n');
      return;
    }
    out.appendAscii('event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":');
    out.appendAscii(tokenText(completion));
    out.appendAscii("}}\n\n");
    out.appendAscii('event: message_stop\ndata: {"type":"message_stop"}\n\n');
    return;
  }
  if (errorChunk) {
    out.appendAscii('data: {"error":{"message":"max completion tokens exceeded","type":"rate_limit_error","code":"completion_tokens_exceeded"}');
  } else {
    out.appendAscii('data: {"choices":[{"index":0,"delta":{},"finish_reason":"length"}]');
  }
  if (includeUsage) appendUsage(out, prompt, completion);
  out.appendAscii("}\n\n");
  out.appendAscii("data: [DONE]\n\n");
}
