// `token_bucket` algorithm_config (spec 8.1), checked in the reference's order and compiled with
// every default applied (decision 5: `rps` really is the rate when `tokens_per_second` is absent).

import { JsonValue } from "../json";
import { TokenBucketConfig } from "./model";
import { isPositiveNumber, isString, member } from "./lua-table";
import { costSourceKind, costSourceName } from "./cost-source";

const COST_SOURCE_MESSAGE = "cost_source must be fixed, header:<name>, or query:<name>";

/** Fills `out` from `config` (a table); returns "" or the limiter message. */
export function compileTokenBucket(config: JsonValue, out: TokenBucketConfig): string {
  let rate = member(config, "tokens_per_second");
  if (rate === null) rate = member(config, "rps");
  if (rate === null) return "tokens_per_second or rps is required";
  if (!isPositiveNumber(rate)) return "tokens_per_second must be a positive number";
  out.tokensPerSecond = rate.num;

  const burst = member(config, "burst");
  if (burst === null) return "burst is required";
  if (!isPositiveNumber(burst)) return "burst must be a positive number";
  if (burst.num < out.tokensPerSecond) return "burst must be >= tokens_per_second";
  out.burst = burst.num;

  const source = member(config, "cost_source");
  if (source !== null) {
    if (!isString(source)) return COST_SOURCE_MESSAGE;
    const kind = costSourceKind(source.str);
    if (kind < 0) return COST_SOURCE_MESSAGE;
    out.costSource = kind;
    out.costName = costSourceName(source.str, kind);
  }

  const fixed = member(config, "fixed_cost");
  if (fixed !== null) {
    if (!isPositiveNumber(fixed)) return "fixed_cost must be a positive number";
    out.fixedCost = fixed.num;
  }

  const fallback = member(config, "default_cost");
  if (fallback !== null) {
    if (!isPositiveNumber(fallback)) return "default_cost must be a positive number";
    out.defaultCost = fallback.num;
  }
  return "";
}
