// Reads a Decision off the filter's answer (status + headers + body). The filter is the only
// author of these values; the shims only move them into their platform's shape.
import type { HeaderList } from "../host/types.js";
import type { StreamAnswer } from "./stream-decision.js";
import type { Decision, Verdict } from "./types.js";

function verdictOf(status: number): Verdict {
  if (status === 200) return "allow";
  if (status === 429) return "reject";
  return "unavailable";
}

export function headerOf(headers: HeaderList, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of headers) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** The filter asks a Node host to apply a throttle itself (assembly/filter/throttle.ts); capped at 30 s (spec 9.3). */
const DELAY_HEADER = "x-fairvisor-delay-ms";
export const MAX_DELAY_MS = 30_000;

function delayOf(value: string | undefined): number {
  const n = value === undefined ? NaN : Number(value.trim());
  return Number.isFinite(n) && n > 0 ? Math.min(Math.ceil(n), MAX_DELAY_MS) : 0;
}

export function toDecision(answer: StreamAnswer): Decision {
  const h = answer.headers.filter(([k]) => k.toLowerCase() !== DELAY_HEADER);
  const verdict = verdictOf(answer.status);
  return {
    verdict,
    status: answer.status,
    reason: verdict === "allow" ? undefined : headerOf(h, "x-fairvisor-reason"),
    retryAfter: headerOf(h, "retry-after"),
    rateLimit: {
      limit: headerOf(h, "ratelimit-limit"),
      remaining: headerOf(h, "ratelimit-remaining"),
      reset: headerOf(h, "ratelimit-reset"),
      policy: headerOf(h, "ratelimit"),
    },
    warning: headerOf(h, "x-fairvisor-warning"),
    delayMs: delayOf(headerOf(answer.headers, DELAY_HEADER)),
    headers: h,
    body: answer.body,
  };
}
