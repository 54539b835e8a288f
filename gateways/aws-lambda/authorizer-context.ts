// The Decision as authorizer context. API Gateway stringifies context values anyway, so they are strings
// here too; keys are absent when the filter set no such value. Backends read them as
// `event.requestContext.authorizer.<key>`, gateway responses and mapping templates as
// `$context.authorizer.<key>` (README: how the ACCESS_DENIED response turns a Deny into 429 + Retry-After).
import type { Decision } from "../adapter/index.js";
import type { AuthorizerContext } from "./types.js";

export const CONTEXT_KEYS = {
  decision: "fairvisor_decision",
  reason: "fairvisor_reason",
  retryAfter: "retry_after",
  limit: "ratelimit_limit",
  remaining: "ratelimit_remaining",
  reset: "ratelimit_reset",
  policy: "ratelimit",
  warning: "fairvisor_warning",
} as const;

export function authorizerContext(d: Decision): AuthorizerContext {
  const out: AuthorizerContext = { [CONTEXT_KEYS.decision]: d.verdict };
  const put = (key: string, value: string | undefined) => {
    if (value !== undefined && value !== "") out[key] = value;
  };
  put(CONTEXT_KEYS.reason, d.reason);
  put(CONTEXT_KEYS.retryAfter, d.retryAfter);
  put(CONTEXT_KEYS.limit, d.rateLimit.limit);
  put(CONTEXT_KEYS.remaining, d.rateLimit.remaining);
  put(CONTEXT_KEYS.reset, d.rateLimit.reset);
  put(CONTEXT_KEYS.policy, d.rateLimit.policy);
  put(CONTEXT_KEYS.warning, d.warning);
  return out;
}
