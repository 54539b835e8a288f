// The admin API (project decision 12): PUT/GET /v1/admin/bundle behind a bearer token. A refused push
// answers 400 with the wasm loader's errors, the old bundle keeps enforcing and /metrics counts the refusal;
// without FAIRVISOR_ADMIN_TOKEN the API does not exist (404) and a wrong token gets 401, neither changing
// anything. With FAIRVISOR_BUNDLE_SIGNING_KEY a push must be signed (spec 2.6).
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { signBundle } from "../gateways/standalone/bundle-signature.js";
import type { DecisionService } from "../gateways/standalone/service.js";
import { startService, tokenBucketBundle, type Started } from "./support/service-harness.js";

const running: DecisionService[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

const TOKEN = "s3cret-admin-token";
async function start(config: Record<string, unknown> = { adminToken: TOKEN }): Promise<Started> {
  const s = await startService(tokenBucketBundle(1, { burst: 1 }), config);
  running.push(s.service);
  return s;
}
const admin = (s: Started, init: RequestInit = {}, token: string | null = TOKEN) =>
  fetch(`${s.base}/v1/admin/bundle`, { ...init, headers: token === null ? {} : { authorization: `Bearer ${token}` } });
const decide = (s: Started) =>
  fetch(`${s.base}/v1/decision`, { headers: { "x-original-method": "GET", "x-original-uri": "/api/a", "x-api-key": "k" } }).then((r) => r.status);
const version = async (s: Started) => ((await (await fetch(`${s.base}/readyz`)).json()) as { policy_version: number }).policy_version;

describe("admin API", () => {
  it("without FAIRVISOR_ADMIN_TOKEN: 404 for every method, nothing changes", async () => {
    const s = await start({});
    for (const init of [{ method: "GET" }, { method: "PUT", body: tokenBucketBundle(9) }]) {
      const r = await admin(s, init);
      expect([r.status, await r.json()]).toEqual([404, { error: "not_found" }]);
    }
    expect(await version(s)).toBe(1);
  });

  it("a wrong or missing token: 401, nothing changes", async () => {
    const s = await start();
    for (const token of ["wrong", null, TOKEN + "x"]) {
      const r = await admin(s, { method: "PUT", body: tokenBucketBundle(9) }, token);
      expect([r.status, r.headers.get("www-authenticate"), await r.json()]).toEqual([401, 'Bearer realm="fairvisor-admin"', { error: "unauthorized" }]);
    }
    expect(await version(s)).toBe(1);
  });

  it("GET shows the enforcing bundle", async () => {
    const s = await start();
    const r = await admin(s);
    const body = (await r.json()) as Record<string, unknown>;
    expect(body).toEqual({
      version: 1,
      hash: createHash("sha1").update(tokenBucketBundle(1, { burst: 1 })).digest("base64"),
      loaded_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      last_error: null,
    });
  });

  it("a bad bundle: 400 with the loader's errors, the old bundle keeps enforcing, /metrics shows the refused reload", async () => {
    const s = await start();
    expect(await decide(s)).toBe(200);
    const r = await admin(s, { method: "PUT", body: JSON.stringify({ bundle_version: 2, policies: "none" }) });
    expect([r.status, await r.json()]).toEqual([400, { result: "refused", error: "policies must be a table", errors: [] }]);
    // burst 1 of the old bundle: still enforced, counter kept.
    expect(await decide(s)).toBe(429);
    expect(await version(s)).toBe(1);
    const metrics = await (await fetch(`${s.base}/metrics`)).text();
    expect(metrics).toContain('fairvisor_bundle_reloads_total{result="refused"} 1');
    expect(metrics).toContain('fairvisor_bundle_reloads_total{result="applied"} 1');
    expect(((await (await admin(s)).json()) as { last_error: string }).last_error).toBe("policies must be a table");
    expect(s.log.events("standalone_reload_failed")).toEqual([expect.objectContaining({ err: "policies must be a table", source: "admin" })]);
  });

  it("a good push applies at once (a lower version too: an operator may roll back); identical text is unchanged", async () => {
    const s = await start();
    const pushed = tokenBucketBundle(5, { burst: 3 });
    const r = await admin(s, { method: "PUT", body: pushed });
    expect([r.status, await r.json()]).toEqual([
      200,
      { result: "applied", version: 5, hash: createHash("sha1").update(pushed).digest("base64"), policies: 1, rules: 1, errors: [] },
    ]);
    expect(await version(s)).toBe(5);
    expect([(await admin(s, { method: "PUT", body: pushed })).status, await version(s)]).toEqual([200, 5]);
    expect((await admin(s, { method: "PUT", body: tokenBucketBundle(2) })).status).toBe(200);
    expect(await version(s)).toBe(2);
    expect((await admin(s, { method: "DELETE" })).status).toBe(405);
  });

  it("with a signing key: unsigned and badly signed pushes are refused, a signed one applies", async () => {
    const s = await start({ adminToken: TOKEN, bundleSigningKey: "k1" });
    const payload = tokenBucketBundle(3);
    // An unsigned one-line bundle has no signature line; a pretty-printed one has a first line that is no signature.
    const unsigned = await admin(s, { method: "PUT", body: payload });
    expect([unsigned.status, ((await unsigned.json()) as { error: string }).error]).toEqual([400, "signed_bundle_format_error"]);
    const pretty = await admin(s, { method: "PUT", body: JSON.stringify(JSON.parse(payload), null, 2) });
    expect([pretty.status, ((await pretty.json()) as { error: string }).error]).toEqual([400, "invalid_signature"]);
    const wrongKey = await admin(s, { method: "PUT", body: signBundle(payload, "k2") });
    expect([wrongKey.status, ((await wrongKey.json()) as { error: string }).error]).toEqual([400, "invalid_signature"]);
    const signed = await admin(s, { method: "PUT", body: signBundle(payload, "k1") });
    expect(signed.status).toBe(200);
    expect(await version(s)).toBe(3);
    // The hash is the payload's (spec 2.6), not the signed text's.
    expect(((await (await admin(s)).json()) as { hash: string }).hash).toBe(createHash("sha1").update(payload).digest("base64"));
  });
});
