// Token bucket through the real module in the Envoy-profile host: spec 9.3's worked example header for
// header, refill with the host clock, local-reply shape.
import { describe, expect, it } from "vitest";
import { send, startHost, tokenBucketBundle } from "./support/fairvisor-host.js";

describe("token_bucket through the filter", () => {
  it("reproduces spec 9.3: burst 2, rate 1, three rapid requests", async () => {
    const t = await startHost(tokenBucketBundle({ burst: 2, rate: 1 }));
    const req = { path: "/v1/data", headers: { "x-api-key": "k1" } };
    const a = send(t, req);
    expect(a.status).toBe(200);
    expect(a.headers["ratelimit-limit"]).toBe("2");
    expect(a.headers["ratelimit-remaining"]).toBe("1");
    expect(a.headers["ratelimit-reset"]).toBe("1");
    expect(a.headers["ratelimit"]).toBe('"tb-basic";r=1;t=1');

    const b = send(t, req);
    expect(b.status).toBe(200);
    expect(b.headers["ratelimit-remaining"]).toBe("0");
    expect(b.headers["ratelimit"]).toBe('"tb-basic";r=0;t=1');

    const c = send(t, req);
    expect(c.status).toBe(429);
    expect(c.headers["ratelimit-limit"]).toBe("2");
    expect(c.headers["ratelimit-remaining"]).toBe("0");
    expect(c.headers["ratelimit-reset"]).toBe("1");
    expect(c.headers["ratelimit"]).toBe('"tb-basic";r=0;t=1');
    expect(c.headers["retry-after"]).toBe("2");
    expect(c.headers["x-fairvisor-reason"]).toBe("token_bucket_exceeded");
    expect(c.headers["content-type"]).toBe("application/json");
    expect(c.details).toBe("token_bucket_exceeded");
    expect(JSON.parse(c.body)).toEqual({
      error: { message: "Rate limit exceeded: token_bucket_exceeded", type: "rate_limit_error", code: "rate_limit_exceeded" },
    });
  });

  it("refills with the host clock and keeps keys apart", async () => {
    const t = await startHost(tokenBucketBundle({ burst: 1, rate: 1 }));
    expect(send(t, { headers: { "x-api-key": "a" } }).status).toBe(200);
    expect(send(t, { headers: { "x-api-key": "a" } }).status).toBe(429);
    expect(send(t, { headers: { "x-api-key": "b" } }).status).toBe(200);
    t.clock.advance(999);
    expect(send(t, { headers: { "x-api-key": "a" } }).status).toBe(429);
    t.clock.advance(1);
    expect(send(t, { headers: { "x-api-key": "a" } }).status).toBe(200);
  });

  it("skips the rule when the limit key is missing (fail-open, spec 7)", async () => {
    const t = await startHost(tokenBucketBundle({ burst: 1, rate: 1 }));
    for (let i = 0; i < 5; i++) expect(send(t, {}).status).toBe(200);
  });

  it("answers 503 no_bundle_loaded before any bundle", async () => {
    const t = await startHost(undefined);
    const a = send(t, { headers: { "x-api-key": "a" } });
    expect(a.status).toBe(503);
    expect(a.headers["x-fairvisor-reason"]).toBe("no_bundle_loaded");
  });

  it("keys ip:address on the peer without its port, and X-Forwarded-For only from trusted proxies", async () => {
    const bundle = tokenBucketBundle({ burst: 1, rate: 1, keys: ["ip:address"] });
    const untrusted = await startHost(bundle);
    expect(send(untrusted, { sourceAddress: "10.0.0.5:1111", headers: { "x-forwarded-for": "1.1.1.1" } }).status).toBe(200);
    // Same peer, other port, other XFF: same bucket, because XFF is not trusted.
    expect(send(untrusted, { sourceAddress: "10.0.0.5:2222", headers: { "x-forwarded-for": "2.2.2.2" } }).status).toBe(429);

    const trusted = await startHost(bundle, { vmConfiguration: JSON.stringify({ trusted_proxies: ["10.0.0.0/8"] }) });
    expect(send(trusted, { sourceAddress: "10.0.0.5:1111", headers: { "x-forwarded-for": "1.1.1.1" } }).status).toBe(200);
    expect(send(trusted, { sourceAddress: "10.0.0.5:2222", headers: { "x-forwarded-for": "2.2.2.2" } }).status).toBe(200);
    expect(send(trusted, { sourceAddress: "10.0.0.6:3333", headers: { "x-forwarded-for": "1.1.1.1" } }).status).toBe(429);
  });
});
