// X-Fairvisor-Decision-Info through the real module (assembly/filter/decision-info.ts): absent without the
// deployment option (Envoy, Kong and APISIX clients see nothing new), and with `"decision_info": true` on
// every local reply (429, 413, 503 no bundle) and every allow, carrying what the client answer hides: the
// rule, the exact allow reason, the shadow would-reject, the matched-policy count, the descriptors and the
// reserved LLM tokens.
import { describe, expect, it } from "vitest";
import { llmBundle, respond, send, sendLlmRequest, startHost, tokenBucketBundle } from "./support/fairvisor-host.js";

const INFO = "x-fairvisor-decision-info";
const ON = { vmConfiguration: JSON.stringify({ decision_info: true }) };

/** Two policies on /api/: an enforcing bucket and a shadow one that rejects from the second request on. */
function enforceAndShadow() {
  const rule = (name: string, burst: number) => ({
    name,
    limit_keys: ["header:x-api-key", "ip:address"],
    algorithm: "token_bucket",
    algorithm_config: { tokens_per_second: 1, burst },
  });
  return {
    bundle_version: 1,
    policies: [
      { id: "a-enforce", spec: { selector: { pathPrefix: "/api/" }, mode: "enforce", rules: [rule("wide", 10)] } },
      { id: "b-shadow", spec: { selector: { pathPrefix: "/api/" }, mode: "shadow", rules: [rule("narrow", 1)] } },
    ],
  };
}

describe("X-Fairvisor-Decision-Info", () => {
  it("is never sent without the deployment option", async () => {
    const t = await startHost(tokenBucketBundle({ burst: 1, rate: 1 }));
    const allow = send(t, { headers: { "x-api-key": "k" } });
    const reject = send(t, { headers: { "x-api-key": "k" } });
    expect([allow.status, reject.status]).toEqual([200, 429]);
    expect([allow.headers[INFO], reject.headers[INFO]]).toEqual([undefined, undefined]);
    const none = await startHost(undefined);
    expect(send(none).headers[INFO]).toBeUndefined();
  });

  it("describes an allow and a reject of the same rule, descriptors sorted by key", async () => {
    const t = await startHost(tokenBucketBundle({ burst: 1, rate: 1, keys: ["ip:address", "header:x-api-key"] }), ON);
    const allow = send(t, { headers: { "x-api-key": "k1" }, sourceAddress: "10.1.2.3:5000" });
    expect(allow.status).toBe(200);
    expect(JSON.parse(allow.headers[INFO])).toEqual({
      action: "allow",
      reason: "all_rules_passed",
      mode: "enforce",
      policy: "tb-basic",
      // An allow names no rule: the engine keeps the rule only for the outcome that a rule decided.
      rule: "",
      matched: 1,
      would_reject: "",
      would_reject_policy: "",
      descriptors: [["header:x-api-key", "k1"], ["ip:address", "10.1.2.3"]],
      reserved: 0,
    });
    // The allow headers the filter already set are still there.
    expect(allow.headers["ratelimit"]).toBe('"tb-basic";r=0;t=1');
    const reject = send(t, { headers: { "x-api-key": "k1" }, sourceAddress: "10.1.2.3:5000" });
    expect(reject.status).toBe(429);
    expect(JSON.parse(reject.headers[INFO])).toEqual({
      action: "reject",
      reason: "token_bucket_exceeded",
      mode: "enforce",
      policy: "tb-basic",
      rule: "per-key",
      matched: 1,
      would_reject: "",
      would_reject_policy: "",
      descriptors: [["header:x-api-key", "k1"], ["ip:address", "10.1.2.3"]],
      reserved: 0,
    });
  });

  it("is sent on an allow that matched no policy, which otherwise has no headers at all", async () => {
    const miss = await startHost(enforceAndShadow(), ON);
    const a = send(miss, { path: "/web/x" });
    expect(Object.keys(a.headers)).toEqual([INFO]);
    expect(a.headers[INFO]).toBe(
      '{"action":"allow","reason":"no_matching_policy","mode":"enforce","policy":"","rule":"","matched":0,"would_reject":"","would_reject_policy":"","descriptors":[],"reserved":0}',
    );
    const t = await startHost(tokenBucketBundle({ burst: 1, rate: 1 }), ON);
    expect(send(t, {}).headers[INFO]).toBe(
      // The key is missing, so the rule is skipped (fail-open) and nothing is extracted.
      '{"action":"allow","reason":"all_rules_passed","mode":"enforce","policy":"","rule":"","matched":1,"would_reject":"","would_reject_policy":"","descriptors":[],"reserved":0}',
    );
  });

  it("shows the shadow would-reject that the client answer hides (project decision 2)", async () => {
    const t = await startHost(enforceAndShadow(), ON);
    const req = { path: "/api/x", headers: { "x-api-key": "k" } };
    send(t, req);
    const second = send(t, req);
    expect(second.status).toBe(200);
    expect(second.headers["x-fairvisor-reason"]).toBeUndefined();
    expect(JSON.parse(second.headers[INFO])).toEqual({
      action: "allow",
      reason: "",
      mode: "shadow",
      policy: "b-shadow",
      rule: "narrow",
      matched: 2,
      would_reject: "token_bucket_exceeded",
      would_reject_policy: "b-shadow",
      descriptors: [["header:x-api-key", "k"], ["ip:address", "127.0.0.1"]],
      reserved: 0,
    });
  });

  it("escapes a non-ASCII descriptor value so the header stays printable ASCII", async () => {
    const t = await startHost(tokenBucketBundle({ burst: 5, rate: 1 }), ON);
    const a = send(t, { headers: { "x-api-key": "clé-€" } });
    const raw = a.headers[INFO];
    expect(raw).toContain('["header:x-api-key","cl\\u00e9-\\u20ac"]');
    expect(/^[\x20-\x7e]+$/.test(raw)).toBe(true);
    expect(JSON.parse(raw).descriptors).toEqual([["header:x-api-key", "clé-€"]]);
  });

  it("is on the 503 before any bundle", async () => {
    const t = await startHost(undefined, ON);
    const a = send(t);
    expect([a.status, a.headers[INFO]]).toEqual([
      503,
      '{"action":"reject","reason":"no_bundle_loaded","mode":"enforce","policy":"","rule":"","matched":0,"would_reject":"","would_reject_policy":"","descriptors":[],"reserved":0}',
    ]);
  });

  it("is on the 413 past max_request_body_bytes, and carries the reserved tokens of an LLM allow", async () => {
    const t = await startHost(llmBundle({ tpm: 1000 }), { vmConfiguration: JSON.stringify({ decision_info: true, max_request_body_bytes: 150 }) });
    const big = sendLlmRequest(t, { messages: [{ role: "user", content: "p".repeat(300) }] }, { headers: { "x-api-key": "k1" } });
    expect([big.status, big.reply?.headers[INFO]]).toEqual([
      413,
      '{"action":"reject","reason":"request_body_too_large","mode":"enforce","policy":"","rule":"","matched":0,"would_reject":"","would_reject_policy":"","descriptors":[],"reserved":0}',
    ]);
    // 40 characters = 10 prompt tokens (simple_word) + max_tokens 50 = 60 reserved.
    const x = sendLlmRequest(t, { model: "m", messages: [{ role: "user", content: "x".repeat(40) }], max_tokens: 50 }, { headers: { "x-api-key": "k1" } });
    expect(x.reply).toBeNull();
    const r = respond(x.stream, "application/json", []);
    expect(JSON.parse(r.headers[INFO])).toEqual({
      action: "allow",
      reason: "all_rules_passed",
      mode: "enforce",
      policy: "llm",
      rule: "",
      matched: 1,
      would_reject: "",
      would_reject_policy: "",
      descriptors: [["header:x-api-key", "k1"]],
      reserved: 60,
    });
  });
});
