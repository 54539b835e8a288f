// The evaluation engine (spec 7): kill switches, route match, then for each matching policy in id order
// loop detection (8.5), the circuit breaker (8.6), rule selection, descriptor checks and limiters
// (token_bucket 8.1, cost_based 8.2, token_bucket_llm 8.3). Everything derivable from the bundle is built
// in the constructor; evaluate() reuses the scratch state held here (STYLE.md hot path 1 and 2). One
// Engine serves one bundle and runs one request at a time (proxy-wasm is single-threaded per VM).
//
// Shadow (project decisions 2 and 3): a shadow would-reject (limiter, loop, breaker) is recorded on the
// decision (wouldReject, wouldRejectReason, mode "shadow") and evaluation goes on; if nothing enforcing
// rejects, the client sees an allow with allow-style headers (no reason, no Retry-After, no reject
// values). Shadow warn/throttle stages are dropped for the same reason (pending.ts).
//
// After the response, the glue settles LLM reservations with reconcile() and corrects breaker spend
// with recordSpend(); needsBody() tells it, at request headers, whether the body must be buffered.

import { Algorithm, Bundle, Policy } from "../policy/model";
import { recordBreakerSpend } from "../limiters/circuit-breaker";
import { LimitOutcome, LimitStage } from "../limiters/limit-result";
import { checkTokenBucketLlm, reconcileReservation, tpdKeyOf, tpmKeyOf } from "../limiters/token-bucket-llm";
import { CompiledPolicy, CompiledRule } from "./compiled-policy";
import { CounterStore } from "./counter-store";
import { Decision, Reservation } from "./decision";
import { writeFinalAllow, writeReject } from "./decision-writer";
import { DescriptorExtractor, DescriptorKeys } from "./descriptors";
import { runCircuitBreaker, runLoopDetection } from "./guard-steps";
import { CompiledKillSwitches, KILL_SWITCH_RETRY_AFTER } from "./kill-switches";
import { runLimiter } from "./limiter-dispatch";
import { estimatePrompt, isStreamingRequest, requestedCompletion } from "./llm-request";
import { MatchOrder } from "./match-order";
import { isOverrideActive } from "./overrides";
import {
  REASON_BUDGET_THROTTLE, REASON_BUDGET_WARN, REASON_KILL_SWITCH, REASON_NO_MATCHING_POLICY,
  WARNING_BUDGET_THROTTLE, WARNING_BUDGET_WARN,
} from "./reasons";
import { RequestScratch } from "./request-scratch";
import { RequestView } from "./request-view";
import { RouteIndex, RouteMatches } from "./route-index";

export {
  REASON_KILL_SWITCH, REASON_ALL_RULES_PASSED, REASON_NO_MATCHING_POLICY, REASON_BUDGET_EXCEEDED,
} from "./reasons";
export { MODE_ENFORCE, MODE_SHADOW } from "./decision-writer";

const NANOS_PER_SECOND: f64 = 1e9;

export class EngineOptions {
  /** Honour X-Country-Code, X-ASN, X-ASN-Type and X-Tor-Exit from the client (project decision 13). */
  trustGeoHeaders: bool = false;
}

@final
export class Engine {
  private bundle: Bundle;
  private keys: DescriptorKeys;
  /** Canonical policy (last definition of its id) per rank; ranks are ids in ascending string order. */
  private policies: CompiledPolicy[];
  private rankOf: Map<string, i32>;
  private routes: RouteIndex;
  private killSwitches: CompiledKillSwitches;

  // Per-request scratch.
  private s: RequestScratch;
  private matches: RouteMatches;
  private order: MatchOrder;

  constructor(bundle: Bundle, options: EngineOptions) {
    // Everything is built into locals first: AssemblyScript wants every field set before `this` is used.
    const keys = new DescriptorKeys();
    const policies: CompiledPolicy[] = [];
    const routes = new RouteIndex();
    const source = bundle.policies;

    // Duplicate ids: the last definition wins everywhere (spec 2.2), but every definition's selector
    // still routes to that id, as the reference's id-based route index does.
    const lastIndex = new Map<string, i32>();
    const ids: string[] = [];
    for (let i = 0; i < source.length; i++) {
      const id = unchecked(source[i]).id;
      if (!lastIndex.has(id)) ids.push(id);
      lastIndex.set(id, i);
    }
    ids.sort();
    const rankOf = new Map<string, i32>();
    for (let r = 0; r < ids.length; r++) {
      const id = unchecked(ids[r]);
      rankOf.set(id, r);
      const at = lastIndex.has(id) ? lastIndex.get(id) : r;
      const policy: Policy = unchecked(source[at]);
      policies.push(new CompiledPolicy(policy, keys));
    }
    for (let i = 0; i < source.length; i++) {
      const policy = unchecked(source[i]);
      if (rankOf.has(policy.id)) routes.add(policy.selector, rankOf.get(policy.id));
    }
    const killSwitches = new CompiledKillSwitches(bundle.killSwitches, keys);

    this.bundle = bundle;
    this.keys = keys;
    this.policies = policies;
    this.rankOf = rankOf;
    this.routes = routes;
    this.killSwitches = killSwitches;
    // Sized by every key interned above.
    this.s = new RequestScratch(keys, new DescriptorExtractor(keys, options.trustGeoHeaders));
    this.matches = new RouteMatches(routes.entryCount);
    this.order = new MatchOrder(ids.length);
  }

  /** Evaluates one request into `out` (reset first). Never traps; store failures fail open. */
  evaluate(req: RequestView, nowNs: u64, store: CounterStore, out: Decision): void {
    out.reset();
    const s = this.s;
    s.begin(req);
    const nowSeconds = f64(nowNs) / NANOS_PER_SECOND;
    const globalShadow = isOverrideActive(this.bundle.globalShadow, nowSeconds);

    // Kill switches: before routing, never shadowed, skipped while kill_switch_override is active.
    if (this.killSwitchHit(req, nowSeconds)) {
      const retryAfter = s.jitter(req, "", "", REASON_KILL_SWITCH, KILL_SWITCH_RETRY_AFTER);
      writeReject(out, "", "", REASON_KILL_SWITCH, null, KILL_SWITCH_RETRY_AFTER, retryAfter);
      return;
    }

    const matched = this.matchPolicies();
    out.matchedPolicies = matched;
    if (matched == 0) {
      out.reason = REASON_NO_MATCHING_POLICY;
      return;
    }

    let described: CompiledPolicy | null = null;
    for (let k = 0; k < matched; k++) {
      const policy = unchecked(this.policies[this.order.rankAt(k)]);
      const shadow = globalShadow || policy.shadow;
      described = policy;
      s.breakerKey = "";
      s.breakerCounted = 0;
      // Spec 7 step 5.3 and 5.4: loop detection, then the breaker, before rule selection.
      if (policy.loop !== null && runLoopDetection(s, policy, shadow, req, store, nowSeconds, out)) return;
      if (policy.breaker !== null && runCircuitBreaker(s, policy, shadow, req, store, nowSeconds, out)) return;
      let applied = 0;
      const rules = policy.rules;
      for (let r = 0, rn = rules.length; r < rn; r++) {
        const rule = unchecked(rules[r]);
        if (!this.ruleApplies(rule, req)) continue;
        applied++;
        if (this.runRule(policy, rule, shadow, req, store, nowSeconds, out)) return;
      }
      const fallback = policy.fallback;
      if (applied == 0 && fallback !== null) {
        if (this.runRule(policy, fallback, shadow, req, store, nowSeconds, out)) return;
      }
    }

    writeFinalAllow(out, s.pending, s.hasLastResult ? s.lastResult : null, s.lastResultPolicy, s.shadowPolicy, s.shadowRule);
    s.addLoopHeader(out);
    if (described !== null) s.fillDescriptors(described, req, out);
  }

  /**
   * Whether evaluating `req` would run a token_bucket_llm rule, or a circuit breaker whose cost is an
   * LLM rule's estimate (spec 8.3, 8.6): route match and rule selection as far as headers tell. The glue
   * calls it at request headers and buffers the body only when it is true. A kill-switched request
   * needs no body. Cheap: no counter is read.
   */
  needsBody(req: RequestView, nowNs: u64): bool {
    const s = this.s;
    s.begin(req);
    const nowSeconds = f64(nowNs) / NANOS_PER_SECOND;
    if (this.killSwitchHit(req, nowSeconds)) return false;
    const matched = this.matchPolicies();
    for (let k = 0; k < matched; k++) {
      const policy = unchecked(this.policies[this.order.rankAt(k)]);
      const first = policy.firstRule;
      if (policy.breaker !== null && first !== null && first.rule.algorithm == Algorithm.TOKEN_BUCKET_LLM) return true;
      let applied = 0;
      const rules = policy.rules;
      for (let r = 0, rn = rules.length; r < rn; r++) {
        const rule = unchecked(rules[r]);
        if (!this.ruleApplies(rule, req)) continue;
        applied++;
        if (rule.rule.algorithm == Algorithm.TOKEN_BUCKET_LLM && s.keysPresent(rule, req)) return true;
      }
      const fallback = policy.fallback;
      if (applied == 0 && fallback !== null) {
        if (fallback.rule.algorithm == Algorithm.TOKEN_BUCKET_LLM && s.keysPresent(fallback, req)) return true;
      }
    }
    return false;
  }

  /**
   * Settles a reservation after the response (spec 8.3 reconciliation): refunds
   * max(0, reserved - (prompt + completion)) to its TPM bucket (refilled first, capped at burst) and,
   * while its TPD key is still today's, to the TPD counter (floor 0). Negative or NaN usage refunds
   * nothing. Returns the amount refunded. Call it once per reservation: exactly-once is the caller's job.
   * Needs no bundle, so a reservation made before a reload still settles.
   */
  reconcile(r: Reservation, promptTokens: f64, completionTokens: f64, nowNs: u64, store: CounterStore): f64 {
    return reconcileReservation(r, promptTokens, completionTokens, f64(nowNs) / NANOS_PER_SECOND, store);
  }

  /**
   * Corrects a circuit breaker's spend after the response (spec 8.6, DESIGN.md section 5). The rule,
   * so that spend is neither lost nor counted twice: at request time the breaker counted the cost of
   * the policy's first rule, for an LLM rule its estimated total; that amount is on the rule's
   * Reservation (`breakerCounted`, with `breakerKey`; only that one reservation carries it). After the
   * response the glue calls, once per such reservation,
   *   recordSpend(r.policyId, actualTotal - r.breakerCounted, nowNs, store, r.breakerKey)
   * The signed amount goes into the current minute's spend (a window never drops below 0). A rejected
   * request has no reservation: what the breaker counted for it stays counted, as in the reference.
   * Without `breakerKey` the key is derived from the policy, which is exact only for a breaker whose
   * policy has no limit keys (`cb:<policy id>`); for a keyed breaker nothing is recorded and the call
   * returns false. Returns false also for an unknown policy or one without an enabled breaker.
   */
  recordSpend(policyId: string, amount: f64, nowNs: u64, store: CounterStore, breakerKey: string = ""): bool {
    const nowSeconds = f64(nowNs) / NANOS_PER_SECOND;
    if (breakerKey.length > 0) return recordBreakerSpend(store, breakerKey, amount, nowSeconds);
    if (!this.rankOf.has(policyId)) return false;
    const rank = this.rankOf.get(policyId);
    if (rank < 0 || rank >= this.policies.length) return false;
    const policy = unchecked(this.policies[rank]);
    if (policy.breaker === null || policy.breakerKeyId >= 0) return false;
    const shadow = policy.shadow || isOverrideActive(this.bundle.globalShadow, nowSeconds);
    return recordBreakerSpend(store, (shadow ? "shadow:" : "") + policy.breakerPrefix, amount, nowSeconds);
  }

  private killSwitchHit(req: RequestView, nowSeconds: f64): bool {
    const bundle = this.bundle;
    if (this.killSwitches.count == 0 || isOverrideActive(bundle.killSwitchOverride, nowSeconds)) return false;
    return this.killSwitches.find(req, this.s.ctx, this.s.extractor, nowSeconds) >= 0;
  }

  private matchPolicies(): i32 {
    this.routes.match(this.s.ctx, this.matches);
    return this.order.collect(this.matches);
  }

  /**
   * Rule selection (spec 7 step 5.5): no `match` → applies; otherwise every entry must equal, as a
   * string, the extracted descriptor of its key, and for jwt keys the raw claim when the descriptor
   * is not there. A non-jwt match key that the policy does not extract never matches (quirk).
   */
  private ruleApplies(rule: CompiledRule, req: RequestView): bool {
    const s = this.s;
    const ids = rule.matchKeyIds;
    for (let i = 0, n = ids.length; i < n; i++) {
      if (!unchecked(rule.matchComparable[i])) return false;
      let actual: string | null = null;
      if (unchecked(rule.matchExtracted[i])) actual = s.value(unchecked(ids[i]), req);
      const claim = unchecked(rule.matchClaimNames[i]);
      if (actual === null && claim.length > 0) {
        const claims = s.ctx.jwtClaims(req);
        if (claims !== null) actual = claims.scalarText(claim);
      }
      if (actual === null) return false;
      if (actual != unchecked(rule.matchValues[i])) return false;
    }
    return true;
  }

  /** Runs one applicable rule. Returns true when `out` is a final (enforced) reject. */
  private runRule(
    policy: CompiledPolicy,
    rule: CompiledRule,
    shadow: bool,
    req: RequestView,
    store: CounterStore,
    nowSeconds: f64,
    out: Decision,
  ): bool {
    const s = this.s;
    if (!s.keysPresent(rule, req)) return false;
    if (!rule.supported) return false;

    const key = s.counterKey(rule, shadow, req);
    const result = s.result;
    result.clear();
    if (rule.rule.algorithm == Algorithm.TOKEN_BUCKET_LLM) {
      this.runLlm(policy, rule, shadow, req, store, key, nowSeconds, out);
    } else {
      const plan = rule.cost;
      const cost = plan !== null ? plan.resolve(req, s.ctx) : 1;
      if (!runLimiter(rule, store, key, nowSeconds, cost, result)) return false;
    }
    out.casRetries += result.casRetries;

    if (result.outcome == LimitOutcome.FAIL_OPEN) {
      out.storeErrors++;
      return false;
    }
    if (result.outcome == LimitOutcome.ALLOW) {
      // Spec 7 step 5.6: a throttle stage replaces an earlier one; a warn only when nothing is pending.
      if (!shadow && result.stage == LimitStage.THROTTLE) {
        s.pending.offerThrottle(REASON_BUDGET_THROTTLE, WARNING_BUDGET_THROTTLE, result.delayMs, policy.id, rule.rule.name);
      } else if (!shadow && result.stage == LimitStage.WARN) {
        s.pending.offerWarn(REASON_BUDGET_WARN, WARNING_BUDGET_WARN, policy.id, rule.rule.name);
      }
      s.remember(result, policy.id);
      return false;
    }

    const reason = result.reason.length > 0 ? result.reason : rule.exceededReason;
    if (shadow) {
      s.wouldReject(out, policy.id, rule.rule.name, reason);
      // Answer like this algorithm's allow: token_bucket keeps limit/remaining; cost_based and
      // token_bucket_llm allows carry neither (spec 8.2, 8.3). Reject-only values are dropped.
      const allowLike = rule.rule.algorithm == Algorithm.TOKEN_BUCKET;
      result.outcome = LimitOutcome.ALLOW;
      result.hasRetryAfter = false;
      result.hasReset = false;
      result.details = "";
      if (!allowLike) {
        result.hasLimit = false;
        result.hasRemaining = false;
      }
      s.remember(result, policy.id);
      return false;
    }

    const base = result.hasRetryAfter ? result.retryAfter : 1;
    const retryAfter = s.jitter(req, policy.id, rule.rule.name, reason, base);
    writeReject(out, policy.id, rule.rule.name, reason, result, 0, retryAfter);
    s.addLoopHeader(out);
    s.fillDescriptors(policy, req, out);
    return true;
  }

  /** token_bucket_llm (spec 8.3): estimates from the body, the check, and a Reservation on allow. */
  private runLlm(
    policy: CompiledPolicy,
    rule: CompiledRule,
    shadow: bool,
    req: RequestView,
    store: CounterStore,
    key: string,
    nowSeconds: f64,
    out: Decision,
  ): void {
    const config = rule.rule.llm;
    const tpm = rule.tpm;
    const s = this.s;
    const result = s.result;
    if (config === null || tpm === null) {
      result.outcome = LimitOutcome.FAIL_OPEN;
      return;
    }
    const llm = s.llm;
    const prompt = estimatePrompt(config, llm, req);
    const completion = requestedCompletion(config, llm, req);
    checkTokenBucketLlm(config, tpm, store, key, nowSeconds, prompt, completion, result);
    if (result.outcome != LimitOutcome.ALLOW) return;
    const r = new Reservation();
    r.policyId = policy.id;
    r.ruleName = rule.rule.name;
    r.tpmKey = tpmKeyOf(key);
    r.tpdKey = config.tokensPerDay > 0 ? tpdKeyOf(key, nowSeconds) : "";
    r.reserved = prompt + completion;
    r.promptTokens = prompt;
    r.completionTokens = completion;
    r.shadow = shadow;
    r.streaming = isStreamingRequest(llm, req);
    r.tpmRatePerSecond = tpm.tokensPerSecond;
    r.tpmBurst = tpm.burst;
    if (policy.firstRule === rule && s.breakerKey.length > 0) {
      r.breakerKey = s.breakerKey;
      r.breakerCounted = s.breakerCounted;
    }
    out.reservations.push(r);
  }
}
