// `token_bucket_llm` algorithm_config (spec 8.3), checked in the reference's order and compiled with
// the documented defaults the reference loses (decision 5): burst_tokens = tokens_per_minute,
// default_max_completion 1000, estimator simple_word. The optional `streaming` block (8.7) is
// checked last, with the streaming module's messages.

import { JsonValue } from "../json";
import { Estimator, LlmConfig } from "./model";
import { isPositiveNumber, isString, isTable, member } from "./lua-table";
import { compileStreaming } from "./streaming-config";

/** Fills `out` from `config` (a table); returns "" or the limiter message. */
export function compileLlm(config: JsonValue, out: LlmConfig): string {
  const tpm = member(config, "tokens_per_minute");
  if (tpm === null || !isPositiveNumber(tpm)) return "tokens_per_minute must be a positive number";
  out.tokensPerMinute = tpm.num;

  let message = optionalPositive(config, "tokens_per_day");
  if (message.length > 0) return message;
  out.tokensPerDay = positiveOrZero(config, "tokens_per_day");

  const burst = member(config, "burst_tokens");
  if (burst === null) out.burstTokens = out.tokensPerMinute;
  else if (!isPositiveNumber(burst)) return "burst_tokens must be a positive number";
  else out.burstTokens = burst.num;
  if (out.burstTokens < out.tokensPerMinute) return "burst_tokens must be >= tokens_per_minute";

  message = optionalPositive(config, "max_tokens_per_request");
  if (message.length > 0) return message;
  out.maxTokensPerRequest = positiveOrZero(config, "max_tokens_per_request");
  message = optionalPositive(config, "max_prompt_tokens");
  if (message.length > 0) return message;
  out.maxPromptTokens = positiveOrZero(config, "max_prompt_tokens");
  message = optionalPositive(config, "max_completion_tokens");
  if (message.length > 0) return message;
  out.maxCompletionTokens = positiveOrZero(config, "max_completion_tokens");

  const defaultCompletion = member(config, "default_max_completion");
  if (defaultCompletion !== null) {
    if (!isPositiveNumber(defaultCompletion)) return "default_max_completion must be a positive number";
    out.defaultMaxCompletion = defaultCompletion.num;
  }

  const tokenSource = member(config, "token_source");
  if (tokenSource !== null) {
    if (!isTable(tokenSource)) return "token_source must be a table";
    const estimator = member(tokenSource, "estimator");
    if (estimator !== null) {
      if (!isString(estimator)) return "token_source.estimator must be a string";
      if (estimator.str == "simple_word") out.estimator = Estimator.SIMPLE_WORD;
      else if (estimator.str == "header_hint") out.estimator = Estimator.HEADER_HINT;
      else return "token_source.estimator must be simple_word or header_hint";
    }
  }

  const streaming = member(config, "streaming");
  if (streaming !== null) return compileStreaming(streaming, out.streaming);
  return "";
}

function optionalPositive(config: JsonValue, field: string): string {
  const v = member(config, field);
  if (v !== null && !isPositiveNumber(v)) return field + " must be a positive number";
  return "";
}

/** The field's value once validated, 0 (= unset) when absent. */
function positiveOrZero(config: JsonValue, field: string): f64 {
  const v = member(config, field);
  return v !== null && isPositiveNumber(v) ? v.num : 0;
}
