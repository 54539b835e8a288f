// The ONE bundle and the ONE request sequence every cross-gateway target runs (test/cross-gateway.test.ts).
// Rates are tiny so that real clocks (spawned processes) cannot refill a bucket during the run: the
// Retry-After of a token bucket is ceil(1/rate - elapsed) = 100 for any elapsed time under a second.

/** Every target presents the client at this address, the way its platform vouches for one. */
export const CLIENT_IP = "203.0.113.7";
export const HOST = "api.example.com";

export const BUNDLE = {
  bundle_version: 1,
  policies: [
    {
      id: "cross-api",
      spec: {
        selector: { pathPrefix: "/api/" },
        mode: "enforce",
        rules: [
          {
            name: "per-key",
            limit_keys: ["header:x-api-key"],
            algorithm: "token_bucket",
            algorithm_config: { tokens_per_second: 0.01, burst: 3 },
          },
        ],
      },
    },
  ],
  kill_switches: [{ scope_key: "header:x-tenant-id", scope_value: "tenant-42", reason: "incident_block" }],
};

export const BUNDLE_TEXT = JSON.stringify(BUNDLE);

/** One client request. Headers are the client's own (names lower-case). */
export interface CrossRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
}

/** What a target's answer means, read off whatever the platform returns (headers, context, policy). */
export interface Outcome {
  verdict: "allow" | "reject" | "unavailable";
  reason?: string;
  retryAfter?: string;
  rateLimit?: string;
  rateLimitLimit?: string;
  rateLimitRemaining?: string;
  rateLimitReset?: string;
  /** Whether Retry-After reached the client as an HTTP header (a Lambda authorizer can only put it in context). */
  retryAfterHeader?: boolean;
}

export const apiRequest = (key: string, extra: Record<string, string> = {}, path = "/api/items"): CrossRequest => ({
  method: "GET",
  path,
  headers: { "x-api-key": key, ...extra },
});
