// One rule of `spec.rules`, or the `fallback_limit` (spec 2.2): name, limit_keys (5.1), algorithm and
// its config (8.1-8.3), then `match`. Messages are the reference's, prefixed as it prefixes them.

import { JsonKind, JsonValue } from "../json";
import {
  Algorithm, CostBasedConfig, KeySource, LlmConfig, Rule, TokenBucketConfig,
} from "./model";
import { isNonEmptyString, isString, isTable, itemAt, luaLength, luaToString, member } from "./lua-table";
import { parseDescriptorKey } from "./descriptor-key";
import { compileTokenBucket } from "./token-bucket-config";
import { compileCostBased } from "./cost-based-config";
import { compileLlm } from "./llm-config";
import { compileMatch } from "./match";

/** `spec.rules[j]`: returns "" or the full message. `policyIndex`/`ruleIndex` are 1-based. */
export function compileRule(policyId: string, policyIndex: i32, ruleIndex: i32, raw: JsonValue, out: Rule): string {
  const where = "policy[" + policyIndex.toString() + "] rule[" + ruleIndex.toString() + "]: ";
  if (!isTable(raw)) return where + "must be a table";
  const name = member(raw, "name");
  if (name === null || !isNonEmptyString(name)) return where + "missing name";
  out.name = name.str;
  return compileRuleBody(policyId, name.str, raw, out);
}

/**
 * `spec.fallback_limit` (already known to be a table). Reported as `rule=fallback_limit` when it has
 * no name; compiled as rule "rule" then, the name the reference's counter keys use (spec 5.4).
 */
export function compileFallback(policyId: string, raw: JsonValue, out: Rule): string {
  const name = member(raw, "name");
  const named = name !== null && isNonEmptyString(name);
  out.name = named && name !== null ? name.str : "rule";
  return compileRuleBody(policyId, named && name !== null ? name.str : "fallback_limit", raw, out);
}

function compileRuleBody(policyId: string, name: string, raw: JsonValue, out: Rule): string {
  const where = "policy=" + policyId + " rule=" + name + " ";

  const keys = member(raw, "limit_keys");
  if (keys === null || !isTable(keys)) return where + "invalid_limit_keys: limit_keys must be a table";
  const keyCount = luaLength(keys);
  for (let i = 0; i < keyCount; i++) {
    const entry = itemAt(keys, i);
    const key = entry.kind == JsonKind.STRING ? parseDescriptorKey(entry.str) : null;
    if (key === null) return where + "invalid_limit_keys: invalid limit_key format: " + luaToString(entry);
    out.limitKeys.push(key);
  }

  const algorithm = member(raw, "algorithm");
  const config = member(raw, "algorithm_config");
  if (algorithm === null || config === null || !isString(algorithm) || !isTable(config)) {
    return where + "invalid_algorithm_definition";
  }
  let message: string;
  if (algorithm.str == "token_bucket") {
    const compiled = new TokenBucketConfig();
    out.algorithm = Algorithm.TOKEN_BUCKET;
    out.tokenBucket = compiled;
    message = compileTokenBucket(config, compiled);
  } else if (algorithm.str == "cost_based") {
    const compiled = new CostBasedConfig();
    out.algorithm = Algorithm.COST_BASED;
    out.costBased = compiled;
    message = compileCostBased(config, compiled);
  } else if (algorithm.str == "token_bucket_llm") {
    const compiled = new LlmConfig();
    out.algorithm = Algorithm.TOKEN_BUCKET_LLM;
    out.llm = compiled;
    message = compileLlm(config, compiled);
  } else {
    message = "unsupported algorithm";
  }
  if (message.length > 0) return where + "invalid_algorithm_config: " + message;

  const match = member(raw, "match");
  if (match !== null) {
    message = compileMatch(match, out.match);
    if (message.length > 0) return where + message;
    out.hasMatch = true;
  }
  return "";
}

/** The rule reads the User-Agent (a `ua:` limit key or match key; spec 2.6). */
export function ruleNeedsUserAgent(rule: Rule): bool {
  for (let i = 0; i < rule.limitKeys.length; i++) {
    const source = unchecked(rule.limitKeys[i]).source;
    if (source == KeySource.UA_BOT || source == KeySource.UA_BOT_CATEGORY) return true;
  }
  for (let i = 0; i < rule.match.length; i++) {
    const source = unchecked(rule.match[i]).key.source;
    if (source == KeySource.UA_BOT || source == KeySource.UA_BOT_CATEGORY) return true;
  }
  return false;
}
