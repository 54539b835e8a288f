// `cost_based` (spec 8.2): a spend budget per fixed window aligned on the UTC epoch, with staged
// actions. Windows: 5m, 1h, 1d start at multiples of their length; 7d starts on Monday 00:00 UTC
// (project decision 15, ISO weeks; the reference's arithmetic gives Sunday). The counter key is
// `<counter key>:<period_start>`, so a new window starts at 0 and an old one is never read again.
//
//   usage = stored + cost;  pct = usage / budget * 100;  over = usage > budget  (exactly 100% is not over)
//   over          -> reject budget_exceeded, retry_after = max(1, ceil(period_start + period - now)),
//                    and nothing is written: the rejected request is not charged
//   otherwise     -> write usage; stage = highest staged action with threshold <= pct, and a reject stage
//                    (only reachable at exactly 100%) falls back to the highest non-reject one
//   stage warn    -> ALLOW + LimitStage.WARN;  stage throttle -> ALLOW + LimitStage.THROTTLE, delay_ms
// The result carries no limit or remaining (spec 8.2 headers: an allow shows only `r=0;t=1`).

import { CostBasedConfig, StageAction, StagedAction } from "../policy/model";
import { CounterStore } from "../engine/counter-store";
import { LimitOutcome, LimitResult, LimitStage } from "./limit-result";
import { addToCounter, CounterUpdate } from "./windowed-counter";

export const REASON_BUDGET_EXCEEDED = "budget_exceeded";

const WEEK_SECONDS: i64 = 604800;
/** Monday 1970-01-05 00:00 UTC: epoch day 0 (1970-01-01) was a Thursday, so the first Monday is day 4. */
const FIRST_MONDAY: i64 = 345600;

const update = new CounterUpdate();

/** Start of the window containing `nowSeconds` (epoch seconds, floored to whole seconds first). */
export function costPeriodStart(periodSeconds: i64, nowSeconds: f64): i64 {
  if (periodSeconds <= 0 || !isFinite(nowSeconds)) return 0;
  const now = i64(Math.floor(nowSeconds));
  if (periodSeconds == WEEK_SECONDS) return floorDiv(now - FIRST_MONDAY, WEEK_SECONDS) * WEEK_SECONDS + FIRST_MONDAY;
  return floorDiv(now, periodSeconds) * periodSeconds;
}

/** `<key>:<period_start>` (spec 5.4). */
export function costCounterKey(key: string, periodStart: i64): string {
  return key + ":" + periodStart.toString();
}

export function checkCostBudget(
  config: CostBasedConfig,
  store: CounterStore,
  key: string,
  nowSeconds: f64,
  cost: f64,
  out: LimitResult,
): void {
  out.clear();
  if (!(cost > 0)) cost = config.defaultCost > 0 ? config.defaultCost : 1;
  const period = config.periodSeconds;
  const start = costPeriodStart(period, nowSeconds);
  const end = f64(start + period);
  const budget = config.budget;
  addToCounter(store, costCounterKey(key, start), cost, budget, end, nowSeconds, update);
  out.casRetries = update.casRetries;
  if (update.failed) {
    out.outcome = LimitOutcome.FAIL_OPEN;
    return;
  }
  if (update.over) {
    out.outcome = LimitOutcome.REJECT;
    out.reason = REASON_BUDGET_EXCEEDED;
    out.hasRetryAfter = true;
    out.retryAfter = max(1.0, Math.ceil(end - nowSeconds));
    return;
  }
  out.outcome = LimitOutcome.ALLOW;
  const stage = selectStage(config.stages, update.value / budget * 100);
  if (stage === null) return;
  const s = stage;
  if (s.action == StageAction.WARN) {
    out.stage = LimitStage.WARN;
  } else if (s.action == StageAction.THROTTLE) {
    out.stage = LimitStage.THROTTLE;
    out.delayMs = s.delayMs;
  }
}

/** Highest non-reject stage with threshold <= pct (stages are sorted ascending), or null. */
function selectStage(stages: StagedAction[], pct: f64): StagedAction | null {
  for (let i = stages.length - 1; i >= 0; i--) {
    const s = unchecked(stages[i]);
    if (s.thresholdPercent <= pct && s.action != StageAction.REJECT) return s;
  }
  return null;
}

function floorDiv(a: i64, b: i64): i64 {
  const q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}
