// Debug sessions (spec 9.7): the two endpoints, the HMAC-SHA256 cookie, and the X-Fairvisor-Debug-*
// headers on decisions that carry a valid cookie, read from the wasm's X-Fairvisor-Decision-Info (which the
// client never sees, with or without a session).
import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { DecisionService } from "../gateways/standalone/service.js";
import { startService, tokenBucketBundle, type Started } from "./support/service-harness.js";

const running: DecisionService[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});
const SECRET = "debug-secret";

async function start(config: Record<string, unknown> = { debugSecret: SECRET }, bundle = tokenBucketBundle(1, { burst: 1 })): Promise<Started> {
  const s = await startService(bundle, config);
  running.push(s.service);
  return s;
}
const session = (s: Started, headers: Record<string, string> = { "x-fairvisor-debug-secret": SECRET }, method = "POST") =>
  fetch(`${s.base}/v1/debug/session`, { method, headers });
const decide = (s: Started, cookie?: string, extra: Record<string, string> = {}) =>
  fetch(`${s.base}/v1/decision`, { headers: { "x-original-method": "GET", "x-original-uri": "/api/a", "x-api-key": "k", ...extra, ...(cookie ? { cookie } : {}) } });
/** The debug headers of an answer, in fetch's (sorted) order; the decision info must never be among them. */
const debugHeaders = (r: Response) => {
  expect(r.headers.get("x-fairvisor-decision-info")).toBeNull();
  return [...r.headers.entries()].filter(([k]) => k.startsWith("x-fairvisor-") && k !== "x-fairvisor-reason");
};
/** Latency varies per call: checked to be a whole number of µs, the same in both headers, then masked. */
function masked(r: Response): Array<[string, string]> {
  const out = debugHeaders(r);
  const latencies = out.filter(([k]) => k.endsWith("latency-us")).map(([, v]) => v);
  expect(latencies.length).toBe(2);
  expect(latencies[0]).toMatch(/^\d+$/);
  expect(latencies[1]).toBe(latencies[0]);
  return out.map(([k, v]) => [k, k.endsWith("latency-us") ? "<us>" : v]);
}
async function validCookie(s: Started): Promise<string> {
  const set = (await session(s)).headers.get("set-cookie") as string;
  return set.slice(0, set.indexOf(";"));
}

describe("debug sessions", () => {
  it("disabled without FAIRVISOR_DEBUG_SESSION_SECRET: both endpoints 404", async () => {
    const s = await start({});
    expect((await session(s)).status).toBe(404);
    expect((await fetch(`${s.base}/v1/debug/logout`, { method: "POST" })).status).toBe(404);
  });

  it("a wrong secret is 403 debug_secret_invalid; GET is 405", async () => {
    const s = await start();
    const r = await session(s, { "x-fairvisor-debug-secret": "nope" });
    expect([r.status, await r.json()]).toEqual([403, { error: "debug_secret_invalid" }]);
    expect((await session(s, {})).status).toBe(403);
    expect((await session(s, {}, "GET")).status).toBe(405);
  });

  it("the cookie is <expiry>.<base64url HMAC-SHA256(secret, expiry)>; with it decisions carry the debug headers", async () => {
    const s = await start();
    const r = await session(s);
    expect(r.status).toBe(204);
    const setCookie = r.headers.get("set-cookie") as string;
    const m = /^fv_dbg=(\d+)\.([A-Za-z0-9_-]+); Path=\/; Max-Age=900; HttpOnly; Secure; SameSite=Strict$/.exec(setCookie);
    expect(m).not.toBeNull();
    const [, expiry, sig] = m as RegExpExecArray;
    expect(Number(expiry) - Math.floor(Date.now() / 1000)).toBeGreaterThanOrEqual(899);
    expect(sig).toBe(createHmac("sha256", SECRET).update(expiry).digest("base64url"));
    const cookie = `other=1; fv_dbg=${expiry}.${sig}`;

    const allow = await decide(s, cookie);
    // A plain allow names no rule, so X-Fairvisor-Debug-Rule is not sent (empty values are not, spec 9.7).
    expect(masked(allow)).toEqual([
      ["x-fairvisor-debug-decision", "allow"],
      ["x-fairvisor-debug-descriptor-1-key", "header:x-api-key"],
      ["x-fairvisor-debug-descriptor-1-value", "k"],
      ["x-fairvisor-debug-latency-us", "<us>"],
      ["x-fairvisor-debug-matched-policies", "1"],
      ["x-fairvisor-debug-mode", "enforce"],
      ["x-fairvisor-debug-policy", "tb"],
      ["x-fairvisor-debug-reason", "all_rules_passed"],
      ["x-fairvisor-decision", "allow"],
      ["x-fairvisor-latency-us", "<us>"],
      ["x-fairvisor-mode", "enforce"],
    ]);
    const reject = await decide(s, cookie);
    expect(reject.status).toBe(429);
    expect(masked(reject)).toEqual([
      ["x-fairvisor-debug-decision", "reject"],
      ["x-fairvisor-debug-descriptor-1-key", "header:x-api-key"],
      ["x-fairvisor-debug-descriptor-1-value", "k"],
      ["x-fairvisor-debug-latency-us", "<us>"],
      ["x-fairvisor-debug-matched-policies", "1"],
      ["x-fairvisor-debug-mode", "enforce"],
      ["x-fairvisor-debug-policy", "tb"],
      ["x-fairvisor-debug-reason", "token_bucket_exceeded"],
      ["x-fairvisor-debug-rule", "per-key"],
      ["x-fairvisor-decision", "reject"],
      ["x-fairvisor-latency-us", "<us>"],
      ["x-fairvisor-mode", "enforce"],
    ]);
    expect(reject.headers.get("x-fairvisor-reason")).toBe("token_bucket_exceeded");
  });

  it("an allow that matched no policy: reason no_matching_policy, Matched-Policies 0, no policy, rule or descriptor", async () => {
    const s = await start();
    const r = await fetch(`${s.base}/v1/decision`, { headers: { "x-original-method": "GET", "x-original-uri": "/web/x", cookie: await validCookie(s) } });
    expect(masked(r)).toEqual([
      ["x-fairvisor-debug-decision", "allow"],
      ["x-fairvisor-debug-latency-us", "<us>"],
      ["x-fairvisor-debug-matched-policies", "0"],
      ["x-fairvisor-debug-mode", "enforce"],
      ["x-fairvisor-debug-reason", "no_matching_policy"],
      ["x-fairvisor-decision", "allow"],
      ["x-fairvisor-latency-us", "<us>"],
      ["x-fairvisor-mode", "enforce"],
    ]);
  });

  it("a shadow would-reject: allow in shadow mode, with the policy, rule and reason that would have rejected", async () => {
    const s = await start({ debugSecret: SECRET }, tokenBucketBundle(1, { burst: 1, id: "sh", shadow: true }));
    const cookie = await validCookie(s);
    await decide(s, cookie);
    const r = await decide(s, cookie);
    expect(r.status).toBe(200);
    expect(r.headers.get("x-fairvisor-reason")).toBeNull();
    expect(masked(r)).toEqual([
      ["x-fairvisor-debug-decision", "allow"],
      ["x-fairvisor-debug-descriptor-1-key", "header:x-api-key"],
      ["x-fairvisor-debug-descriptor-1-value", "k"],
      ["x-fairvisor-debug-latency-us", "<us>"],
      ["x-fairvisor-debug-matched-policies", "1"],
      ["x-fairvisor-debug-mode", "shadow"],
      ["x-fairvisor-debug-policy", "sh"],
      ["x-fairvisor-debug-reason", "token_bucket_exceeded"],
      ["x-fairvisor-debug-rule", "per-key"],
      ["x-fairvisor-decision", "allow"],
      ["x-fairvisor-latency-us", "<us>"],
      ["x-fairvisor-mode", "shadow"],
    ]);
  });

  it("descriptors: the first 16 by key, numbered from 1, values cut to 256 characters, non-ASCII escaped", async () => {
    // 17 header keys, listed out of order; x-d01's value is 300 characters, x-d02's is Latin-1 text.
    const names = Array.from({ length: 17 }, (_, i) => `x-d${String(17 - i).padStart(2, "0")}`);
    const bundle = JSON.stringify({
      bundle_version: 1,
      policies: [
        {
          id: "many",
          spec: {
            selector: { pathPrefix: "/api/" },
            mode: "enforce",
            rules: [{ name: "all", limit_keys: names.map((n) => `header:${n}`), algorithm: "token_bucket", algorithm_config: { tokens_per_second: 1, burst: 5 } }],
          },
        },
      ],
    });
    const s = await start({ debugSecret: SECRET }, bundle);
    const values: Record<string, string> = Object.fromEntries(names.map((n) => [n, `v-${n}`]));
    values["x-d01"] = "a".repeat(300);
    values["x-d02"] = "café";
    const r = await decide(s, await validCookie(s), values);
    const descriptors = masked(r).filter(([k]) => k.startsWith("x-fairvisor-debug-descriptor-"));
    const expected: Array<[string, string]> = [];
    for (let i = 1; i <= 16; i++) {
      const name = `x-d${String(i).padStart(2, "0")}`;
      const value = i === 1 ? "a".repeat(256) : i === 2 ? "caf\\u00e9" : `v-${name}`;
      expected.push([`x-fairvisor-debug-descriptor-${i}-key`, `header:${name}`], [`x-fairvisor-debug-descriptor-${i}-value`, value]);
    }
    // fetch sorts header names as strings, so descriptor 10 comes before 2: compare as sets of pairs.
    expect(descriptors.length).toBe(32);
    expect(new Map(descriptors)).toEqual(new Map(expected));
    expect(r.headers.get("x-fairvisor-debug-descriptor-17-key")).toBeNull();
  });

  it("no, forged or expired cookie: no debug headers, and never the decision info", async () => {
    const s = await start();
    expect(debugHeaders(await decide(s))).toEqual([]);
    const reject = await decide(s);
    expect([reject.status, debugHeaders(reject)]).toEqual([429, []]);
    const future = String(Math.floor(Date.now() / 1000) + 600);
    expect(debugHeaders(await decide(s, `fv_dbg=${future}.${createHmac("sha256", "other").update(future).digest("base64url")}`))).toEqual([]);
    const past = String(Math.floor(Date.now() / 1000) - 1);
    expect(debugHeaders(await decide(s, `fv_dbg=${past}.${createHmac("sha256", SECRET).update(past).digest("base64url")}`))).toEqual([]);
  });

  it("logout clears the cookie", async () => {
    const s = await start();
    const r = await fetch(`${s.base}/v1/debug/logout`, { method: "POST" });
    expect([r.status, r.headers.get("set-cookie")]).toEqual([204, "fv_dbg=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict"]);
  });
});
