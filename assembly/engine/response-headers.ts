// Client headers of a decision (spec 9.3), numbers written as Lua prints them (spec 8).
// Allow after limiters: RateLimit-Limit / RateLimit-Remaining when the limiter returned them,
//   RateLimit-Reset = reset, else retry_after, else 1 when a limit exists; RateLimit: "<policy>";r=;t=.
// Reject, in this order: Retry-After (already jittered), RateLimit-Limit / -Remaining when provided,
//   RateLimit-Reset (the raw base when the limiter or the decision set one, else the jittered value),
//   RateLimit, X-Fairvisor-Reason (on every 429, project decision 1).
// The structured RateLimit header quotes the policy id, escaping `\` and `"`; without a policy the name
// is "default" (kill switches, spec 8.4).

import { numberToLuaString } from "../json";
import { LimitResult } from "../limiters/limit-result";
import { Decision } from "./decision";

export const HEADER_RETRY_AFTER = "Retry-After";
export const HEADER_LIMIT = "RateLimit-Limit";
export const HEADER_REMAINING = "RateLimit-Remaining";
export const HEADER_RESET = "RateLimit-Reset";
export const HEADER_RATELIMIT = "RateLimit";
export const HEADER_REASON = "X-Fairvisor-Reason";

/** Allow headers from the last limiter result (spec 9.3 "allow after limiters"). */
export function writeAllowHeaders(out: Decision, result: LimitResult, policyId: string): void {
  if (result.hasLimit) out.addHeader(HEADER_LIMIT, numberToLuaString(result.limit));
  if (result.hasRemaining) out.addHeader(HEADER_REMAINING, numberToLuaString(result.remaining));
  if (result.hasReset) out.addHeader(HEADER_RESET, numberToLuaString(result.reset));
  else if (result.hasRetryAfter) out.addHeader(HEADER_RESET, numberToLuaString(result.retryAfter));
  else if (result.hasLimit) out.addHeader(HEADER_RESET, "1");
  out.addHeader(HEADER_RATELIMIT, structuredRateLimit(policyId, result.hasRemaining ? result.remaining : 0, resetSeconds(result)));
}

/**
 * Reject headers. `result` is null for decisions that no limiter produced (kill switch); `decisionRetry`
 * is the decision's own base retry (3600 for a kill switch, 0 for none); `retryAfter` is the jittered
 * value already computed from the base.
 */
export function writeRejectHeaders(
  out: Decision,
  result: LimitResult | null,
  decisionRetry: f64,
  policyId: string,
  reason: string,
  retryAfter: f64,
): void {
  out.addHeader(HEADER_RETRY_AFTER, numberToLuaString(retryAfter));
  let reset: f64 = 0;
  let hasReset = false;
  if (result !== null) {
    const r = result;
    if (r.hasLimit) out.addHeader(HEADER_LIMIT, numberToLuaString(r.limit));
    if (r.hasRemaining) out.addHeader(HEADER_REMAINING, numberToLuaString(r.remaining));
    // Spec 9.3 step 3: the limiter's raw base when it set one, else (below) the jittered value. A
    // limit alone does not make a reset: LLM per-request caps carry RateLimit-Limit (decision 10) and
    // keep the jittered reset of the worked example "LLM prompt too large".
    if (r.hasReset) {
      reset = r.reset;
      hasReset = true;
    } else if (r.hasRetryAfter) {
      reset = r.retryAfter;
      hasReset = true;
    }
  }
  if (!hasReset) reset = decisionRetry > 0 ? decisionRetry : retryAfter;
  out.addHeader(HEADER_RESET, numberToLuaString(reset));
  if (result !== null) {
    const r = result;
    out.addHeader(HEADER_RATELIMIT, structuredRateLimit(policyId, r.hasRemaining ? r.remaining : 0, resetSeconds(r)));
  } else {
    out.addHeader(HEADER_RATELIMIT, structuredRateLimit(policyId, 0, reset));
  }
  out.addHeader(HEADER_REASON, reason);
}

/** `t=` of the RateLimit header: reset, else retry_after, else 1 (never jittered). */
function resetSeconds(result: LimitResult): f64 {
  if (result.hasReset) return result.reset;
  if (result.hasRetryAfter) return result.retryAfter;
  return 1;
}

/** `"<name>";r=<remaining>;t=<reset>` with the name quoted as a structured-field string. */
export function structuredRateLimit(policyId: string, remaining: f64, reset: f64): string {
  const name = policyId.length > 0 ? policyId : "default";
  return "\"" + escapeQuoted(name) + "\";r=" + numberToLuaString(remaining) + ";t=" + numberToLuaString(reset);
}

function escapeQuoted(name: string): string {
  if (name.indexOf("\\") < 0 && name.indexOf("\"") < 0) return name;
  return name.replaceAll("\\", "\\\\").replaceAll("\"", "\\\"");
}
