// Local replies the filter sends instead of forwarding the request (research/gateways.md 1.6: status,
// JSON body, serialized headers; only before response headers went downstream).
import { Decision } from "../engine/decision";
import { decisionInfo, HEADER_DECISION_INFO, localReplyInfo } from "./decision-info";
import { sendLocalResponse } from "./host-calls";
import { serializeHeaderPairs } from "./header-pairs";
import { jsonString } from "./json-text";

const NO_BUNDLE_BODY = '{"error":{"message":"no policy bundle loaded","type":"service_unavailable","code":"no_bundle_loaded"}}';
export const REASON_BODY_TOO_LARGE = "request_body_too_large";

/**
 * The OpenAI-compatible error body of spec 8.3 and project decision 10, for every reject; an LLM reject
 * adds the engine's `details` object (Decision.errorDetails).
 */
export function rejectBody(reason: string, details: string): string {
  let body = '{"error":{"message":' + jsonString("Rate limit exceeded: " + reason) +
    ',"type":"rate_limit_error","code":"rate_limit_exceeded"';
  if (details.length > 0) body += ',"details":' + details;
  return body + "}}";
}

/** `withInfo`: deployment option decision_info (deployment.ts); the header is built only then. */
export function replyReject(decision: Decision, withInfo: bool): void {
  const headers = decision.headers.slice(0);
  headers.push("content-type");
  headers.push("application/json");
  if (withInfo) {
    headers.push(HEADER_DECISION_INFO);
    headers.push(decisionInfo(decision));
  }
  const body = rejectBody(decision.reason, decision.errorDetails);
  sendLocalResponse(<u32>decision.status, decision.reason, String.UTF8.encode(body), serializeHeaderPairs(headers));
}

export function replyNoBundle(withInfo: bool): void {
  const headers = ["content-type", "application/json", "X-Fairvisor-Reason", "no_bundle_loaded"];
  if (withInfo) {
    headers.push(HEADER_DECISION_INFO);
    headers.push(localReplyInfo("no_bundle_loaded"));
  }
  sendLocalResponse(503, "no_bundle_loaded", String.UTF8.encode(NO_BUNDLE_BODY), serializeHeaderPairs(headers));
}

/** 413 for a request body over max_request_body_bytes (deployment.ts), before it is buffered further. */
export function replyBodyTooLarge(limit: u32, withInfo: bool): void {
  const headers = ["content-type", "application/json", "X-Fairvisor-Reason", REASON_BODY_TOO_LARGE];
  if (withInfo) {
    headers.push(HEADER_DECISION_INFO);
    headers.push(localReplyInfo(REASON_BODY_TOO_LARGE));
  }
  const body = '{"error":{"message":"request body exceeds ' + limit.toString() +
    ' bytes","type":"invalid_request_error","code":"' + REASON_BODY_TOO_LARGE + '"}}';
  sendLocalResponse(413, REASON_BODY_TOO_LARGE, String.UTF8.encode(body), serializeHeaderPairs(headers));
}
