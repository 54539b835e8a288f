// loadBundle: bundle text -> compiled Bundle (spec section 2). Top-level checks run in the order of
// spec 2.1 and the first failure refuses the whole bundle; a bad policy is dropped with its message
// (2.2) and the rest loads. Runs at configure time only; the engine reads the result.

import { JsonKind, JsonValue, parseJson } from "../json";
import { Bundle, LoadResult, Policy, RuntimeOverride } from "./model";
import { isPositiveNumber, isString, isTable, itemAt, luaLength, member } from "./lua-table";
import { INVALID_TIMESTAMP, parseIsoUtc } from "./timestamp";
import { compileKillSwitches, KillSwitchList } from "./kill-switches";
import { compileRuntimeOverride } from "./runtime-override";
import { compilePolicy } from "./policy";
import { ruleNeedsUserAgent } from "./rule";

export function loadBundle(text: string, nowSeconds: i64): LoadResult {
  if (text.length == 0) return refuse(new LoadResult(), "json_string_required");
  const parsed = parseJson(text);
  const root = parsed.value;
  if (root === null) return refuse(new LoadResult(), "json_parse_error: " + parsed.error);
  return loadParsedBundle(root, nowSeconds);
}

/** Same as loadBundle for a bundle already parsed (the filter's configuration envelope carries one). */
export function loadParsedBundle(root: JsonValue, nowSeconds: i64): LoadResult {
  const result = new LoadResult();
  if (!isTable(root)) return refuse(result, "bundle must be a table");

  const bundle = new Bundle();
  const version = member(root, "bundle_version");
  if (version === null || !isPositiveNumber(version)) return refuse(result, "bundle_version must be a positive number");
  bundle.version = version.num;

  const policies = member(root, "policies");
  if (policies === null || !isTable(policies)) return refuse(result, "policies must be a table");

  const issued = member(root, "issued_at");
  if (issued !== null) {
    bundle.issuedAt = timestampOf(issued);
    if (bundle.issuedAt == INVALID_TIMESTAMP) return refuse(result, "issued_at_invalid");
  }
  const expires = member(root, "expires_at");
  if (expires !== null) {
    bundle.expiresAt = timestampOf(expires);
    if (bundle.expiresAt == INVALID_TIMESTAMP) return refuse(result, "expires_at_invalid");
    if (bundle.expiresAt <= nowSeconds) return refuse(result, "bundle_expired");
  }

  const killSwitches = member(root, "kill_switches");
  if (killSwitches !== null) {
    const compiled = new KillSwitchList();
    const message = compileKillSwitches(killSwitches, compiled);
    if (message.length > 0) return refuse(result, "kill_switch_invalid: " + message);
    bundle.killSwitches = compiled.switches;
    if (compiled.needsUserAgent) bundle.needsUserAgent = true;
  }

  const shadow = member(root, "global_shadow");
  if (shadow !== null) {
    const compiled = new RuntimeOverride();
    const message = compileRuntimeOverride(shadow, nowSeconds, compiled);
    if (message.length > 0) return refuse(result, "global_shadow_invalid: " + message);
    bundle.globalShadow = compiled;
  }
  const overrideBlock = member(root, "kill_switch_override");
  if (overrideBlock !== null) {
    const compiled = new RuntimeOverride();
    const message = compileRuntimeOverride(overrideBlock, nowSeconds, compiled);
    if (message.length > 0) return refuse(result, "kill_switch_override_invalid: " + message);
    bundle.killSwitchOverride = compiled;
  }

  // Lua ipairs: the items of an array, nothing of an object.
  const count = luaLength(policies);
  bundle.rawPolicyCount = count;
  for (let i = 0; i < count; i++) {
    const raw = itemAt(policies, i);
    bundle.rawRuleCount += rawRuleCount(raw);
    const policy = new Policy();
    const message = compilePolicy(raw, i + 1, policy);
    if (message.length > 0) {
      result.policyErrors.push(message);
      continue;
    }
    bundle.policies.push(policy);
    if (policyNeedsUserAgent(policy)) bundle.needsUserAgent = true;
  }
  result.bundle = bundle;
  return result;
}

function refuse(result: LoadResult, message: string): LoadResult {
  result.fatalError = message;
  return result;
}

/** Epoch seconds of a bundle timestamp value, INVALID_TIMESTAMP when not a valid string. */
function timestampOf(v: JsonValue): i64 {
  return isString(v) ? parseIsoUtc(v.str) : INVALID_TIMESTAMP;
}

/** Rule entries of a raw policy whose `spec.rules` is an array (for "Valid: <P> policies, <R> rules"). */
function rawRuleCount(raw: JsonValue): i32 {
  const rules = member(member(raw, "spec"), "rules");
  return rules !== null && rules.kind == JsonKind.ARRAY ? rules.items.length : 0;
}

function policyNeedsUserAgent(policy: Policy): bool {
  for (let i = 0; i < policy.rules.length; i++) {
    if (ruleNeedsUserAgent(unchecked(policy.rules[i]))) return true;
  }
  const fallback = policy.fallback;
  return fallback !== null && ruleNeedsUserAgent(fallback);
}
