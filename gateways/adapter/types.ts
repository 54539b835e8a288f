// The contract every serverless shim speaks: a platform event becomes one AdapterRequest, the wasm decides,
// and the shim turns one Decision back into the platform's answer. Nothing here knows a limiter: the
// verdict, reason, Retry-After and RateLimit values are the filter's own (DESIGN.md section 1).
import type { HeaderList } from "../host/types.js";

/** The client request as the platform describes it. */
export interface AdapterRequest {
  method: string;
  /** Path plus query, as the client sent it (project decision 7: query keys read it, paths ignore it). */
  uri: string;
  /** Host the client asked for; the wasm normalises it (spec section 3). */
  authority: string;
  /** Client headers, names in any case; platform and hop-by-hop headers already removed by the shim. */
  headers: HeaderList;
  /** The client address the platform vouches for; absent when it gives none (a TOKEN authorizer). */
  clientIp?: string;
}

export type Verdict = "allow" | "reject" | "unavailable";

/** One decision, read off the filter's answer. */
export interface Decision {
  /** allow = 200; reject = the filter's 429; unavailable = 503 (no bundle, or the VM trapped). */
  verdict: Verdict;
  status: number;
  /** X-Fairvisor-Reason (every 429 and 503, project decision 1); absent on allow. */
  reason?: string;
  /** Retry-After on a reject, as the filter jittered it (spec 9.4). */
  retryAfter?: string;
  /** RateLimit, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset when the filter set them. */
  rateLimit: RateLimitValues;
  /** X-Fairvisor-Warning (budget_warn, budget_throttle, loop_warn) on an allow. */
  warning?: string;
  /** Throttle: the engine has already waited this long before answering (0 when none). */
  delayMs: number;
  /** Every header the filter set, canonical spelling (RateLimit-Reset, X-Fairvisor-Reason, ...). */
  headers: HeaderList;
  /** The reject's JSON error body (empty on allow). */
  body: Uint8Array;
}

export interface RateLimitValues {
  limit?: string;
  remaining?: string;
  reset?: string;
  /** The structured `RateLimit` header: `"<policy>";r=<remaining>;t=<reset>`. */
  policy?: string;
}
