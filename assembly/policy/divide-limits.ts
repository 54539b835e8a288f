// Divides a compiled bundle's limits across N workers that cannot share counters (APISIX has no proxy-wasm
// shared data: each nginx worker's VM counts alone, research/gateways.md section 3). With the declared worker
// count N, each worker enforces 1/N of every rate, burst and budget, so the workers together admit about the
// bundle's limit when the load is spread evenly (nginx's accept distribution makes that approximate, which the
// README says). Loop detection thresholds are per fingerprint and are left as written.
import { Bundle, Rule } from "./model";

function divideRule(rule: Rule, n: f64): void {
  const tb = rule.tokenBucket;
  if (tb !== null) {
    tb.tokensPerSecond = tb.tokensPerSecond / n;
    tb.burst = Math.max(1, tb.burst / n);
  }
  const cost = rule.costBased;
  if (cost !== null) cost.budget = cost.budget / n;
  const llm = rule.llm;
  if (llm !== null) {
    llm.tokensPerMinute = llm.tokensPerMinute / n;
    llm.burstTokens = llm.burstTokens / n;
    if (llm.tokensPerDay > 0) llm.tokensPerDay = llm.tokensPerDay / n;
  }
}

export function divideLimits(bundle: Bundle, workers: i32): void {
  if (workers <= 1) return;
  const n = <f64>workers;
  for (let i = 0; i < bundle.policies.length; i++) {
    const policy = unchecked(bundle.policies[i]);
    for (let j = 0; j < policy.rules.length; j++) divideRule(unchecked(policy.rules[j]), n);
    const fallback = policy.fallback;
    if (fallback !== null) divideRule(fallback, n);
    const breaker = policy.circuitBreaker;
    if (breaker !== null) breaker.spendRateThresholdPerMinute = breaker.spendRateThresholdPerMinute / n;
  }
}
