// X-Fairvisor-Decision-Info: the whole decision as one compact JSON header, for a host that reports on
// decisions (the decision service's metrics labels, logs and spec 9.7 debug headers) and would otherwise
// have to infer them from the client answer, which hides the rule, the shadow would-reject (project
// decision 2), the matched-policy count and the descriptors. Only sent when the VM configuration sets
// `"decision_info": true` (deployment.ts); that host must strip it before answering its client.
//   {"action":"allow|reject|throttle","reason":"...","mode":"enforce|shadow","policy":"...","rule":"...",
//    "matched":N,"would_reject":"<reason or empty>","would_reject_policy":"...",
//    "descriptors":[["key","value"],...],"reserved":N}
// Every character outside printable ASCII is written as \uXXXX (UTF-16 units, so JSON.parse restores
// astral characters from their surrogate pair): an HTTP field value may only hold visible ASCII, space and
// tab safely (RFC 9110 5.5), and descriptor values come straight from request headers, JWT claims or the
// query string, so they can carry anything.
import { Action, Decision } from "../engine/decision";
import { CHAR_BACKSLASH, CHAR_COMMA, CHAR_DQUOTE, CHAR_LBRACKET, CHAR_RBRACE, CHAR_SPACE } from "../util/chars";
import { StringBuilder } from "../util/string-builder";
import { jsonNumber } from "./json-text";

export const HEADER_DECISION_INFO = "X-Fairvisor-Decision-Info";

// Codes assembly/util/chars.ts does not name (filter changes stay inside assembly/filter).
// @ts-ignore: decorator
@inline const CHAR_RBRACKET: u16 = 0x5d;
// @ts-ignore: decorator
@inline const CHAR_LOWER_U: u16 = 0x75;
/** `~`, the last printable ASCII character; DEL (0x7f) and above are escaped. */
// @ts-ignore: decorator
@inline const LAST_PRINTABLE: u16 = 0x7e;

/**
 * One builder for the VM (one callback runs at a time); grows to the largest header and stays there. Lazy,
 * so a VM without decision_info never even allocates it.
 */
// @ts-ignore: decorator
@lazy const out = new StringBuilder(256);

/** Hex digits of \uXXXX, lowercase like JSON.stringify. */
const HEX = "0123456789abcdef";

/** The header value for an engine decision (reject, allow, throttle; shadow-wrapped or not). */
export function decisionInfo(d: Decision): string {
  out.reset();
  out.append('{"action":"');
  out.append(actionName(d.action));
  out.append('","reason":');
  appendString(d.reason);
  out.append(',"mode":');
  appendString(d.mode);
  out.append(',"policy":');
  appendString(d.policyId);
  out.append(',"rule":');
  appendString(d.ruleName);
  out.append(',"matched":');
  out.append(d.matchedPolicies.toString());
  out.append(',"would_reject":');
  appendString(d.wouldReject ? d.wouldRejectReason : "");
  out.append(',"would_reject_policy":');
  // The engine names the would-reject's policy only when the shadow would-reject is the outcome (mode
  // shadow, decision-writer.ts writeFinalAllow); when an enforcing reject, throttle or warn won, the
  // decision's policy is that one, and the shadow policy is not kept on the Decision.
  appendString(d.wouldReject && d.mode == "shadow" ? d.policyId : "");
  out.append(',"descriptors":[');
  const descriptors = d.descriptors;
  for (let i = 0, n = descriptors.length; i + 1 < n; i += 2) {
    if (i > 0) out.appendCode(CHAR_COMMA);
    out.appendCode(CHAR_LBRACKET);
    appendString(unchecked(descriptors[i]));
    out.appendCode(CHAR_COMMA);
    appendString(unchecked(descriptors[i + 1]));
    out.appendCode(CHAR_RBRACKET);
  }
  out.append('],"reserved":');
  let reserved: f64 = 0;
  const reservations = d.reservations;
  for (let i = 0, n = reservations.length; i < n; i++) reserved += unchecked(reservations[i]).reserved;
  out.append(jsonNumber(reserved));
  out.appendCode(CHAR_RBRACE);
  return out.toString();
}

/**
 * The header value for a local reply the engine never saw: 503 no bundle, 413 body too large. They are
 * rejects in the enforce sense (the client does not get through), with nothing matched or extracted.
 */
export function localReplyInfo(reason: string): string {
  out.reset();
  out.append('{"action":"reject","reason":');
  appendString(reason);
  out.append(',"mode":"enforce","policy":"","rule":"","matched":0,"would_reject":"","would_reject_policy":"","descriptors":[],"reserved":0}');
  return out.toString();
}

function actionName(action: Action): string {
  if (action == Action.REJECT) return "reject";
  if (action == Action.THROTTLE) return "throttle";
  return "allow";
}

/** `value` as a JSON string of printable ASCII only (see the header comment). */
function appendString(value: string): void {
  out.appendCode(CHAR_DQUOTE);
  for (let i = 0, n = value.length; i < n; i++) {
    const c = <u16>value.charCodeAt(i);
    if (c == CHAR_DQUOTE || c == CHAR_BACKSLASH) {
      out.appendCode(CHAR_BACKSLASH);
      out.appendCode(c);
    } else if (c >= CHAR_SPACE && c <= LAST_PRINTABLE) {
      out.appendCode(c);
    } else {
      out.appendCode(CHAR_BACKSLASH);
      out.appendCode(CHAR_LOWER_U);
      out.appendCode(<u16>HEX.charCodeAt((c >> 12) & 0xf));
      out.appendCode(<u16>HEX.charCodeAt((c >> 8) & 0xf));
      out.appendCode(<u16>HEX.charCodeAt((c >> 4) & 0xf));
      out.appendCode(<u16>HEX.charCodeAt(c & 0xf));
    }
  }
  out.appendCode(CHAR_DQUOTE);
}
