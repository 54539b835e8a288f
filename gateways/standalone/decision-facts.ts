// What one decision was, read from the filter's own answer, for metrics, logs and debug headers. The
// service decides nothing: everything here comes from the wasm (the local reply's details are the reason,
// spec 9.6; RateLimit names the policy, spec 9.3; X-Fairvisor-Warning the staged action) or from the wasm's
// own counters (a shadow would-reject is invisible in the answer by project decision 2, so it is read from
// `fairvisor_decisions_shadow_would_reject_total` moving during the call).
// Not exposed by the wasm today, so absent here: the rule name, the shadow would-reject's policy and
// reason, the extracted descriptors, the matched-policy count (see README "What the wasm could expose").
import type { HeaderList } from "../host/types.js";

export type DecisionAction = "allow" | "reject" | "throttle" | "warn" | "shadow_reject" | "unavailable";

export interface DecisionFacts {
  action: DecisionAction;
  /** Policy id from the RateLimit header (`"default"` for a kill switch, spec 8.4); "" when none. */
  policy: string;
  /** Reason code of spec 9.6; "" when the answer carries none (a plain allow). */
  reason: string;
  /**
   * Throttle delay the service still has to serve (X-Fairvisor-Delay-Ms, capped); 0 when none, or when the
   * wasm already held the request until its tick woke it (assembly/filter/throttle.ts).
   */
  delayMs: number;
  /** RateLimit-Remaining when the limiter reported it. */
  remaining: number | undefined;
  /** X-Fairvisor-Reservation of an LLM allow (issue 3 item 4); "" when none. */
  reservationId: string;
}

/** The original caps throttle sleeps at 30 s (spec 9.3 "throttle"). */
export const MAX_DELAY_MS = 30_000;

export const DELAY_HEADER = "x-fairvisor-delay-ms";
export const RESERVATION_HEADER = "x-fairvisor-reservation";

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
  const reason = headerOf(headers, "x-fairvisor-reason") ?? details;
  return {
    action: status === 429 ? "reject" : "unavailable",
    policy: rateLimitPolicy(headerOf(headers, "ratelimit")),
    reason,
    delayMs: 0,
    remaining: numberOrUndefined(headerOf(headers, "ratelimit-remaining")),
    reservationId: "",
  };
}

/** An allow, from the headers the filter put on the response; `shadowRejected` from the wasm's counter. */
export function allowFacts(headers: HeaderList, shadowRejected: boolean): DecisionFacts {
  const warning = headerOf(headers, "x-fairvisor-warning") ?? "";
  const delayMs = parseDelay(headerOf(headers, DELAY_HEADER));
  let action: DecisionAction = "allow";
  if (delayMs > 0 || warning === "budget_throttle") action = "throttle";
  else if (warning !== "") action = "warn";
  else if (shadowRejected) action = "shadow_reject";
  return {
    action,
    policy: rateLimitPolicy(headerOf(headers, "ratelimit")),
    reason: warning,
    delayMs,
    remaining: numberOrUndefined(headerOf(headers, "ratelimit-remaining")),
    reservationId: headerOf(headers, RESERVATION_HEADER) ?? "",
  };
}

function numberOrUndefined(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}
