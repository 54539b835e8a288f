// API Gateway Lambda authorizer: authorizer event → AdapterRequest → the wasm decides → IAM policy or simple
// response. Which processor runs is read off the event (type, version), so one function serves REST TOKEN,
// REST REQUEST, HTTP API 1.0 and 2.0. A malformed event throws MalformedEventError: Lambda reports the error
// and API Gateway answers 500 (AUTHORIZER_FAILURE, research/gateways.md 4.1), i.e. the request fails closed.
// API Gateway cannot take a 429 from an authorizer: a reject is a Deny (403, ACCESS_DENIED) carrying the
// reason, Retry-After and RateLimit values in its context; README.md and template.yaml map it back to 429.
import { engineFromEnv, type FairvisorEngine } from "../adapter/index.js";
import {
  AuthorizerProcessor,
  HttpApiV2Processor,
  MalformedEventError,
  RestRequestProcessor,
  RestTokenProcessor,
  type ProcessorOptions,
} from "./processors.js";
import type { AuthorizerEvent, AuthorizerResult } from "./types.js";

export interface AuthorizerHandlerOptions extends Partial<ProcessorOptions> {
  /** The instance's engine, created once (engineFromEnv) and awaited by every invocation. */
  engine: () => Promise<FairvisorEngine>;
}

export type AuthorizerHandler = (event: unknown) => Promise<AuthorizerResult>;

export function processorFor(event: unknown, options: ProcessorOptions): AuthorizerProcessor<AuthorizerEvent> {
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    throw new MalformedEventError("the event is not a JSON object");
  }
  const e = event as Record<string, unknown>;
  const processor =
    e.type === "TOKEN"
      ? new RestTokenProcessor(options)
      : e.type === "REQUEST" && e.version === "2.0"
        ? new HttpApiV2Processor(options)
        : e.type === "REQUEST" && (e.version === undefined || e.version === "1.0")
          ? new RestRequestProcessor(options)
          : null;
  if (!processor) {
    const shape = `type ${JSON.stringify(e.type)}, version ${JSON.stringify(e.version)}`;
    throw new MalformedEventError(`expected an API Gateway authorizer event (type TOKEN or REQUEST, version 1.0 or 2.0), got ${shape}`);
  }
  return processor as AuthorizerProcessor<AuthorizerEvent>;
}

export function createAuthorizerHandler(opts: AuthorizerHandlerOptions): AuthorizerHandler {
  const options: ProcessorOptions = {
    principalId: opts.principalId ?? "fairvisor",
    tokenHeader: opts.tokenHeader ?? "authorization",
    httpApiResponse: opts.httpApiResponse ?? "simple",
    onReject: opts.onReject ?? "deny",
  };
  return async (event: unknown) => {
    const processor = processorFor(event, options);
    const request = processor.toRequest(event as AuthorizerEvent);
    const engine = await opts.engine();
    return processor.toResult(event as AuthorizerEvent, await engine.decide(request));
  };
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T {
  if (value === undefined || value === "") return allowed[0];
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`${name} must be one of ${allowed.join(", ")}, got '${value}'`);
}

/**
 * The deployed entry point (template.yaml `Handler: .../handler.handler`). The engine (compiled module +
 * bundle) is built on the first invocation of a container and reused by every later one.
 */
export const handler: AuthorizerHandler = createAuthorizerHandler({
  engine: engineFromEnv("aws-lambda"),
  principalId: process.env.FAIRVISOR_PRINCIPAL_ID || undefined,
  tokenHeader: process.env.FAIRVISOR_TOKEN_HEADER || undefined,
  httpApiResponse: oneOf("FAIRVISOR_HTTP_API_RESPONSE", process.env.FAIRVISOR_HTTP_API_RESPONSE, ["simple", "iam"] as const),
  onReject: oneOf("FAIRVISOR_ON_REJECT", process.env.FAIRVISOR_ON_REJECT, ["deny", "allow-with-context"] as const),
});
