// One entry of `policies` (spec 2.2): the checks run in the reference's order and stop at the first
// failure; the caller drops a failing policy and keeps its message. Then the blocks decision 6 adds:
// `loop_detection` and `circuit_breaker`.

import { JsonValue } from "../json";
import { CircuitBreakerConfig, LoopDetectionConfig, Policy, Rule } from "./model";
import { isNonEmptyString, isStringEqual, isTable, itemAt, luaLength, member } from "./lua-table";
import { compileSelector } from "./selector";
import { compileFallback, compileRule } from "./rule";
import { compileLoopDetection } from "./loop-detection";
import { compileCircuitBreaker } from "./circuit-breaker";

/** Fills `out` from `policies[index - 1]`; returns "" or the message that drops the policy. */
export function compilePolicy(raw: JsonValue, index: i32, out: Policy): string {
  out.position = index;
  const at = "policy[" + index.toString() + "]: ";
  if (!isTable(raw)) return at + "must be a table";
  const id = member(raw, "id");
  if (id === null || !isNonEmptyString(id)) return at + "missing id";
  out.id = id.str;
  const where = "policy=" + id.str + ": ";

  const spec = member(raw, "spec");
  if (spec === null || !isTable(spec)) return where + "missing spec";
  const selector = member(spec, "selector");
  if (selector === null || !isTable(selector)) return where + "missing selector";
  let message = compileSelector(selector, out.selector);
  if (message.length > 0) return where + message;

  const mode = member(spec, "mode");
  if (mode !== null && !isStringEqual(mode, "enforce") && !isStringEqual(mode, "shadow")) return where + "invalid mode";
  out.shadow = isStringEqual(mode, "shadow");

  const rules = member(spec, "rules");
  if (rules === null || !isTable(rules)) return where + "rules must be a table";
  const ruleCount = luaLength(rules);
  for (let j = 0; j < ruleCount; j++) {
    const rule = new Rule();
    message = compileRule(id.str, index, j + 1, itemAt(rules, j), rule);
    if (message.length > 0) return message;
    out.rules.push(rule);
  }

  const fallback = member(spec, "fallback_limit");
  if (fallback !== null) {
    if (!isTable(fallback)) return where + "fallback_limit must be a table";
    const rule = new Rule();
    message = compileFallback(id.str, fallback, rule);
    if (message.length > 0) return message;
    out.fallback = rule;
  }

  const loop = member(spec, "loop_detection");
  if (loop !== null) {
    const config = new LoopDetectionConfig();
    message = compileLoopDetection(loop, config);
    if (message.length > 0) return where + message;
    out.loopDetection = config;
  }

  const breaker = member(spec, "circuit_breaker");
  if (breaker !== null) {
    const config = new CircuitBreakerConfig();
    message = compileCircuitBreaker(breaker, config);
    if (message.length > 0) return where + message;
    out.circuitBreaker = config;
  }
  return "";
}
