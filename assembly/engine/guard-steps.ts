// The two per-policy steps that run before rule selection (spec 7 steps 5.3 and 5.4): loop detection
// (8.5 with project decision 4) and the circuit breaker (8.6). Each returns true when `out` is final
// (the engine stops evaluating); otherwise evaluation goes on with the next step.

import { LoopAction } from "../policy/model";
import { checkCircuitBreaker } from "../limiters/circuit-breaker";
import { LimitOutcome } from "../limiters/limit-result";
import { checkLoop, loopKeyOf } from "../limiters/loop-detector";
import { CompiledPolicy } from "./compiled-policy";
import { CounterStore } from "./counter-store";
import { Decision } from "./decision";
import { writeLoopThrottle, writeReject } from "./decision-writer";
import { estimatePrompt, requestedCompletion } from "./llm-request";
import { cappedDelay } from "./pending";
import { REASON_LOOP_DETECTED, WARNING_LOOP_WARN } from "./reasons";
import { RequestScratch } from "./request-scratch";
import { RequestView } from "./request-view";

/** Loop throttle: count x 100 ms (spec 8.5), capped at 30 s. */
const LOOP_THROTTLE_MS_PER_REQUEST: f64 = 100;

/**
 * Loop detection. Final when enforced reject or throttle (a throttle, like a reject, ends evaluation:
 * spec 7 step 5.3); warn makes a pending warn with `X-Fairvisor-Warning: loop_warn` and evaluation goes
 * on (decision 4). In shadow only a would-reject is recorded, and no count header is sent (decision 2;
 * the count is on Decision.loopCount for logs).
 */
export function runLoopDetection(
  s: RequestScratch,
  policy: CompiledPolicy,
  shadow: bool,
  req: RequestView,
  store: CounterStore,
  nowSeconds: f64,
  out: Decision,
): bool {
  const config = policy.loop;
  if (config === null) return false;
  const fp = s.fingerprint.compute(policy, s.keys, s.extractor, req, s.ctx);
  const result = s.result;
  checkLoop(config, store, loopKeyOf(fp, shadow), nowSeconds, result);
  out.casRetries += result.casRetries;
  if (result.outcome == LimitOutcome.FAIL_OPEN) {
    out.storeErrors++;
    return false;
  }
  out.loopCount = i64(result.count);
  if (!shadow) s.loopHeaderCount = result.count;
  if (result.outcome != LimitOutcome.REJECT) return false;
  if (shadow) {
    if (config.action == LoopAction.REJECT) s.wouldReject(out, policy.id, "", REASON_LOOP_DETECTED);
    return false;
  }
  if (config.action == LoopAction.WARN) {
    s.pending.offerWarn(REASON_LOOP_DETECTED, WARNING_LOOP_WARN, policy.id, "");
    return false;
  }
  if (config.action == LoopAction.THROTTLE) {
    writeLoopThrottle(out, policy.id, REASON_LOOP_DETECTED, cappedDelay(result.count * LOOP_THROTTLE_MS_PER_REQUEST));
  } else {
    // Base retry = window_seconds: RateLimit-Reset and `t=` carry it raw (spec 8.5).
    const retryAfter = s.jitter(req, policy.id, "", REASON_LOOP_DETECTED, result.retryAfter);
    writeReject(out, policy.id, "", REASON_LOOP_DETECTED, result, 0, retryAfter);
  }
  s.addLoopHeader(out);
  s.fillDescriptors(policy, req, out);
  return true;
}

/**
 * The circuit breaker. Final when an enforcing breaker trips or is open: Retry-After jittered from 1,
 * RateLimit-Reset = that value, `RateLimit: "<policy>";r=0;t=1`. `breakerAlert` is set in enforce and
 * shadow alike (it is for logs and metrics). Remembers the key and cost on `s` for the Reservation.
 */
export function runCircuitBreaker(
  s: RequestScratch,
  policy: CompiledPolicy,
  shadow: bool,
  req: RequestView,
  store: CounterStore,
  nowSeconds: f64,
  out: Decision,
): bool {
  const config = policy.breaker;
  if (config === null) return false;
  const b = s.keyBuilder;
  b.reset();
  if (shadow) b.append("shadow:");
  b.append(policy.breakerPrefix);
  const keyId = policy.breakerKeyId;
  if (keyId >= 0) {
    b.appendCode(0x3a); // ":"; a missing value leaves it empty, so such requests share one breaker
    const v = s.value(keyId, req);
    if (v !== null) b.append(v);
  }
  const key = b.toString();
  const cost = breakerCost(s, policy, req);
  const result = s.result;
  checkCircuitBreaker(config, store, key, nowSeconds, cost, result);
  out.casRetries += result.casRetries;
  if (result.outcome == LimitOutcome.FAIL_OPEN) {
    out.storeErrors++;
    return false;
  }
  s.breakerKey = key;
  s.breakerCounted = cost;
  if (result.outcome != LimitOutcome.REJECT) return false;
  if (config.alert) {
    out.breakerAlert = true;
    out.breakerPolicyId = policy.id;
  }
  if (shadow) {
    s.wouldReject(out, policy.id, "", result.reason);
    return false;
  }
  const retryAfter = s.jitter(req, policy.id, "", result.reason, 1);
  writeReject(out, policy.id, "", result.reason, result, 0, retryAfter);
  s.addLoopHeader(out);
  s.fillDescriptors(policy, req, out);
  return true;
}

/**
 * The breaker's cost (spec 8.6): the cost of the policy's first rule. Token bucket and cost_based
 * resolve their cost source; an LLM rule costs the request's estimated total when the body is known,
 * else 1. A policy without rules costs 1.
 */
function breakerCost(s: RequestScratch, policy: CompiledPolicy, req: RequestView): f64 {
  const first = policy.firstRule;
  if (first === null) return 1;
  const rule = first;
  const plan = rule.cost;
  if (plan !== null) return plan.resolve(req, s.ctx);
  const llm = rule.rule.llm;
  if (llm === null) return 1;
  s.llm.load(req);
  if (!s.llm.bodyPresent) return 1;
  const total = estimatePrompt(llm, s.llm, req) + requestedCompletion(llm, s.llm, req);
  return total > 0 ? total : 1;
}
