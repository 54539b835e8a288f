// The client identity behind API Gateway, rebuilt for the filter (research/gateways.md section 5). The
// Authorization the function receives is the gateway's Google ID token, the same for every client, so it
// must never reach the filter as the client's: `jwt:` keys would put every client in one bucket.
//   1. X-Apigateway-Api-Userinfo (claims the gateway verified) → `Authorization: Bearer <unsigned JWT of them>`
//      (the filter decodes claims and never checks signatures, spec 3.1: verification is the gateway's job);
//   2. else X-Forwarded-Authorization (the client's own header) → Authorization;
//   3. else no Authorization.
// The client address is a hop of X-Forwarded-For: the first (leftmost) by default, or the one
// `hopsFromRight` entries before the right end when the platform's own appended hops are known.
import type { HeaderList } from "../host/types.js";
import { GATEWAY_HEADERS } from "./types.js";

const NONE_HEADER = Buffer.from('{"alg":"none"}').toString("base64url");

export function identityHeaders(headers: HeaderList): HeaderList {
  const out = headers.filter(([k]) => k !== "authorization" && k !== GATEWAY_HEADERS.forwardedAuthorization);
  const userInfo = first(headers, GATEWAY_HEADERS.userInfo);
  const forwarded = first(headers, GATEWAY_HEADERS.forwardedAuthorization);
  if (userInfo) out.push(["authorization", `Bearer ${NONE_HEADER}.${userInfo.trim().replace(/=+$/, "")}.`]);
  else if (forwarded) out.push(["authorization", forwarded]);
  return out;
}

export function clientIpFrom(headers: HeaderList, hopsFromRight?: number): string | undefined {
  const xff = headers.filter(([k]) => k === GATEWAY_HEADERS.forwardedFor).map(([, v]) => v).join(",");
  const hops = xff.split(",").map((h) => h.trim()).filter((h) => h !== "");
  if (hops.length === 0) return undefined;
  if (hopsFromRight === undefined) return hops[0];
  return hops[Math.max(0, hops.length - 1 - hopsFromRight)];
}

function first(headers: HeaderList, name: string): string | undefined {
  for (const [k, v] of headers) if (k === name && v !== "") return v;
  return undefined;
}
