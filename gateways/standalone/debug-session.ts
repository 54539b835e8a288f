// Debug sessions (spec 9.7), enabled by FAIRVISOR_DEBUG_SESSION_SECRET. POST /v1/debug/session with the
// secret in X-Fairvisor-Debug-Secret sets a stateless cookie `fv_dbg=<expiry>.<base64url HMAC-SHA256(secret,
// expiry)>` (no SHA-1 fallback: Node always has HMAC-SHA256); with a valid cookie every decision also
// carries the X-Fairvisor-Debug-* headers. Comparisons are constant-time.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { HeaderList } from "../host/types.js";
import { json } from "./answers.js";
import type { DecisionFacts } from "./decision-facts.js";
import type { DecisionAnswer } from "./types.js";

export const COOKIE_NAME = "fv_dbg";
export const SESSION_TTL_S = 900;
/** Attribute order of spec 9.7. */
const cookie = (value: string, maxAge: number) => `${COOKIE_NAME}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Strict`;
const COOKIE_SYNTAX = /^(\d+)\.([A-Za-z0-9_-]+)$/;

export class DebugSessions {
  constructor(private readonly secret: string, private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000)) {}

  /** POST /v1/debug/session. */
  open(method: string, headers: HeaderList): DecisionAnswer {
    if (method !== "POST") return json(405, { error: "method_not_allowed" }, [["Allow", "POST"]]);
    const given = headerValue(headers, "x-fairvisor-debug-secret") ?? "";
    if (!equalConstantTime(given, this.secret)) return json(403, { error: "debug_secret_invalid" });
    const expiry = String(this.nowSeconds() + SESSION_TTL_S);
    return { status: 204, headers: [["Set-Cookie", cookie(`${expiry}.${this.sign(expiry)}`, SESSION_TTL_S)]], body: new Uint8Array(0) };
  }

  /** POST /v1/debug/logout. */
  logout(method: string): DecisionAnswer {
    if (method !== "POST") return json(405, { error: "method_not_allowed" }, [["Allow", "POST"]]);
    return { status: 204, headers: [["Set-Cookie", cookie("", 0)]], body: new Uint8Array(0) };
  }

  /** True when the request's Cookie header holds a valid, unexpired fv_dbg. */
  valid(headers: HeaderList): boolean {
    for (const [k, v] of headers) {
      if (k.toLowerCase() !== "cookie") continue;
      for (const part of v.split(";")) {
        const eq = part.indexOf("=");
        if (eq < 0 || part.slice(0, eq).trim() !== COOKIE_NAME) continue;
        const m = COOKIE_SYNTAX.exec(part.slice(eq + 1).trim());
        if (m && Number(m[1]) > this.nowSeconds() && equalConstantTime(m[2], this.sign(m[1]))) return true;
      }
    }
    return false;
  }

  private sign(expiry: string): string {
    return createHmac("sha256", this.secret).update(expiry).digest("base64url");
  }
}

/** Spec 9.7: at most 16 descriptors, each value cut to 256 characters. */
export const MAX_DEBUG_DESCRIPTORS = 16;
export const MAX_DEBUG_DESCRIPTOR_VALUE = 256;

/**
 * The debug headers of one decision (spec 9.7), from the decision facts (decision-facts.ts: the wasm's
 * X-Fairvisor-Decision-Info, else what its answer shows). Headers with empty values are not sent, so
 * without the decision info there is no Rule, Matched-Policies or descriptor header.
 * - Decision is allow, reject or throttle: a warn and a shadow would-reject are allows (spec 7.1, 9.6);
 *   "unavailable" stays for the 503s the service makes itself.
 * - Reason of a shadow would-reject: the reason the shadow policy would have rejected with. The engine
 *   clears the decision's own reason (spec 7.1), and that would leave the debug answer silent on the one
 *   thing a shadow rollout is debugged for.
 */
export function debugHeaders(facts: DecisionFacts, latencyUs: number): HeaderList {
  const decision = facts.action === "shadow_reject" || facts.action === "warn" ? "allow" : facts.action;
  const mode = facts.mode ?? (facts.action === "shadow_reject" ? "shadow" : "enforce");
  const out: HeaderList = [
    ["X-Fairvisor-Decision", decision],
    ["X-Fairvisor-Mode", mode],
    ["X-Fairvisor-Latency-Us", String(latencyUs)],
    ["X-Fairvisor-Debug-Decision", decision],
    ["X-Fairvisor-Debug-Mode", mode],
  ];
  const optional = (name: string, value: string): void => {
    if (value !== "") out.push([name, fieldValue(value)]);
  };
  optional("X-Fairvisor-Debug-Reason", facts.reason);
  optional("X-Fairvisor-Debug-Policy", facts.policy);
  optional("X-Fairvisor-Debug-Rule", facts.rule ?? "");
  out.push(["X-Fairvisor-Debug-Latency-Us", String(latencyUs)]);
  optional("X-Fairvisor-Debug-Matched-Policies", facts.matchedPolicies === undefined ? "" : String(facts.matchedPolicies));
  // The wasm sends them sorted by key already; sorting again keeps the promise whatever the source.
  const descriptors = [...(facts.descriptors ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, MAX_DEBUG_DESCRIPTORS);
  descriptors.forEach(([key, value], i) => {
    // 1-based, as the original numbers them (a Lua loop from 1).
    out.push([`X-Fairvisor-Debug-Descriptor-${i + 1}-Key`, fieldValue(key)]);
    out.push([`X-Fairvisor-Debug-Descriptor-${i + 1}-Value`, fieldValue(Array.from(value).slice(0, MAX_DEBUG_DESCRIPTOR_VALUE).join(""))]);
  });
  return out;
}

/**
 * A string as an HTTP field value: anything outside printable ASCII becomes \uXXXX, as in the decision
 * info itself. Descriptor values come from request headers, JWT claims and query strings, and node:http
 * throws on a control character (and mangles anything above U+00FF) in a header value.
 */
export function fieldValue(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

export function equalConstantTime(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  // timingSafeEqual needs equal lengths; comparing y with itself keeps the time independent of a's length.
  if (x.length !== y.length) {
    timingSafeEqual(y, y);
    return false;
  }
  return timingSafeEqual(x, y);
}

function headerValue(headers: HeaderList, name: string): string | undefined {
  for (const [k, v] of headers) if (k.toLowerCase() === name) return v;
  return undefined;
}
