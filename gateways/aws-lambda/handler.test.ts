// The authorizer handler replaying the recorded API Gateway events (../shared/fixtures/aws-lambda-go, see its
// NOTICE) through the real build/fairvisor.wasm. One base event per payload plus per-case overrides, as
// Hono's aws-lambda handler tests do (STYLE.md, Tests).
import { describe, expect, it } from "vitest";
import { awsFixture, awsFixtureNames, testEngine } from "../adapter/testing.js";
import { BundleRefusedError, ConfigurationError, engineFromEnv } from "../adapter/index.js";
import { createAuthorizerHandler } from "./handler.js";
import { MalformedEventError } from "./processors.js";
import { parseMethodArn } from "./method-arn.js";
import type { HttpApiV2AuthorizerEvent, RestRequestAuthorizerEvent, RestTokenAuthorizerEvent } from "./types.js";

const rule = (name: string, key: string) => ({
  name,
  limit_keys: [key],
  algorithm: "token_bucket",
  algorithm_config: { tokens_per_second: 1, burst: 2 },
});

/** One rule per identity each recorded event carries; a rule whose key is missing is skipped (spec 7). */
const BUNDLE = {
  bundle_version: 1,
  policies: [
    {
      id: "tb",
      spec: {
        selector: { pathPrefix: "/" },
        mode: "enforce",
        rules: [rule("rest", "header:headerauth1"), rule("token", "header:authorization"), rule("v2", "header:header1"), rule("ip", "ip:address")],
      },
    },
  ],
  kill_switches: [{ scope_key: "header:x-tenant-id", scope_value: "tenant-42", reason: "incident" }],
};

const REST_REQUEST = awsFixture<RestRequestAuthorizerEvent>("apigw-custom-auth-request-type-request.json");
const REST_TOKEN = awsFixture<RestTokenAuthorizerEvent>("apigw-custom-auth-request.json");
const HTTP_V2 = awsFixture<HttpApiV2AuthorizerEvent>("apigw-v2-custom-authorizer-v2-request.json");

async function authorizer(opts: Parameters<typeof createAuthorizerHandler>[0] extends infer O ? Partial<O> : never = {}) {
  const t = await testEngine(BUNDLE, { platform: "aws-lambda" });
  return { ...t, handler: createAuthorizerHandler({ engine: async () => t.engine, ...opts }) };
}

const allowContext = (remaining: number) => ({
  fairvisor_decision: "allow",
  ratelimit_limit: "2",
  ratelimit_remaining: String(remaining),
  ratelimit_reset: "1",
  ratelimit: `"tb";r=${remaining};t=1`,
});

const policy = (effect: "Allow" | "Deny", resource: string, context: Record<string, string>) => ({
  principalId: "fairvisor",
  policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: effect, Resource: resource }] },
  context,
});

describe("recorded events", () => {
  // Every file in the fixture folder is replayed: authorizer requests are answered; the two that are not
  // authorizer requests (a policy response and a proxy event carrying authorizer context) are refused.
  const expected: Record<string, (h: Awaited<ReturnType<typeof authorizer>>["handler"]) => Promise<void>> = {
    "apigw-custom-auth-request-type-request.json": async (h) =>
      expect(await h(REST_REQUEST)).toEqual(policy("Allow", REST_REQUEST.methodArn, allowContext(1))),
    "apigw-custom-auth-request.json": async (h) =>
      expect(await h(REST_TOKEN)).toEqual(policy("Allow", "arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/*/GET/", allowContext(1))),
    "apigw-v2-custom-authorizer-v1-request.json": async (h) =>
      expect(await h(awsFixture("apigw-v2-custom-authorizer-v1-request.json"))).toEqual(
        policy("Allow", "arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/GET/request", allowContext(1)),
      ),
    "apigw-v2-custom-authorizer-v2-request.json": async (h) =>
      expect(await h(HTTP_V2)).toEqual({ isAuthorized: true, context: allowContext(1) }),
    "apigw-custom-auth-response.json": async (h) =>
      await expect(h(awsFixture("apigw-custom-auth-response.json"))).rejects.toThrow(
        "malformed authorizer event: expected an API Gateway authorizer event (type TOKEN or REQUEST, version 1.0 or 2.0), got type undefined, version undefined",
      ),
    "apigw-v2-request-lambda-authorizer.json": async (h) =>
      await expect(h(awsFixture("apigw-v2-request-lambda-authorizer.json"))).rejects.toThrow(
        'malformed authorizer event: expected an API Gateway authorizer event (type TOKEN or REQUEST, version 1.0 or 2.0), got type undefined, version "2.0"',
      ),
  };

  it("has an expectation for every recorded file", () => {
    expect(awsFixtureNames()).toEqual(Object.keys(expected).sort());
  });

  for (const name of Object.keys(expected)) {
    it(name, async () => {
      const { handler } = await authorizer();
      await expected[name](handler);
    });
  }
});

describe("REST REQUEST", () => {
  it("burst exceeded → Deny for the methodArn, with the reason, Retry-After and RateLimit values in context", async () => {
    const { handler } = await authorizer();
    expect(await handler(REST_REQUEST)).toEqual(policy("Allow", REST_REQUEST.methodArn, allowContext(1)));
    expect(await handler(REST_REQUEST)).toEqual(policy("Allow", REST_REQUEST.methodArn, allowContext(0)));
    expect(await handler(REST_REQUEST)).toEqual(
      policy("Deny", REST_REQUEST.methodArn, {
        fairvisor_decision: "reject",
        fairvisor_reason: "token_bucket_exceeded",
        retry_after: "2",
        ratelimit_limit: "2",
        ratelimit_remaining: "0",
        ratelimit_reset: "1",
        ratelimit: '"tb";r=0;t=1',
      }),
    );
  });

  it("refills with time: the Deny is not sticky (no result caching in the shim)", async () => {
    const { handler, clock } = await authorizer();
    for (let i = 0; i < 2; i++) await handler(REST_REQUEST);
    expect((await handler(REST_REQUEST)).context.fairvisor_decision).toBe("reject");
    clock.advance(1000);
    expect(await handler(REST_REQUEST)).toEqual(policy("Allow", REST_REQUEST.methodArn, allowContext(0)));
  });

  it("keys ip:address on requestContext.identity.sourceIp, not on the client's X-Forwarded-For", async () => {
    const { handler } = await authorizer();
    const from = (ip: string, xff: string): RestRequestAuthorizerEvent => ({
      ...REST_REQUEST,
      headers: { "X-Forwarded-For": xff },
      multiValueHeaders: { "X-Forwarded-For": [xff] },
      requestContext: { ...REST_REQUEST.requestContext, identity: { sourceIp: ip } },
    });
    expect((await handler(from("203.0.113.9", "1.1.1.1"))).context.fairvisor_decision).toBe("allow");
    expect((await handler(from("203.0.113.9", "2.2.2.2"))).context.fairvisor_decision).toBe("allow");
    expect((await handler(from("203.0.113.9", "3.3.3.3"))).context).toEqual({
      fairvisor_decision: "reject",
      fairvisor_reason: "token_bucket_exceeded",
      retry_after: "2",
      ratelimit_limit: "2",
      ratelimit_remaining: "0",
      ratelimit_reset: "1",
      ratelimit: '"tb";r=0;t=1',
    });
    expect((await handler(from("203.0.113.10", "203.0.113.9"))).context.fairvisor_decision).toBe("allow");
  });

  it("kill switch → Deny with reason kill_switch and the jittered 3600 s Retry-After", async () => {
    const { handler } = await authorizer();
    const event = { ...REST_REQUEST, headers: { "X-Tenant-Id": "tenant-42" }, multiValueHeaders: { "X-Tenant-Id": ["tenant-42"] } };
    expect(await handler(event)).toEqual(
      policy("Deny", REST_REQUEST.methodArn, {
        fairvisor_decision: "reject",
        fairvisor_reason: "kill_switch",
        retry_after: "3683",
        ratelimit_reset: "3600",
        ratelimit: '"default";r=0;t=3600',
      }),
    );
  });

  it("malformed overrides → MalformedEventError naming the field", async () => {
    const { handler } = await authorizer();
    const cases: Array<[unknown, string]> = [
      [null, "malformed authorizer event: the event is not a JSON object"],
      [[REST_REQUEST], "malformed authorizer event: the event is not a JSON object"],
      [{ ...REST_REQUEST, type: "JWT" }, 'got type "JWT", version undefined'],
      [{ ...REST_REQUEST, methodArn: undefined }, "malformed authorizer event: methodArn must be a non-empty string"],
      [{ ...REST_REQUEST, methodArn: "arn:aws:lambda:us-east-1:1:function:x" }, "malformed authorizer event: methodArn is not an execute-api ARN: arn:aws:lambda:us-east-1:1:function:x"],
      [{ ...REST_REQUEST, httpMethod: 7 }, "malformed authorizer event: httpMethod must be a non-empty string"],
      [{ ...REST_REQUEST, headers: "Host: x" }, "malformed authorizer event: headers must be an object"],
    ];
    for (const [event, message] of cases) {
      const err = await handler(event).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(MalformedEventError);
      expect((err as Error).message).toContain(message);
    }
  });
});

describe("REST TOKEN", () => {
  it("only the token and the methodArn: method and path from the ARN, the token as Authorization, no client address", async () => {
    const { handler, log } = await authorizer();
    const event: RestTokenAuthorizerEvent = { ...REST_TOKEN, authorizationToken: "Bearer t-1", methodArn: "arn:aws:execute-api:eu-west-1:1:api1/prod/POST/pets/42" };
    expect(await handler(event)).toEqual(policy("Allow", event.methodArn, allowContext(1)));
    expect(await handler(event)).toEqual(policy("Allow", event.methodArn, allowContext(0)));
    expect((await handler(event)).context.fairvisor_reason).toBe("token_bucket_exceeded");
    // Another token is another key; the ip:address rule never ran (no address), so it cannot limit.
    expect(await handler({ ...event, authorizationToken: "Bearer t-2" })).toEqual(policy("Allow", event.methodArn, allowContext(1)));
    expect(log.lines.filter((l) => String(l.msg).includes("rule=ip"))).toEqual([]);
  });

  it("a custom token header name (FAIRVISOR_TOKEN_HEADER) is what header: keys must name", async () => {
    const { handler } = await authorizer({ tokenHeader: "HeaderAuth1" });
    expect((await handler(REST_TOKEN)).context).toEqual(allowContext(1));
  });

  it("parses method ARNs", () => {
    expect(parseMethodArn("arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/*/GET/")).toEqual({
      region: "us-west-2", accountId: "123456789012", apiId: "ymy8tbxw7b", stage: "*", method: "GET", path: "/",
    });
    expect(parseMethodArn("arn:aws:execute-api:us-east-1:1:a/test/GET/pets/42")?.path).toBe("/pets/42");
    expect(parseMethodArn("arn:aws:execute-api:us-east-1:1:a/test")).toBeNull();
  });
});

describe("HTTP API 2.0", () => {
  it("simple response: isAuthorized false with the context on a reject", async () => {
    const { handler } = await authorizer();
    await handler(HTTP_V2);
    await handler(HTTP_V2);
    expect(await handler(HTTP_V2)).toEqual({
      isAuthorized: false,
      context: {
        fairvisor_decision: "reject",
        fairvisor_reason: "token_bucket_exceeded",
        retry_after: "2",
        ratelimit_limit: "2",
        ratelimit_remaining: "0",
        ratelimit_reset: "1",
        ratelimit: '"tb";r=0;t=1',
      },
    });
  });

  it("IAM answer for the routeArn when simple responses are off", async () => {
    const { handler } = await authorizer({ httpApiResponse: "iam" });
    expect(await handler(HTTP_V2)).toEqual(policy("Allow", HTTP_V2.routeArn, allowContext(1)));
  });

  it("cookies go back into a Cookie header; path and method come from rawPath and requestContext.http", async () => {
    const bundle = {
      bundle_version: 1,
      policies: [{ id: "c", spec: { selector: { pathExact: "/my/path", methods: ["POST"] }, rules: [{ name: "c", limit_keys: ["header:cookie"], algorithm: "token_bucket", algorithm_config: { tokens_per_second: 1, burst: 1 } }] } }],
    };
    const t = await testEngine(bundle);
    const handler = createAuthorizerHandler({ engine: async () => t.engine });
    expect(await handler(HTTP_V2)).toMatchObject({ isAuthorized: true });
    expect(await handler(HTTP_V2)).toMatchObject({ isAuthorized: false, context: { ratelimit: '"c";r=0;t=1' } });
    expect(await handler({ ...HTTP_V2, cookies: ["cookie3"] })).toMatchObject({ isAuthorized: true });
  });

  it("allow-with-context: a reject is authorized, the context tells the integration to answer 429", async () => {
    const { handler } = await authorizer({ onReject: "allow-with-context" });
    await handler(HTTP_V2);
    await handler(HTTP_V2);
    expect(await handler(HTTP_V2)).toEqual({
      isAuthorized: true,
      context: {
        fairvisor_decision: "reject",
        fairvisor_reason: "token_bucket_exceeded",
        retry_after: "2",
        ratelimit_limit: "2",
        ratelimit_remaining: "0",
        ratelimit_reset: "1",
        ratelimit: '"tb";r=0;t=1',
      },
    });
  });

  it("malformed: no requestContext.http", async () => {
    const { handler } = await authorizer();
    await expect(handler({ ...HTTP_V2, requestContext: { domainName: "x" } })).rejects.toThrow(
      "malformed authorizer event: requestContext.http must be an object",
    );
  });
});

describe("cold start from the environment", () => {
  it("compiles and configures once per container, from FAIRVISOR_BUNDLE", async () => {
    const engine = engineFromEnv("aws-lambda", { FAIRVISOR_BUNDLE: JSON.stringify(BUNDLE), FAIRVISOR_LOG_LEVEL: "error" });
    const first = engine();
    expect(engine()).toBe(first);
    const handler = createAuthorizerHandler({ engine });
    expect((await handler(REST_REQUEST)).context.fairvisor_decision).toBe("allow");
    expect(engine()).toBe(first);
  });

  it("no bundle configured, or a refused bundle: every invocation fails (API Gateway 500), nothing is allowed", async () => {
    const none = createAuthorizerHandler({ engine: engineFromEnv("aws-lambda", {}) });
    await expect(none(REST_REQUEST)).rejects.toThrow(new ConfigurationError("set FAIRVISOR_BUNDLE (bundle JSON) or FAIRVISOR_CONFIG_FILE (path to it)"));
    const refused = createAuthorizerHandler({ engine: engineFromEnv("aws-lambda", { FAIRVISOR_BUNDLE: '{"bundle_version":0,"policies":[]}', FAIRVISOR_LOG_LEVEL: "critical" }) });
    await expect(refused(REST_REQUEST)).rejects.toThrow(new BundleRefusedError("bundle refused: bundle_version must be a positive number"));
  });

  it("says at start-up that limits are per instance", async () => {
    const { log } = await authorizer();
    expect(log.events("adapter_store_per_instance")).toEqual([
      {
        level: "warn",
        event: "adapter_store_per_instance",
        platform: "aws-lambda",
        msg: "limits are per instance until a distributed store is configured: the in-memory store counts only the requests this instance sees",
      },
    ]);
  });
});
