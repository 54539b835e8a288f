// The per-request state of one evaluation, kept on the Engine and reset per request (STYLE.md hot path
// 2), with the small helpers every pipeline step uses: descriptor values, counter keys, the jittered
// Retry-After, shadow would-reject bookkeeping, the last limiter result for allow headers, the pending
// warn/throttle, and the loop-count header. Steps live in engine.ts and guard-steps.ts.

import { LimitResult } from "../limiters/limit-result";
import { StringBuilder } from "../util/string-builder";
import { CompiledPolicy, CompiledRule } from "./compiled-policy";
import { Decision } from "./decision";
import { HEADER_LOOP_COUNT, recordWouldReject } from "./decision-writer";
import { DescriptorExtractor, DescriptorKeys } from "./descriptors";
import { jitteredRetryAfter, jitterIdentityHash, jitterSeed, jitterSubject } from "./jitter";
import { LlmRequest } from "./llm-request";
import { LoopFingerprint } from "./loop-fingerprint";
import { PendingOutcome } from "./pending";
import { REASON_BUDGET_EXCEEDED } from "./reasons";
import { RequestContext } from "./request-context";
import { RequestView } from "./request-view";

@final
export class RequestScratch {
  ctx: RequestContext = new RequestContext();
  llm: LlmRequest = new LlmRequest();
  fingerprint: LoopFingerprint = new LoopFingerprint();
  keyBuilder: StringBuilder = new StringBuilder();
  /** The result of the limiter that just ran. */
  result: LimitResult = new LimitResult();
  lastResult: LimitResult = new LimitResult();
  hasLastResult: bool = false;
  lastResultPolicy: string = "";
  shadowPolicy: string = "";
  shadowRule: string = "";
  pending: PendingOutcome = new PendingOutcome();
  /** Enforcing loop detection counted this request: X-Fairvisor-Loop-Count (decision 4); -1 = not. */
  loopHeaderCount: f64 = -1;
  /** The current policy's breaker key and the cost it counted ("" when its breaker did not count). */
  breakerKey: string = "";
  breakerCounted: f64 = 0;

  constructor(public keys: DescriptorKeys, public extractor: DescriptorExtractor) {}

  /** Starts a request (also used by Engine.needsBody, which only needs ctx, extractor and llm). */
  begin(req: RequestView): void {
    this.ctx.begin(req);
    this.extractor.reset();
    this.llm.begin();
    this.hasLastResult = false;
    this.lastResultPolicy = "";
    this.shadowPolicy = "";
    this.shadowRule = "";
    this.pending.clear();
    this.loopHeaderCount = -1;
    this.breakerKey = "";
    this.breakerCounted = 0;
  }

  value(id: i32, req: RequestView): string | null {
    return this.extractor.value(id, req, this.ctx);
  }

  /** Every limit key of `rule` is present (a missing one skips the rule: spec 7 step 5.6). */
  keysPresent(rule: CompiledRule, req: RequestView): bool {
    const ids = rule.limitKeyIds;
    for (let i = 0, n = ids.length; i < n; i++) {
      if (this.value(unchecked(ids[i]), req) === null) return false;
    }
    return true;
  }

  /** `<prefix><v1>|<v2>...`, with `shadow:` before the algorithm prefix in shadow (spec 5.4). */
  counterKey(rule: CompiledRule, shadow: bool, req: RequestView): string {
    const b = this.keyBuilder;
    b.reset();
    b.append(shadow ? rule.shadowCounterPrefix : rule.counterPrefix);
    const ids = rule.limitKeyIds;
    for (let i = 0, n = ids.length; i < n; i++) {
      if (i > 0) b.appendCode(0x7c); // "|"
      const v = this.value(unchecked(ids[i]), req);
      if (v !== null) b.append(v);
    }
    return b.toString();
  }

  /** Jittered Retry-After (spec 9.4) for this request's identity. */
  jitter(req: RequestView, policyId: string, ruleName: string, reason: string, base: f64): f64 {
    const claims = this.ctx.jwtClaims(req);
    const subject = claims !== null ? jitterSubject(claims) : "";
    const identity = jitterIdentityHash(subject, req.peerAddress(), this.ctx.rawPath);
    return jitteredRetryAfter(base, jitterSeed(policyId, ruleName, reason, identity), reason == REASON_BUDGET_EXCEEDED);
  }

  /** A shadow would-reject: the first one names the shadow policy and rule (decisions 2 and 3). */
  wouldReject(out: Decision, policyId: string, ruleName: string, reason: string): void {
    if (recordWouldReject(out, policyId, ruleName, reason)) {
      this.shadowPolicy = policyId;
      this.shadowRule = ruleName;
    }
  }

  /** Remember `result` as the last limiter result (allow headers, spec 7 step 6). */
  remember(result: LimitResult, policyId: string): void {
    this.lastResult.copyFrom(result);
    this.hasLastResult = true;
    this.lastResultPolicy = policyId;
  }

  /** `X-Fairvisor-Loop-Count` when enforcing loop detection counted the request (decision 4). */
  addLoopHeader(out: Decision): void {
    if (this.loopHeaderCount >= 0) out.addHeader(HEADER_LOOP_COUNT, i64(this.loopHeaderCount).toString());
  }

  /** Present descriptors of `policy`'s keys, sorted by key (for debug headers). */
  fillDescriptors(policy: CompiledPolicy, req: RequestView, out: Decision): void {
    const ids = policy.extractedKeyIds;
    for (let i = 0, n = ids.length; i < n; i++) {
      const id = unchecked(ids[i]);
      const v = this.value(id, req);
      if (v === null) continue;
      out.descriptors.push(unchecked(this.keys.texts[id]));
      out.descriptors.push(v);
    }
  }
}
