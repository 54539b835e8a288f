// `spec.circuit_breaker` (spec 8.6). The reference never validates it and crashes on a missing
// `auto_reset_after_minutes`; decision 6 checks the documented constraints and decision 5 applies the
// defaults (auto reset 0 = stay open, alert false). A disabled block is not checked further.

import { JsonValue } from "../json";
import { CircuitBreakerConfig } from "./model";
import { isBool, isNumber, isPositiveNumber, isStringEqual, isTable, member } from "./lua-table";

/** Fills `out`; returns "" or the message (without the `policy=<id>: ` prefix). */
export function compileCircuitBreaker(block: JsonValue, out: CircuitBreakerConfig): string {
  if (!isTable(block)) return "circuit_breaker must be a table";
  const enabled = member(block, "enabled");
  if (enabled === null) return "";
  if (!isBool(enabled)) return "circuit_breaker.enabled must be a boolean";
  if (!enabled.bool) return "";
  out.enabled = true;

  const threshold = member(block, "spend_rate_threshold_per_minute");
  if (threshold === null || !isPositiveNumber(threshold)) {
    return "circuit_breaker.spend_rate_threshold_per_minute must be a positive number";
  }
  out.spendRateThresholdPerMinute = threshold.num;

  const action = member(block, "action");
  if (action !== null && !isStringEqual(action, "reject")) return "circuit_breaker.action must be reject";

  const reset = member(block, "auto_reset_after_minutes");
  if (reset !== null) {
    if (!isNumber(reset) || reset.num < 0) return "circuit_breaker.auto_reset_after_minutes must be a non-negative number";
    out.autoResetAfterMinutes = reset.num;
  }

  const alert = member(block, "alert");
  if (alert !== null) {
    if (!isBool(alert)) return "circuit_breaker.alert must be a boolean";
    out.alert = alert.bool;
  }
  return "";
}
