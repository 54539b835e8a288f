// What one decision was, read from the filter's own answer, for metrics, logs and debug headers. The
// service decides nothing: everything here comes from the wasm. The service runs it with the deployment
// option `decision_info` (config.ts vmConfigurationFor), so every answer carries X-Fairvisor-Decision-Info
// (assembly/filter/decision-info.ts): action, reason, mode, policy, rule, matched-policy count, shadow
// would-reject, descriptors, reserved tokens. That header is the service's alone: every answer the client
// sees drops it (decider.ts copyHeaders, reverse-proxy/proxy.ts). When it is absent or unreadable (a module built before it, a reply the
// host made itself) the facts are inferred from the answer as before: the local reply's details are the
// reason (spec 9.6), RateLimit names the policy (spec 9.3), X-Fairvisor-Warning the staged action, and a
// shadow would-reject, invisible in the answer by project decision 2, is read from the wasm's counter
// `fairvisor_decisions_shadow_would_reject_total` moving during the call.
import type { HeaderList } from "../host/types.js";

export type DecisionAction = "allow" | "reject" | "throttle" | "warn" | "shadow_reject" | "unavailable";

export interface DecisionFacts {
  action: DecisionAction;
  /**
   * The deciding policy; for a shadow_reject the policy that would have rejected. "" when none (no policy
   * matched; a kill switch, which no policy decides). Inferred: the RateLimit header's, so `"default"` for
   * a kill switch (spec 8.4).
   */
  policy: string;
  /**
   * Reason code of spec 9.6; for a shadow_reject the reason the shadow policy would have rejected with.
   * Plain allows: `all_rules_passed` or `no_matching_policy` (inferred: "", the answer carries none).
   */
  reason: string;
  // Optional so that deciders which make their own answers (gateways/distributed's fail_open and
  // store_unavailable) need not invent them; absent means unknown.
  /** The deciding rule; "" or absent when none decided or unknown. */
  rule?: string;
  /** "shadow" when the shadow would-reject is the outcome, else "enforce"; absent: from `action`. */
  mode?: "enforce" | "shadow";
  /** Policies whose selector matched; absent when the wasm did not say. */
  matchedPolicies?: number;
  /** The extracted descriptors as [key, value], in the wasm's order (sorted by key). */
  descriptors?: Array<[string, string]>;
  /** LLM tokens the allow reserved (0 or absent when none or unknown). */
  reserved?: number;
  /**
   * The reason a shadow policy would have rejected with, when one did, whatever the outcome (a later
   * enforcing reject, throttle or warn still wins, project decision 3); "" or absent when none or unknown.
   */
  wouldReject?: string;
  /**
   * Throttle delay the service still has to serve (X-Fairvisor-Delay-Ms, capped); 0 when none, or when the
   * wasm already held the request until its tick woke it (assembly/filter/throttle.ts).
   */
  delayMs: number;
  /** RateLimit-Remaining when the limiter reported it. */
  remaining: number | undefined;
  /**
   * The policy the RateLimit headers describe (the last limiter that ran, spec 9.3), which `remaining`
   * belongs to; it can differ from `policy` (a shadow would-reject, a warn of an earlier policy).
   */
  limiterPolicy?: string;
  /** X-Fairvisor-Reservation of an LLM allow (issue 3 item 4); "" when none. */
  reservationId: string;
}

/** The original caps throttle sleeps at 30 s (spec 9.3 "throttle"). */
export const MAX_DELAY_MS = 30_000;

export const DELAY_HEADER = "x-fairvisor-delay-ms";
export const RESERVATION_HEADER = "x-fairvisor-reservation";
export const DECISION_INFO_HEADER = "x-fairvisor-decision-info";

/** The X-Fairvisor-Decision-Info JSON (assembly/filter/decision-info.ts), as the service uses it. */
export interface DecisionInfo {
  action: "allow" | "reject" | "throttle";
  reason: string;
  mode: "enforce" | "shadow";
  policy: string;
  rule: string;
  matched: number;
  would_reject: string;
  would_reject_policy: string;
  descriptors: Array<[string, string]>;
  reserved: number;
}

/**
 * The header's value read strictly: anything but the documented shape is null, and the caller falls back
 * to inference rather than labelling metrics with half-read values.
 */
export function parseDecisionInfo(value: string | undefined): DecisionInfo | null {
  if (value === undefined) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    return null;
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return null;
  const o = raw as Record<string, unknown>;
  const strings = ["reason", "policy", "rule", "would_reject", "would_reject_policy"];
  if (!strings.every((k) => typeof o[k] === "string")) return null;
  if (o.action !== "allow" && o.action !== "reject" && o.action !== "throttle") return null;
  if (o.mode !== "enforce" && o.mode !== "shadow") return null;
  if (!isCount(o.matched) || !isCount(o.reserved)) return null;
  const pairs = o.descriptors;
  if (!Array.isArray(pairs) || !pairs.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === "string" && typeof p[1] === "string")) {
    return null;
  }
  return o as unknown as DecisionInfo;
}

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0;

/** First value of a header, case-insensitively. */
export function headerOf(headers: HeaderList, name: string): string | undefined {
  for (const [k, v] of headers) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** The policy id of `RateLimit: "<id>";r=..;t=..` (a structured-field string: `\"` and `\\` escaped). */
export function rateLimitPolicy(value: string | undefined): string {
  if (!value) return "";
  const m = /^"((?:[^"\\]|\\.)*)"/.exec(value.trim());
  return m ? m[1].replace(/\\(.)/g, "$1") : "";
}

/** A throttle delay in ms, capped at 30 s; 0 for anything that is not a non-negative number. */
export function parseDelay(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value.trim());
  if (!Number.isFinite(n) || n <= 0) return 0;
  return Math.min(Math.ceil(n), MAX_DELAY_MS);
}

/** A reject: the local reply's details are the reason code (assembly/filter/http.ts sendLocalResponse). */
export function rejectFacts(status: number, details: string, headers: HeaderList): DecisionFacts {
  const info = parseDecisionInfo(headerOf(headers, DECISION_INFO_HEADER));
  const inferred = headerOf(headers, "x-fairvisor-reason") ?? details;
  return {
    action: status === 429 ? "reject" : "unavailable",
    policy: info ? info.policy : rateLimitPolicy(headerOf(headers, "ratelimit")),
    reason: info?.reason || inferred,
    ...detailsOf(info, "enforce"),
    delayMs: 0,
    remaining: numberOrUndefined(headerOf(headers, "ratelimit-remaining")),
    limiterPolicy: rateLimitPolicy(headerOf(headers, "ratelimit")),
    reservationId: "",
  };
}

/**
 * An allow, from the headers the filter put on the response; `shadowRejected` from the wasm's counter,
 * used only when the decision info is missing (the info says it per request, the counter only per call).
 */
export function allowFacts(headers: HeaderList, shadowRejected: boolean): DecisionFacts {
  const info = parseDecisionInfo(headerOf(headers, DECISION_INFO_HEADER));
  const warning = headerOf(headers, "x-fairvisor-warning") ?? "";
  const delayMs = parseDelay(headerOf(headers, DELAY_HEADER));
  let action: DecisionAction = "allow";
  // A throttle the wasm already served has no delay left, but it was still a throttle.
  if (delayMs > 0 || warning === "budget_throttle" || info?.action === "throttle") action = "throttle";
  else if (warning !== "") action = "warn";
  else if (info ? info.would_reject !== "" : shadowRejected) action = "shadow_reject";
  // A shadow would-reject is labelled with the policy and reason that would have rejected (the engine's
  // own reason is cleared by shadow wrapping, spec 7.1).
  const shadow = action === "shadow_reject" && info !== null;
  const limiterPolicy = rateLimitPolicy(headerOf(headers, "ratelimit"));
  let policy = limiterPolicy;
  let reason = warning;
  if (info) {
    policy = shadow ? info.would_reject_policy || info.policy : info.policy;
    reason = shadow ? info.would_reject : info.reason || warning;
  }
  return {
    action,
    policy,
    reason,
    ...detailsOf(info, action === "shadow_reject" ? "shadow" : "enforce"),
    delayMs,
    remaining: numberOrUndefined(headerOf(headers, "ratelimit-remaining")),
    limiterPolicy,
    reservationId: headerOf(headers, RESERVATION_HEADER) ?? "",
  };
}

/**
 * The facts only the decision info carries; without it, what inference can say (`mode` from the action,
 * no matched-policy count).
 */
function detailsOf(info: DecisionInfo | null, inferredMode: "enforce" | "shadow"): Pick<DecisionFacts, "rule" | "mode" | "matchedPolicies" | "descriptors" | "reserved" | "wouldReject"> {
  if (!info) return { rule: "", mode: inferredMode, descriptors: [], reserved: 0, wouldReject: "" };
  return { rule: info.rule, mode: info.mode, matchedPolicies: info.matched, descriptors: info.descriptors, reserved: info.reserved, wouldReject: info.would_reject };
}

function numberOrUndefined(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}
