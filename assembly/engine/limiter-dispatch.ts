// Runs the limiter of a rule whose cost is one number: token_bucket (spec 8.1) and cost_based (8.2).
// Every algorithm has the same shape (assembly/limiters/index.ts): config, store, counter key, time and
// cost in; a LimitResult out. token_bucket_llm needs the prompt and completion estimates instead of one
// cost, so the engine calls limiters/token-bucket-llm.ts itself (Engine.runLlm).

import { Algorithm } from "../policy/model";
import { LimitResult } from "../limiters/limit-result";
import { checkCostBudget } from "../limiters/cost-budget";
import { checkTokenBucket } from "../limiters/token-bucket";
import { CompiledRule } from "./compiled-policy";
import { CounterStore } from "./counter-store";

/** Returns false when the rule is not a cost-driven rule with its config (nothing was checked). */
export function runLimiter(
  rule: CompiledRule,
  store: CounterStore,
  key: string,
  nowSeconds: f64,
  cost: f64,
  out: LimitResult,
): bool {
  const algorithm = rule.rule.algorithm;
  if (algorithm == Algorithm.TOKEN_BUCKET) {
    const config = rule.rule.tokenBucket;
    if (config === null) return false;
    checkTokenBucket(config, store, key, nowSeconds, cost, out);
    return true;
  }
  if (algorithm == Algorithm.COST_BASED) {
    const config = rule.rule.costBased;
    if (config === null) return false;
    checkCostBudget(config, store, key, nowSeconds, cost, out);
    return true;
  }
  return false;
}
