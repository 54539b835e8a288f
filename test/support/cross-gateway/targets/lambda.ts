// The Lambda authorizer handler fed API Gateway events built from the recorded ones (base event + overrides).
// The outcome is read from the answer API Gateway gets: Allow/Deny (isAuthorized) and the context.
import { FairvisorEngine } from "../../../../gateways/adapter/engine.js";
import { awsFixture } from "../../../../gateways/adapter/testing.js";
import { createAuthorizerHandler } from "../../../../gateways/aws-lambda/handler.js";
import type { AuthorizerResult, HttpApiV2AuthorizerEvent, RestRequestAuthorizerEvent } from "../../../../gateways/aws-lambda/types.js";
import { SystemClock } from "../../../../gateways/host/index.js";
import { MemoryLogger } from "../../../../gateways/standalone/log.js";
import { fairvisorModule } from "../../fairvisor-host.js";
import { BUNDLE_TEXT, CLIENT_IP, HOST, type CrossRequest, type Outcome } from "../scenario.js";
import { clean, type Target, type TargetFactory } from "../target.js";

function outcomeOf(result: AuthorizerResult): Outcome {
  const c = result.context;
  const allowed = "isAuthorized" in result ? result.isAuthorized : result.policyDocument.Statement[0].Effect === "Allow";
  const verdict = c.fairvisor_decision as Outcome["verdict"];
  if (allowed !== (verdict === "allow")) throw new Error(`effect and context disagree: ${JSON.stringify(result)}`);
  return clean({
    verdict,
    reason: c.fairvisor_reason,
    retryAfter: c.retry_after,
    rateLimit: c.ratelimit,
    rateLimitLimit: c.ratelimit_limit,
    rateLimitRemaining: c.ratelimit_remaining,
    rateLimitReset: c.ratelimit_reset,
    retryAfterHeader: false,
  });
}

function restRequest(req: CrossRequest): RestRequestAuthorizerEvent {
  const base = awsFixture<RestRequestAuthorizerEvent>("apigw-custom-auth-request-type-request.json");
  const headers = { Host: HOST, ...req.headers };
  return {
    ...base,
    methodArn: `arn:aws:execute-api:us-east-1:123456789012:s4x3opwd6i/test/${req.method}${req.path}`,
    resource: req.path,
    path: req.path,
    httpMethod: req.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    requestContext: { ...base.requestContext, path: `/test${req.path}`, identity: { sourceIp: CLIENT_IP } },
  };
}

function httpApiV2(req: CrossRequest): HttpApiV2AuthorizerEvent {
  const base = awsFixture<HttpApiV2AuthorizerEvent>("apigw-v2-custom-authorizer-v2-request.json");
  return {
    ...base,
    routeArn: `arn:aws:execute-api:us-east-1:123456789012:abcdef123/$default/${req.method}${req.path}`,
    rawPath: req.path,
    rawQueryString: "",
    cookies: null,
    headers: { host: HOST, ...req.headers },
    queryStringParameters: null,
    requestContext: { ...base.requestContext, domainName: HOST, http: { ...base.requestContext.http, method: req.method, path: req.path, sourceIp: CLIENT_IP } },
  };
}

export function lambdaTarget(payload: "rest-request" | "http-api-2.0"): TargetFactory {
  return async (): Promise<Target> => {
    const engine = await FairvisorEngine.create({ module: fairvisorModule(), bundle: BUNDLE_TEXT, platform: "aws-lambda", log: new MemoryLogger(), clock: new SystemClock() });
    const handler = createAuthorizerHandler({ engine: async () => engine });
    return {
      name: `aws-lambda:${payload}`,
      async send(req) {
        return outcomeOf(await handler(payload === "rest-request" ? restRequest(req) : httpApiV2(req)));
      },
      async close() {},
    };
  };
}
