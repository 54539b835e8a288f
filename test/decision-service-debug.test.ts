// Debug sessions (spec 9.7): the two endpoints, the HMAC-SHA256 cookie, and the X-Fairvisor-Debug-*
// headers on decisions that carry a valid cookie, read from the wasm's answer.
import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { DecisionService } from "../gateways/standalone/service.js";
import { startService, tokenBucketBundle, type Started } from "./support/service-harness.js";

const running: DecisionService[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});
const SECRET = "debug-secret";

async function start(config: Record<string, unknown> = { debugSecret: SECRET }): Promise<Started> {
  const s = await startService(tokenBucketBundle(1, { burst: 1 }), config);
  running.push(s.service);
  return s;
}
const session = (s: Started, headers: Record<string, string> = { "x-fairvisor-debug-secret": SECRET }, method = "POST") =>
  fetch(`${s.base}/v1/debug/session`, { method, headers });
const decide = (s: Started, cookie?: string) =>
  fetch(`${s.base}/v1/decision`, { headers: { "x-original-method": "GET", "x-original-uri": "/api/a", "x-api-key": "k", ...(cookie ? { cookie } : {}) } });
const debugHeaders = (r: Response) => [...r.headers.entries()].filter(([k]) => k.startsWith("x-fairvisor-") && k !== "x-fairvisor-reason");

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
    expect(debugHeaders(allow).map(([k]) => k)).toEqual([
      "x-fairvisor-debug-decision",
      "x-fairvisor-debug-latency-us",
      "x-fairvisor-debug-mode",
      "x-fairvisor-debug-policy",
      "x-fairvisor-decision",
      "x-fairvisor-latency-us",
      "x-fairvisor-mode",
    ]);
    expect([allow.headers.get("x-fairvisor-decision"), allow.headers.get("x-fairvisor-debug-policy"), allow.headers.get("x-fairvisor-mode")]).toEqual(["allow", "tb", "enforce"]);
    const reject = await decide(s, cookie);
    expect([reject.status, reject.headers.get("x-fairvisor-debug-decision"), reject.headers.get("x-fairvisor-debug-reason")]).toEqual([429, "reject", "token_bucket_exceeded"]);
    expect(reject.headers.get("x-fairvisor-reason")).toBe("token_bucket_exceeded");
  });

  it("no, forged or expired cookie: no debug headers", async () => {
    const s = await start();
    expect(debugHeaders(await decide(s))).toEqual([]);
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
