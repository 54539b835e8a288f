// gateways/azure: APIM policy fragment (send-request callout) and its Azure Functions v4 callout target.
export { createDecisionHandler, type DecisionHandler, type DecisionHandlerOptions } from "./handler.js";
export { APIM_HEADERS, type AzureHttpRequest, type AzureHttpResponseInit, type AzureInvocationContext } from "./types.js";
