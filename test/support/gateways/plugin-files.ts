// Reading the shipped files under plugins/ (STYLE.md `plugins/`: every file there is loaded by a test) and
// the helpers the gateway tests share: Envoy string matchers, the demo bundle's expected answers.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { ROOT } from "./dist.js";

export function pluginText(gateway: string, file: string): string {
  return readFileSync(join(ROOT, "plugins", gateway, file), "utf8");
}

export function pluginYaml(gateway: string, file: string): any {
  return parse(pluginText(gateway, file));
}

export function pluginJson(gateway: string, file: string): any {
  return JSON.parse(pluginText(gateway, file));
}

/** examples/token-bucket.json: the bundle every plugin ships (burst 5 per X-Api-Key under /api/, 1/s). */
export const DEMO_BUNDLE_PATH = join(ROOT, "examples", "token-bucket.json");
export const DEMO_BUNDLE = JSON.parse(readFileSync(DEMO_BUNDLE_PATH, "utf8"));

/** envoy.type.matcher.v3.StringMatcher, the two forms the plugin files use. */
export interface StringMatcher {
  exact?: string;
  prefix?: string;
  ignore_case?: boolean;
}

export function matches(patterns: StringMatcher[], name: string): boolean {
  return patterns.some((p) => {
    const n = p.ignore_case ? name.toLowerCase() : name;
    if (p.exact !== undefined) return n === (p.ignore_case ? p.exact.toLowerCase() : p.exact);
    if (p.prefix !== undefined) return n.startsWith(p.ignore_case ? p.prefix.toLowerCase() : p.prefix);
    return false;
  });
}

/** The RateLimit-* values of the demo bundle's n-th allowed request (1-based) within one second. */
export function demoAllowHeaders(n: number): Record<string, string> {
  const remaining = String(5 - n);
  return {
    "ratelimit-limit": "5",
    "ratelimit-remaining": remaining,
    "ratelimit-reset": "1",
    ratelimit: `"demo-api";r=${remaining};t=1`,
  };
}

/** The demo bundle's reject: headers as a client sees them (names lower-case). */
export const DEMO_REJECT_HEADERS = {
  "retry-after": "2",
  "ratelimit-limit": "5",
  "ratelimit-remaining": "0",
  "ratelimit-reset": "1",
  ratelimit: '"demo-api";r=0;t=1',
  "x-fairvisor-reason": "token_bucket_exceeded",
};

export const DEMO_REJECT_BODY = {
  error: { message: "Rate limit exceeded: token_bucket_exceeded", type: "rate_limit_error", code: "rate_limit_exceeded" },
};

/** Picks the named headers out of an answer (names lower-case). */
export function pick(headers: Record<string, string>, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) if (headers[n] !== undefined) out[n] = headers[n];
  return out;
}
