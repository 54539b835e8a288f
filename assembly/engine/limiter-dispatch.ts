// Runs the limiter of a rule. Every algorithm has the same shape (assembly/limiters/index.ts): config,
// store, counter key, time and cost in; a LimitResult out. Only token_bucket exists today; `cost_based`
// (spec 8.2, limiters/cost-based.ts) and `token_bucket_llm` (8.3, limiters/token-bucket-llm.ts) come
// with the next issue: the engine skips their rules until then (CompiledRule.supported), and the loader
// already validates their configs.

import { Algorithm } from "../policy/model";
import { LimitResult } from "../limiters/limit-result";
import { checkTokenBucket } from "../limiters/token-bucket";
import { CompiledRule } from "./compiled-policy";
import { CounterStore } from "./counter-store";

/** Returns false when the rule's algorithm is not implemented yet (nothing was checked). */
export function runLimiter(
  rule: CompiledRule,
  store: CounterStore,
  key: string,
  nowSeconds: f64,
  cost: f64,
  out: LimitResult,
): bool {
  if (rule.rule.algorithm == Algorithm.TOKEN_BUCKET) {
    const config = rule.rule.tokenBucket;
    if (config === null) return false;
    checkTokenBucket(config, store, key, nowSeconds, cost, out);
    return true;
  }
  return false;
}
