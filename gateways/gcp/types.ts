// What the function sees behind GCP API Gateway (research/gateways.md section 5), declared locally.
// functions-framework hands an Express request (an IncomingMessage whose body its parsers already read,
// kept as `rawBody`) and an Express response (a ServerResponse).
import type { IncomingMessage, ServerResponse } from "node:http";

export interface GcpRequest extends IncomingMessage {
  /** The request body as received; set by functions-framework's body parsers, absent without a body. */
  rawBody?: Buffer;
  /** Path plus query as received (Express); `url` may be rewritten by routers. */
  originalUrl?: string;
}

export type GcpResponse = ServerResponse;

/**
 * Headers API Gateway adds for the backend:
 * - `x-forwarded-authorization`: the client's own Authorization; the gateway replaced Authorization with a
 *   Google-signed ID token for the backend's `jwt_audience` (unless `disable_auth`);
 * - `x-apigateway-api-userinfo`: the claims of the JWT the gateway verified, base64url JSON;
 * - `x-forwarded-for`: the client chain (the first hop is the client, as research/gateways.md 5 says; to verify).
 */
export const GATEWAY_HEADERS = {
  forwardedAuthorization: "x-forwarded-authorization",
  userInfo: "x-apigateway-api-userinfo",
  forwardedFor: "x-forwarded-for",
} as const;
