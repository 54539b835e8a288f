// Header names from the wasm arrive lower-cased (the host stores them as Envoy does). HTTP names are
// case-insensitive, but people read them: the service writes the spelling of the spec (section 9.3).

/** Spellings that plain Title-Case would get wrong. */
const CANONICAL: Record<string, string> = {
  ratelimit: "RateLimit",
  "ratelimit-limit": "RateLimit-Limit",
  "ratelimit-remaining": "RateLimit-Remaining",
  "ratelimit-reset": "RateLimit-Reset",
  "ratelimit-policy": "RateLimit-Policy",
  "www-authenticate": "WWW-Authenticate",
  etag: "ETag",
};

/** `x-fairvisor-reason` → `X-Fairvisor-Reason`, `ratelimit-reset` → `RateLimit-Reset`. */
export function canonicalHeaderName(name: string): string {
  const lower = name.toLowerCase();
  const known = CANONICAL[lower];
  if (known !== undefined) return known;
  return lower.replace(/(^|-)([a-z])/g, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}
