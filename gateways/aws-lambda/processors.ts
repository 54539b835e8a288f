// One processor per authorizer payload, after Hono's aws-lambda adapter (STYLE.md, `gateways/<adapter>`):
// the conversion event → AdapterRequest and Decision → answer is written once in AuthorizerProcessor, and
// each payload supplies small readers. Shapes: research/gateways.md 4.1 (REST TOKEN, REST REQUEST) and 4.2
// (HTTP API 1.0 and 2.0), checked against the recorded events in ../shared/fixtures/aws-lambda-go.
import type { AdapterRequest, Decision } from "../adapter/index.js";
import { headerListFrom } from "../adapter/index.js";
import type { HeaderList } from "../host/types.js";
import { authorizerContext } from "./authorizer-context.js";
import { defaultHost, parseMethodArn, type MethodArn } from "./method-arn.js";
import type {
  AuthorizerResult,
  HttpApiV1AuthorizerEvent,
  HttpApiV2AuthorizerEvent,
  IamPolicyResult,
  RestRequestAuthorizerEvent,
  RestTokenAuthorizerEvent,
} from "./types.js";

/** The event is not an authorizer payload this shim knows: a deployment mistake, never a client's. */
export class MalformedEventError extends Error {
  constructor(why: string) {
    super(`malformed authorizer event: ${why}`);
    this.name = "MalformedEventError";
  }
}

export interface ProcessorOptions {
  /** principalId of every policy answer (the shim limits; it does not authenticate anyone). */
  principalId: string;
  /** Header name a TOKEN authorizer's token is shown to the filter under (its identity source). */
  tokenHeader: string;
  /** HTTP API 2.0: simple response (enableSimpleResponses) or an IAM policy. */
  httpApiResponse: "simple" | "iam";
  /**
   * "deny" (default): a reject is a Deny, API Gateway answers 403 (REST: 429 through the ACCESS_DENIED
   * gateway response, README). "allow-with-context": a reject is an Allow whose context says reject, and the
   * integration answers 429 itself: the only way to a 429 on an HTTP API (no gateway responses there,
   * research/gateways.md 4.2, option b). An unavailable engine still denies.
   */
  onReject: "deny" | "allow-with-context";
}

export abstract class AuthorizerProcessor<E> {
  constructor(protected readonly options: ProcessorOptions) {}

  /** Checks the fields the readers rely on; throws MalformedEventError. */
  protected abstract check(event: E): void;
  protected abstract method(event: E): string;
  protected abstract uri(event: E): string;
  protected abstract authority(event: E): string;
  protected abstract headers(event: E): HeaderList;
  protected abstract clientIp(event: E): string | undefined;
  protected abstract answer(event: E, decision: Decision): AuthorizerResult;

  toRequest(event: E): AdapterRequest {
    this.check(event);
    return {
      method: this.method(event),
      uri: this.uri(event),
      authority: this.authority(event),
      headers: this.headers(event),
      clientIp: this.clientIp(event),
    };
  }

  toResult(event: E, decision: Decision): AuthorizerResult {
    return this.answer(event, decision);
  }

  /** Allow on an allow (and on a reject in allow-with-context mode); an unavailable engine always denies (fail closed). */
  protected allows(decision: Decision): boolean {
    return decision.verdict === "allow" || (decision.verdict === "reject" && this.options.onReject === "allow-with-context");
  }

  protected policy(resource: string, decision: Decision): IamPolicyResult {
    return {
      principalId: this.options.principalId,
      policyDocument: {
        Version: "2012-10-17",
        Statement: [{ Action: "execute-api:Invoke", Effect: this.allows(decision) ? "Allow" : "Deny", Resource: resource }],
      },
      context: authorizerContext(decision),
    };
  }
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== "string" || value === "") throw new MalformedEventError(`${field} must be a non-empty string`);
  return value;
}

function requireArn(value: unknown, field: string): MethodArn {
  const arn = parseMethodArn(requireString(value, field));
  if (!arn) throw new MalformedEventError(`${field} is not an execute-api ARN: ${String(value)}`);
  return arn;
}

function requireRecord(value: unknown, field: string): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "object" || Array.isArray(value)) throw new MalformedEventError(`${field} must be an object`);
}

/** Query string rebuilt from API Gateway's parsed parameters (REST events carry no raw query string). */
function queryString(multi: Record<string, string[]> | null | undefined, single: Record<string, string> | null | undefined): string {
  const pairs: string[] = [];
  const enc = encodeURIComponent;
  if (multi) for (const [k, vs] of Object.entries(multi)) for (const v of vs) pairs.push(`${enc(k)}=${enc(v)}`);
  else if (single) for (const [k, v] of Object.entries(single)) pairs.push(`${enc(k)}=${enc(v)}`);
  return pairs.length === 0 ? "" : "?" + pairs.join("&");
}

/**
 * REST TOKEN: only the token and the method ARN reach the authorizer. Method and path come from the ARN,
 * the host is the API's default endpoint, the token is shown as the `tokenHeader` header (Authorization by
 * default), and there is no client address: `header:<tokenHeader>` and `jwt:*` keys work; `ip:*`, `ua:*`,
 * `query:*` and other `header:*` keys are missing, so their rules are skipped (spec 7).
 */
export class RestTokenProcessor extends AuthorizerProcessor<RestTokenAuthorizerEvent> {
  protected check(e: RestTokenAuthorizerEvent): void {
    requireString(e.authorizationToken, "authorizationToken");
    requireArn(e.methodArn, "methodArn");
  }
  protected method(e: RestTokenAuthorizerEvent): string {
    return requireArn(e.methodArn, "methodArn").method;
  }
  protected uri(e: RestTokenAuthorizerEvent): string {
    return requireArn(e.methodArn, "methodArn").path;
  }
  protected authority(e: RestTokenAuthorizerEvent): string {
    return defaultHost(requireArn(e.methodArn, "methodArn"));
  }
  protected headers(e: RestTokenAuthorizerEvent): HeaderList {
    return [[this.options.tokenHeader.toLowerCase(), e.authorizationToken]];
  }
  protected clientIp(): string | undefined {
    return undefined;
  }
  protected answer(e: RestTokenAuthorizerEvent, d: Decision): AuthorizerResult {
    return this.policy(e.methodArn, d);
  }
}

/** REST REQUEST and HTTP API 1.0 share the request fields; HTTP API 1.0 has no multiValue maps. */
export class RestRequestProcessor extends AuthorizerProcessor<RestRequestAuthorizerEvent | HttpApiV1AuthorizerEvent> {
  protected check(e: RestRequestAuthorizerEvent | HttpApiV1AuthorizerEvent): void {
    requireArn(e.methodArn, "methodArn");
    requireString(e.httpMethod, "httpMethod");
    requireString(e.path, "path");
    requireRecord(e.headers, "headers");
    requireRecord(e.multiValueHeaders, "multiValueHeaders");
    requireRecord(e.queryStringParameters, "queryStringParameters");
    requireRecord(e.requestContext, "requestContext");
  }
  protected method(e: RestRequestAuthorizerEvent): string {
    return e.httpMethod;
  }
  protected uri(e: RestRequestAuthorizerEvent): string {
    return e.path + queryString(e.multiValueQueryStringParameters, e.queryStringParameters);
  }
  protected authority(e: RestRequestAuthorizerEvent): string {
    const host = Object.entries(e.headers ?? {}).find(([k]) => k.toLowerCase() === "host")?.[1];
    return host ?? defaultHost(requireArn(e.methodArn, "methodArn"));
  }
  protected headers(e: RestRequestAuthorizerEvent): HeaderList {
    // multiValueHeaders keeps repeated headers apart; `headers` holds only the last value of each.
    return headerListFrom(e.multiValueHeaders ?? e.headers);
  }
  protected clientIp(e: RestRequestAuthorizerEvent): string | undefined {
    return e.requestContext?.identity?.sourceIp;
  }
  protected answer(e: RestRequestAuthorizerEvent, d: Decision): AuthorizerResult {
    return this.policy(e.methodArn, d);
  }
}

/** HTTP API 2.0: raw path and query, cookies apart from the headers, simple or IAM answer. */
export class HttpApiV2Processor extends AuthorizerProcessor<HttpApiV2AuthorizerEvent> {
  protected check(e: HttpApiV2AuthorizerEvent): void {
    requireArn(e.routeArn, "routeArn");
    requireString(e.rawPath, "rawPath");
    requireRecord(e.headers, "headers");
    if (typeof e.requestContext !== "object" || e.requestContext === null) throw new MalformedEventError("requestContext must be an object");
    if (typeof e.requestContext.http !== "object" || e.requestContext.http === null) throw new MalformedEventError("requestContext.http must be an object");
    requireString(e.requestContext.http.method, "requestContext.http.method");
    if (e.cookies != null && !Array.isArray(e.cookies)) throw new MalformedEventError("cookies must be an array");
  }
  protected method(e: HttpApiV2AuthorizerEvent): string {
    return e.requestContext.http.method;
  }
  protected uri(e: HttpApiV2AuthorizerEvent): string {
    return e.rawQueryString ? `${e.rawPath}?${e.rawQueryString}` : e.rawPath;
  }
  protected authority(e: HttpApiV2AuthorizerEvent): string {
    const host = Object.entries(e.headers ?? {}).find(([k]) => k.toLowerCase() === "host")?.[1];
    return e.requestContext.domainName ?? host ?? defaultHost(requireArn(e.routeArn, "routeArn"));
  }
  protected headers(e: HttpApiV2AuthorizerEvent): HeaderList {
    // Payload 2.0 moves Cookie out of the headers into `cookies` (research/gateways.md 4.2); put it back.
    const list = headerListFrom(e.headers, new Set(["cookie"]));
    if (e.cookies && e.cookies.length > 0) list.push(["cookie", e.cookies.join("; ")]);
    return list;
  }
  protected clientIp(e: HttpApiV2AuthorizerEvent): string | undefined {
    return e.requestContext.http.sourceIp;
  }
  protected answer(e: HttpApiV2AuthorizerEvent, d: Decision): AuthorizerResult {
    if (this.options.httpApiResponse === "iam") return this.policy(e.routeArn, d);
    return { isAuthorized: this.allows(d), context: authorizerContext(d) };
  }
}
