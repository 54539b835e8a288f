// `cost_based` algorithm_config (spec 8.2), checked in the reference's order. `staged_actions` are
// sorted ascending by threshold before the "strictly ascending" and "reject at 100" checks, as the
// reference sorts them in place.

import { JsonValue } from "../json";
import { CostBasedConfig, CostSource, StageAction, StagedAction } from "./model";
import { isNumber, isPositiveNumber, isString, isStringEqual, isTable, itemAt, luaLength, member } from "./lua-table";
import { costSourceKind, costSourceName } from "./cost-source";

const COST_KEY_MESSAGE = "cost_key must be fixed, header:<name>, or query:<name>";

function periodSeconds(v: JsonValue | null): i64 {
  if (isStringEqual(v, "5m")) return 300;
  if (isStringEqual(v, "1h")) return 3600;
  if (isStringEqual(v, "1d")) return 86400;
  if (isStringEqual(v, "7d")) return 604800;
  return 0;
}

/** Fills `out` from `config` (a table); returns "" or the limiter message. */
export function compileCostBased(config: JsonValue, out: CostBasedConfig): string {
  const budget = member(config, "budget");
  if (budget === null || !isPositiveNumber(budget)) return "budget must be a positive number";
  out.budget = budget.num;

  out.periodSeconds = periodSeconds(member(config, "period"));
  if (out.periodSeconds == 0) return "period must be one of 5m, 1h, 1d, 7d";

  const costKey = member(config, "cost_key");
  if (costKey !== null) {
    if (!isString(costKey)) return COST_KEY_MESSAGE;
    const kind = costSourceKind(costKey.str);
    if (kind < 0) return COST_KEY_MESSAGE;
    out.costSource = kind;
    out.costName = costSourceName(costKey.str, kind);
  }

  const fallback = member(config, "default_cost");
  if (fallback !== null) {
    if (!isPositiveNumber(fallback)) return "default_cost must be a positive number";
    out.defaultCost = fallback.num;
  }

  // fixed_cost is only checked when the cost is fixed (the reference skips it for header/query).
  const fixed = member(config, "fixed_cost");
  if (fixed !== null) {
    if (isPositiveNumber(fixed)) out.fixedCost = fixed.num;
    else if (out.costSource == CostSource.FIXED) return "fixed_cost must be a positive number";
  }

  return compileStages(member(config, "staged_actions"), out.stages);
}

function compileStages(list: JsonValue | null, stages: StagedAction[]): string {
  if (list === null || !isTable(list) || luaLength(list) == 0) return "staged_actions must be a non-empty table";
  const count = luaLength(list);
  for (let i = 0; i < count; i++) {
    const entry = itemAt(list, i);
    if (!isTable(entry)) return "staged_action must be a table";
    const threshold = member(entry, "threshold_percent");
    if (threshold === null || !isNumber(threshold) || threshold.num < 0 || threshold.num > 100) {
      return "threshold_percent must be between 0 and 100";
    }
    const action = member(entry, "action");
    const stage = new StagedAction();
    stage.thresholdPercent = threshold.num;
    if (isStringEqual(action, "warn")) stage.action = StageAction.WARN;
    else if (isStringEqual(action, "throttle")) stage.action = StageAction.THROTTLE;
    else if (isStringEqual(action, "reject")) stage.action = StageAction.REJECT;
    else return "action must be one of warn, throttle, reject";
    if (stage.action == StageAction.THROTTLE) {
      const delay = member(entry, "delay_ms");
      if (delay === null || !isPositiveNumber(delay)) return "delay_ms must be a positive number for throttle action";
      stage.delayMs = delay.num;
    }
    stages.push(stage);
  }
  // Equal thresholds are refused just below, so the sort need not be stable.
  stages.sort(byThreshold);

  let hasRejectAt100 = false;
  for (let i = 0; i < stages.length; i++) {
    const stage = unchecked(stages[i]);
    if (i > 0 && stage.thresholdPercent <= unchecked(stages[i - 1]).thresholdPercent) {
      return "staged_actions thresholds must be strictly ascending";
    }
    if (stage.action == StageAction.REJECT && stage.thresholdPercent == 100) hasRejectAt100 = true;
  }
  if (!hasRejectAt100) return "staged_actions must include reject at 100%";
  return "";
}

function byThreshold(a: StagedAction, b: StagedAction): i32 {
  if (a.thresholdPercent < b.thresholdPercent) return -1;
  if (a.thresholdPercent > b.thresholdPercent) return 1;
  return 0;
}
