// The evaluation engine (spec 7): kill switches, route match, then each matching policy in id order
// with rule selection, descriptor checks and limiters. Everything derivable from the bundle is built in
// the constructor; evaluate() reuses the scratch state held here (STYLE.md hot path 1 and 2). One Engine
// serves one bundle and runs one request at a time (proxy-wasm is single-threaded per VM).
//
// Shadow (project decisions 2 and 3): a shadow would-reject is recorded on the decision
// (wouldReject, wouldRejectReason, mode "shadow") and evaluation goes on; if nothing enforcing rejects,
// the client sees an allow with allow-style headers (no reason, no Retry-After, no reject values).

import { Bundle, Policy } from "../policy/model";
import { LimitOutcome, LimitResult } from "../limiters/limit-result";
import { StringBuilder } from "../util/string-builder";
import { CompiledPolicy, CompiledRule } from "./compiled-policy";
import { CounterStore } from "./counter-store";
import { Action, Decision } from "./decision";
import { DescriptorExtractor, DescriptorKeys } from "./descriptors";
import { jitteredRetryAfter, jitterIdentityHash, jitterSeed, jitterSubject } from "./jitter";
import { CompiledKillSwitches, KILL_SWITCH_RETRY_AFTER } from "./kill-switches";
import { runLimiter } from "./limiter-dispatch";
import { MatchOrder } from "./match-order";
import { isOverrideActive } from "./overrides";
import { RequestContext } from "./request-context";
import { RequestView } from "./request-view";
import { writeAllowHeaders, writeRejectHeaders } from "./response-headers";
import { RouteIndex, RouteMatches } from "./route-index";

export const REASON_KILL_SWITCH = "kill_switch";
export const REASON_ALL_RULES_PASSED = "all_rules_passed";
export const REASON_NO_MATCHING_POLICY = "no_matching_policy";
export const REASON_BUDGET_EXCEEDED = "budget_exceeded";
export const MODE_ENFORCE = "enforce";
export const MODE_SHADOW = "shadow";

const HTTP_OK: i32 = 200;
const HTTP_TOO_MANY_REQUESTS: i32 = 429;
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
  private routes: RouteIndex;
  private killSwitches: CompiledKillSwitches;
  private extractor: DescriptorExtractor;

  // Per-request scratch.
  private ctx: RequestContext = new RequestContext();
  private matches: RouteMatches;
  private order: MatchOrder;
  private keyBuilder: StringBuilder = new StringBuilder();
  private result: LimitResult = new LimitResult();
  private lastResult: LimitResult = new LimitResult();
  private hasLastResult: bool = false;
  private lastResultPolicy: string = "";
  private shadowPolicy: string = "";
  private shadowRule: string = "";

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
    this.routes = routes;
    this.killSwitches = killSwitches;
    // Sized by every key interned above.
    this.extractor = new DescriptorExtractor(keys, options.trustGeoHeaders);
    this.matches = new RouteMatches(routes.entryCount);
    this.order = new MatchOrder(ids.length);
  }

  /** Evaluates one request into `out` (reset first). Never traps; store failures fail open. */
  evaluate(req: RequestView, nowNs: u64, store: CounterStore, out: Decision): void {
    out.reset();
    const ctx = this.ctx;
    ctx.begin(req);
    this.extractor.reset();
    this.hasLastResult = false;
    this.lastResultPolicy = "";
    this.shadowPolicy = "";
    this.shadowRule = "";
    const nowSeconds = f64(nowNs) / NANOS_PER_SECOND;
    const bundle = this.bundle;
    const globalShadow = isOverrideActive(bundle.globalShadow, nowSeconds);

    // Kill switches: before routing, never shadowed, skipped while kill_switch_override is active.
    if (this.killSwitches.count > 0 && !isOverrideActive(bundle.killSwitchOverride, nowSeconds)) {
      if (this.killSwitches.find(req, ctx, this.extractor, nowSeconds) >= 0) {
        this.rejectKillSwitch(req, out);
        return;
      }
    }

    this.routes.match(ctx, this.matches);
    const matched = this.order.collect(this.matches);
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
      // Extension point (next issue): loop detection (spec 8.5) and the circuit breaker (8.6) run here,
      // before rule selection.
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

    out.action = Action.ALLOW;
    out.status = HTTP_OK;
    if (out.wouldReject) {
      out.reason = "";
      out.mode = MODE_SHADOW;
      out.policyId = this.shadowPolicy;
      out.ruleName = this.shadowRule;
    } else {
      out.reason = REASON_ALL_RULES_PASSED;
      out.policyId = this.lastResultPolicy;
    }
    if (this.hasLastResult) writeAllowHeaders(out, this.lastResult, this.lastResultPolicy);
    if (described !== null) this.fillDescriptors(described, req, out);
  }

  /**
   * Rule selection (spec 7 step 5.5): no `match` → applies; otherwise every entry must equal, as a
   * string, the extracted descriptor of its key, and for jwt keys the raw claim when the descriptor
   * is not there. A non-jwt match key that the policy does not extract never matches (quirk).
   */
  private ruleApplies(rule: CompiledRule, req: RequestView): bool {
    const ids = rule.matchKeyIds;
    for (let i = 0, n = ids.length; i < n; i++) {
      if (!unchecked(rule.matchComparable[i])) return false;
      let actual: string | null = null;
      if (unchecked(rule.matchExtracted[i])) actual = this.extractor.value(unchecked(ids[i]), req, this.ctx);
      const claim = unchecked(rule.matchClaimNames[i]);
      if (actual === null && claim.length > 0) {
        const claims = this.ctx.jwtClaims(req);
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
    // A missing limit key skips the rule (fail open, spec 7 step 5.6).
    const ids = rule.limitKeyIds;
    for (let i = 0, n = ids.length; i < n; i++) {
      if (this.extractor.value(unchecked(ids[i]), req, this.ctx) === null) return false;
    }
    // cost_based / token_bucket_llm: not implemented yet (limiter-dispatch.ts), skipped.
    if (!rule.supported) return false;

    const key = this.counterKey(rule, shadow, req);
    const plan = rule.cost;
    const cost = plan !== null ? plan.resolve(req, this.ctx) : 1;
    const result = this.result;
    result.clear();
    if (!runLimiter(rule, store, key, nowSeconds, cost, result)) return false;
    out.casRetries += result.casRetries;

    if (result.outcome == LimitOutcome.FAIL_OPEN) {
      out.storeErrors++;
      return false;
    }
    if (result.outcome == LimitOutcome.ALLOW) {
      this.lastResult.copyFrom(result);
      this.hasLastResult = true;
      this.lastResultPolicy = policy.id;
      return false;
    }

    const reason = result.reason.length > 0 ? result.reason : rule.exceededReason;
    if (shadow) {
      if (!out.wouldReject) {
        out.wouldReject = true;
        out.wouldRejectReason = reason;
        this.shadowPolicy = policy.id;
        this.shadowRule = rule.rule.name;
      }
      // Answer like an allow at this limiter: keep limit/remaining, drop the reject-only values.
      const last = this.lastResult;
      last.copyFrom(result);
      last.outcome = LimitOutcome.ALLOW;
      last.hasRetryAfter = false;
      last.hasReset = false;
      this.hasLastResult = true;
      this.lastResultPolicy = policy.id;
      return false;
    }

    out.action = Action.REJECT;
    out.status = HTTP_TOO_MANY_REQUESTS;
    out.reason = reason;
    out.mode = MODE_ENFORCE;
    out.policyId = policy.id;
    out.ruleName = rule.rule.name;
    const base = result.hasRetryAfter ? result.retryAfter : 1;
    const retryAfter = this.jitter(req, policy.id, rule.rule.name, reason, base);
    out.retryAfter = i64(retryAfter);
    writeRejectHeaders(out, result, 0, policy.id, reason, retryAfter);
    this.fillDescriptors(policy, req, out);
    return true;
  }

  private rejectKillSwitch(req: RequestView, out: Decision): void {
    out.action = Action.REJECT;
    out.status = HTTP_TOO_MANY_REQUESTS;
    out.reason = REASON_KILL_SWITCH;
    out.mode = MODE_ENFORCE;
    const retryAfter = this.jitter(req, "", "", REASON_KILL_SWITCH, KILL_SWITCH_RETRY_AFTER);
    out.retryAfter = i64(retryAfter);
    writeRejectHeaders(out, null, KILL_SWITCH_RETRY_AFTER, "", REASON_KILL_SWITCH, retryAfter);
  }

  /** Jittered Retry-After (spec 9.4) for this request's identity. */
  private jitter(req: RequestView, policyId: string, ruleName: string, reason: string, base: f64): f64 {
    const claims = this.ctx.jwtClaims(req);
    const subject = claims !== null ? jitterSubject(claims) : "";
    const identity = jitterIdentityHash(subject, req.peerAddress(), this.ctx.rawPath);
    return jitteredRetryAfter(base, jitterSeed(policyId, ruleName, reason, identity), reason == REASON_BUDGET_EXCEEDED);
  }

  /** `<prefix><v1>|<v2>...`, with `shadow:` before the algorithm prefix in shadow (spec 5.4). */
  private counterKey(rule: CompiledRule, shadow: bool, req: RequestView): string {
    const b = this.keyBuilder;
    b.reset();
    b.append(shadow ? rule.shadowCounterPrefix : rule.counterPrefix);
    const ids = rule.limitKeyIds;
    for (let i = 0, n = ids.length; i < n; i++) {
      if (i > 0) b.appendCode(0x7c); // "|"
      const v = this.extractor.value(unchecked(ids[i]), req, this.ctx);
      if (v !== null) b.append(v);
    }
    return b.toString();
  }

  /** Present descriptors of `policy`'s keys, sorted by key (for debug headers). */
  private fillDescriptors(policy: CompiledPolicy, req: RequestView, out: Decision): void {
    const ids = policy.extractedKeyIds;
    for (let i = 0, n = ids.length; i < n; i++) {
      const id = unchecked(ids[i]);
      const v = this.extractor.value(id, req, this.ctx);
      if (v === null) continue;
      out.descriptors.push(unchecked(this.keys.texts[id]));
      out.descriptors.push(v);
    }
  }
}
