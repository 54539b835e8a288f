// template.yaml is deployment text that cannot run here (no AWS, `sam local` needs Docker): parse it and
// check what the README promises, and run its inline backend against real authorizer answers.
import { readFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { parse, type ScalarTag } from "yaml";
import { testEngine } from "../adapter/testing.js";
import { createAuthorizerHandler } from "./handler.js";

const cfnTag = (tag: string): ScalarTag => ({ tag, resolve: (value: string) => ({ [tag]: value }) });
const template = parse(readFileSync(fileURLToPath(new URL("./template.yaml", import.meta.url)), "utf8"), {
  customTags: ["!Sub", "!GetAtt", "!Ref"].map(cfnTag),
}) as { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };
const R = template.Resources;

describe("template.yaml", () => {
  it("points at the compiled handler and the bundle file", () => {
    const fn = R.FairvisorAuthorizerFunction.Properties;
    expect(fn.Handler).toBe("dist/gateways/aws-lambda/handler.handler");
    expect(existsSync(fileURLToPath(new URL("./handler.ts", import.meta.url)))).toBe(true);
    expect(fn.Environment.Variables.FAIRVISOR_CONFIG_FILE).toEqual({ "!Sub": "/var/task/${BundleFile}" });
    expect(existsSync(fileURLToPath(new URL("../../examples/token-bucket.json", import.meta.url)))).toBe(true);
  });

  it("turns result caching off on every authorizer", () => {
    const rest = R.RestApi.Properties.Auth.Authorizers;
    expect(rest.FairvisorRequest).toMatchObject({ FunctionPayloadType: "REQUEST", Identity: { ReauthorizeEvery: 0 } });
    expect(rest.FairvisorToken).toMatchObject({ FunctionPayloadType: "TOKEN", Identity: { Header: "Authorization", ReauthorizeEvery: 0 } });
    expect(R.HttpApi.Properties.Auth.Authorizers.FairvisorHttp).toMatchObject({
      AuthorizerPayloadFormatVersion: "2.0",
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 0,
    });
  });

  it("maps ACCESS_DENIED to 429 with Retry-After and the reason from $context.authorizer", () => {
    expect(R.RestApi.Properties.GatewayResponses.ACCESS_DENIED).toEqual({
      StatusCode: 429,
      ResponseParameters: {
        Headers: {
          "Retry-After": "context.authorizer.retry_after",
          RateLimit: "context.authorizer.ratelimit",
          "RateLimit-Reset": "context.authorizer.ratelimit_reset",
          "X-Fairvisor-Reason": "context.authorizer.fairvisor_reason",
        },
      },
      ResponseTemplates: {
        "application/json":
          '{"error":{"message":"Rate limit exceeded: $context.authorizer.fairvisor_reason","type":"rate_limit_error","code":"rate_limit_exceeded"},"retry_after":"$context.authorizer.retry_after"}',
      },
    });
  });

  it("the demo backend answers 429 + Retry-After from an allow-with-context reject (HTTP API 2.0 context shape)", async () => {
    const bundle = { bundle_version: 1, policies: [{ id: "b", spec: { selector: { pathPrefix: "/" }, rules: [{ name: "r", limit_keys: ["header:x-api-key"], algorithm: "token_bucket", algorithm_config: { tokens_per_second: 1, burst: 1 } }] } }] };
    const t = await testEngine(bundle);
    const authorize = createAuthorizerHandler({ engine: async () => t.engine, onReject: "allow-with-context" });
    const event = {
      version: "2.0", type: "REQUEST", routeArn: "arn:aws:execute-api:us-east-1:1:api/$default/GET/api/x", rawPath: "/api/x",
      headers: { "x-api-key": "k" }, requestContext: { http: { method: "GET", sourceIp: "203.0.113.7" } },
    };
    const sandbox = { exports: {} as { handler: (e: unknown) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }> } };
    runInNewContext(R.BackendFunction.Properties.InlineCode, sandbox);
    const backend = (context: Record<string, string>) => sandbox.exports.handler({ requestContext: { authorizer: { lambda: context } } });

    const first = await authorize(event);
    expect(await backend(first.context)).toEqual({
      statusCode: 200,
      headers: { RateLimit: '"b";r=0;t=1', "RateLimit-Limit": "1", "RateLimit-Remaining": "0", "RateLimit-Reset": "1", "Content-Type": "application/json" },
      body: '{"ok":true}',
    });
    const second = await authorize(event);
    expect(second).toMatchObject({ isAuthorized: true });
    expect(await backend(second.context)).toEqual({
      statusCode: 429,
      headers: {
        RateLimit: '"b";r=0;t=1', "RateLimit-Limit": "1", "RateLimit-Remaining": "0", "RateLimit-Reset": "1",
        "Retry-After": second.context.retry_after, "X-Fairvisor-Reason": "token_bucket_exceeded", "Content-Type": "application/json",
      },
      body: '{"error":{"message":"Rate limit exceeded: token_bucket_exceeded","type":"rate_limit_error","code":"rate_limit_exceeded"}}',
    });
    expect(second.context.retry_after).toBe("2");
  });
});
