// gateways/aws-lambda: API Gateway Lambda authorizer (REST TOKEN/REQUEST, HTTP API payload 1.0 and 2.0).
export { handler, createAuthorizerHandler, processorFor, type AuthorizerHandler, type AuthorizerHandlerOptions } from "./handler.js";
export { MalformedEventError, type ProcessorOptions } from "./processors.js";
export { authorizerContext, CONTEXT_KEYS } from "./authorizer-context.js";
export { parseMethodArn, type MethodArn } from "./method-arn.js";
export type * from "./types.js";
