// One log line per decision that an operator acts on: reject, throttle, warn and shadow would-reject
// (plain allows would drown them; they are counted in /metrics). The client is named by a hash, never by
// the raw key: credentials and addresses must not land in log storage.
//   event=decision  action, policy, rule, reason, route, key_hash, method, path (without query), and
//   would_reject (the shadow would-reject's reason) when a shadow policy would have rejected a request that
//   an enforcing reject, throttle or warn then decided. For a shadow_reject, policy and reason are the
//   shadow policy's (decision-facts.ts).
import { createHash } from "node:crypto";
import type { HeaderList } from "../host/types.js";
import type { DecisionFacts } from "./decision-facts.js";
import type { Logger } from "./log.js";

const LOGGED = new Set(["reject", "throttle", "warn", "shadow_reject"]);

export interface LoggedRequest {
  method: string;
  /** Path plus query as the client sent it; the query is dropped from the log line. */
  uri: string;
  headers: HeaderList;
  /** "ip:port" (Envoy's source.address). */
  sourceAddress: string;
}

export function logDecision(log: Logger, facts: DecisionFacts, route: string, req: LoggedRequest): void {
  if (!LOGGED.has(facts.action)) return;
  const q = req.uri.indexOf("?");
  log.log(facts.action === "reject" ? "warn" : "info", "decision", {
    action: facts.action,
    policy: facts.policy || null,
    rule: facts.rule || null,
    reason: facts.reason || null,
    route,
    key_hash: keyHash(req),
    method: req.method,
    path: q < 0 ? req.uri : req.uri.slice(0, q),
    ...(facts.delayMs > 0 ? { delay_ms: facts.delayMs } : {}),
    ...(facts.wouldReject && facts.action !== "shadow_reject" ? { would_reject: facts.wouldReject } : {}),
  });
}

/**
 * sha256 of the client identity, first 16 hex chars (64 bits: enough to follow one client through the
 * logs, useless to recover a key). Identity = the credential the request carries (Authorization, else
 * X-Api-Key) and the client address, the inputs limit keys are usually built from.
 */
export function keyHash(req: Pick<LoggedRequest, "headers" | "sourceAddress">): string {
  let credential = "";
  for (const [k, v] of req.headers) {
    const name = k.toLowerCase();
    if (name === "authorization") {
      credential = v;
      break;
    }
    if (name === "x-api-key" && credential === "") credential = v;
  }
  return createHash("sha256").update(`${credential}|${clientIp(req.sourceAddress)}`).digest("hex").slice(0, 16);
}

function clientIp(address: string): string {
  if (address.startsWith("[")) return address.slice(1, address.indexOf("]"));
  const colon = address.lastIndexOf(":");
  return colon < 0 ? address : address.slice(0, colon);
}
