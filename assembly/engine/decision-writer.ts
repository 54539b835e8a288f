// Filling a Decision for each kind of outcome (spec 9.3), so the pipeline in engine.ts only decides
// which one applies. Rejects: 429 with the reject headers; throttles: 200 after `delayMs`; shadow
// would-rejects: recorded for logs/metrics only (project decision 2); allows: the last limiter's headers.

import { LimitResult } from "../limiters/limit-result";
import { Action, Decision } from "./decision";
import { PendingKind, PendingOutcome } from "./pending";
import { REASON_ALL_RULES_PASSED } from "./reasons";
import { structuredRateLimit, writeAllowHeaders, writeRejectHeaders, HEADER_RATELIMIT } from "./response-headers";

export const MODE_ENFORCE = "enforce";
export const MODE_SHADOW = "shadow";
export const HEADER_WARNING = "X-Fairvisor-Warning";
export const HEADER_LOOP_COUNT = "X-Fairvisor-Loop-Count";

const HTTP_OK: i32 = 200;
const HTTP_TOO_MANY_REQUESTS: i32 = 429;

/**
 * An enforced reject. `result` gives the limiter's header values (null for a kill switch);
 * `decisionRetry` is the decision's own base retry when no limiter sets one; `retryAfter` is jittered.
 */
export function writeReject(
  out: Decision,
  policyId: string,
  ruleName: string,
  reason: string,
  result: LimitResult | null,
  decisionRetry: f64,
  retryAfter: f64,
): void {
  out.action = Action.REJECT;
  out.status = HTTP_TOO_MANY_REQUESTS;
  out.reason = reason;
  out.mode = MODE_ENFORCE;
  out.policyId = policyId;
  out.ruleName = ruleName;
  out.retryAfter = i64(retryAfter);
  out.delayMs = 0;
  // Spec 7 "all must pass": a reject does not refund earlier consumption; reservations made by earlier
  // rules are dropped so that nothing reconciles a request that never reaches the upstream.
  out.reservations = [];
  writeRejectHeaders(out, result, decisionRetry, policyId, reason, retryAfter);
  if (result !== null) out.errorDetails = result.details;
}

/** A loop throttle (spec 8.5): 200 after `delayMs`, `RateLimit: "<policy>";r=0;t=1`, no warning header. */
export function writeLoopThrottle(out: Decision, policyId: string, reason: string, delayMs: f64): void {
  out.action = Action.THROTTLE;
  out.status = HTTP_OK;
  out.reason = reason;
  out.mode = MODE_ENFORCE;
  out.policyId = policyId;
  out.ruleName = "";
  out.delayMs = i64(delayMs);
  out.addHeader(HEADER_RATELIMIT, structuredRateLimit(policyId, 0, 1));
}

/**
 * Records a shadow would-reject: the first one names the decision's policy, rule and would-reject
 * reason; the client answer is unaffected (decisions 2 and 3).
 */
export function recordWouldReject(out: Decision, policyId: string, ruleName: string, reason: string): bool {
  if (out.wouldReject) return false;
  out.wouldReject = true;
  out.wouldRejectReason = reason;
  return true;
}

/**
 * The answer after all policies (spec 7 step 6): the pending throttle or warn if any, else allow
 * `all_rules_passed`, or a shadow-wrapped allow when a shadow policy would have rejected; headers from
 * the last limiter result when one ran.
 */
export function writeFinalAllow(
  out: Decision,
  pending: PendingOutcome,
  last: LimitResult | null,
  lastPolicy: string,
  shadowPolicy: string,
  shadowRule: string,
): void {
  out.action = Action.ALLOW;
  out.status = HTTP_OK;
  if (pending.kind != PendingKind.NONE) {
    if (pending.kind == PendingKind.THROTTLE) {
      out.action = Action.THROTTLE;
      out.delayMs = i64(pending.delayMs);
    }
    out.reason = pending.reason;
    out.mode = MODE_ENFORCE;
    out.policyId = pending.policyId;
    out.ruleName = pending.ruleName;
  } else if (out.wouldReject) {
    out.reason = "";
    out.mode = MODE_SHADOW;
    out.policyId = shadowPolicy;
    out.ruleName = shadowRule;
  } else {
    out.reason = REASON_ALL_RULES_PASSED;
    out.policyId = lastPolicy;
  }
  if (last !== null) writeAllowHeaders(out, last, lastPolicy);
  if (pending.kind != PendingKind.NONE && pending.warning.length > 0) out.addHeader(HEADER_WARNING, pending.warning);
}
