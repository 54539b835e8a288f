// `algorithm_config.streaming` of token_bucket_llm (spec 8.7): validated when present, with the
// reference streaming module's messages, and compiled with its defaults.

import { JsonValue } from "../json";
import { OnLimitExceeded, StreamingConfig } from "./model";
import { isBool, isPositiveNumber, isStringEqual, isTable, member } from "./lua-table";

/** Fills `out` from the `streaming` block; returns "" or the message. */
export function compileStreaming(block: JsonValue, out: StreamingConfig): string {
  if (!isTable(block)) return "streaming config must be a table";

  const enabled = member(block, "enabled");
  if (enabled !== null) {
    if (!isBool(enabled)) return "streaming.enabled must be a boolean";
    out.enabled = enabled.bool;
  }

  const midStream = member(block, "enforce_mid_stream");
  if (midStream !== null) {
    if (!isBool(midStream)) return "streaming.enforce_mid_stream must be a boolean";
    out.enforceMidStream = midStream.bool;
  }

  const buffer = member(block, "buffer_tokens");
  if (buffer !== null) {
    if (!isPositiveNumber(buffer)) return "streaming.buffer_tokens must be a positive number";
    out.bufferTokens = buffer.num;
  }

  const onLimit = member(block, "on_limit_exceeded");
  if (onLimit !== null) {
    if (isStringEqual(onLimit, "graceful_close")) out.onLimitExceeded = OnLimitExceeded.GRACEFUL_CLOSE;
    else if (isStringEqual(onLimit, "error_chunk")) out.onLimitExceeded = OnLimitExceeded.ERROR_CHUNK;
    else return "streaming.on_limit_exceeded must be graceful_close or error_chunk";
  }

  const partial = member(block, "include_partial_usage");
  if (partial !== null) {
    if (!isBool(partial)) return "streaming.include_partial_usage must be a boolean";
    out.includePartialUsage = partial.bool;
  }
  return "";
}
