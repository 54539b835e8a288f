// API Gateway Lambda authorizer shapes, declared locally from the recorded events in
// ../shared/fixtures/aws-lambda-go (aws/aws-lambda-go events/apigw.go) and research/gateways.md section 4.
// Only the fields the shim reads are typed; the rest pass through untouched.

/** REST API TOKEN authorizer: the configured token header's value and the method ARN, nothing else. */
export interface RestTokenAuthorizerEvent {
  type: "TOKEN";
  authorizationToken: string;
  methodArn: string;
}

export interface ClientIdentity {
  sourceIp?: string;
  apiKey?: string;
}

/** REST API REQUEST authorizer (aws-lambda-go APIGatewayCustomAuthorizerRequestTypeRequest). */
export interface RestRequestAuthorizerEvent {
  type: "REQUEST";
  methodArn: string;
  resource?: string;
  path: string;
  httpMethod: string;
  headers?: Record<string, string> | null;
  multiValueHeaders?: Record<string, string[]> | null;
  queryStringParameters?: Record<string, string> | null;
  multiValueQueryStringParameters?: Record<string, string[]> | null;
  pathParameters?: Record<string, string> | null;
  stageVariables?: Record<string, string> | null;
  requestContext?: { path?: string; stage?: string; requestId?: string; identity?: ClientIdentity; apiId?: string };
}

/** HTTP API authorizer, payload format 1.0: the REST REQUEST shape plus version and identity source. */
export interface HttpApiV1AuthorizerEvent extends Omit<RestRequestAuthorizerEvent, "type"> {
  version: "1.0";
  type: "REQUEST";
  identitySource?: string;
  authorizationToken?: string;
}

/** HTTP API authorizer, payload format 2.0 (aws-lambda-go APIGatewayV2CustomAuthorizerV2Request). */
export interface HttpApiV2AuthorizerEvent {
  version: "2.0";
  type: "REQUEST";
  routeArn: string;
  identitySource?: string[] | null;
  routeKey?: string;
  rawPath: string;
  rawQueryString?: string;
  cookies?: string[] | null;
  headers?: Record<string, string> | null;
  queryStringParameters?: Record<string, string> | null;
  requestContext: {
    domainName?: string;
    http: { method: string; path?: string; sourceIp?: string; userAgent?: string };
    requestId?: string;
    stage?: string;
  };
  pathParameters?: Record<string, string> | null;
  stageVariables?: Record<string, string> | null;
}

export type AuthorizerEvent =
  | RestTokenAuthorizerEvent
  | RestRequestAuthorizerEvent
  | HttpApiV1AuthorizerEvent
  | HttpApiV2AuthorizerEvent;

/**
 * Authorizer context: string, number or boolean values only, and API Gateway hands them on stringified
 * (`$context.authorizer.<key>`, `event.requestContext.authorizer.<key>`), so the shim sends strings.
 */
export type AuthorizerContext = Record<string, string>;

/** IAM policy answer: REST TOKEN/REQUEST, HTTP API 1.0, and HTTP API 2.0 without simple responses. */
export interface IamPolicyResult {
  principalId: string;
  policyDocument: {
    Version: "2012-10-17";
    Statement: Array<{ Action: "execute-api:Invoke"; Effect: "Allow" | "Deny"; Resource: string }>;
  };
  context: AuthorizerContext;
}

/** HTTP API 2.0 simple response (`enableSimpleResponses: true`). */
export interface SimpleResult {
  isAuthorized: boolean;
  context: AuthorizerContext;
}

export type AuthorizerResult = IamPolicyResult | SimpleResult;
