// `spec.loop_detection` (spec 8.5). The reference never validates it; decision 6 checks the documented
// constraints. A block that is absent-enabled or `enabled: false` is not checked further.

import { JsonValue } from "../json";
import { LoopAction, LoopDetectionConfig } from "./model";
import { isBool, isStringEqual, isTable, member } from "./lua-table";

/** Fills `out`; returns "" or the message (without the `policy=<id>: ` prefix). */
export function compileLoopDetection(block: JsonValue, out: LoopDetectionConfig): string {
  if (!isTable(block)) return "loop_detection must be a table";
  const enabled = member(block, "enabled");
  if (enabled === null) return "";
  if (!isBool(enabled)) return "loop_detection.enabled must be a boolean";
  if (!enabled.bool) return "";
  out.enabled = true;

  const window = member(block, "window_seconds");
  if (window === null || !window.isInteger() || window.num <= 0) {
    return "loop_detection.window_seconds must be a positive integer";
  }
  out.windowSeconds = <i64>window.num;

  const threshold = member(block, "threshold_identical_requests");
  if (threshold === null || !threshold.isInteger() || threshold.num < 2) {
    return "loop_detection.threshold_identical_requests must be an integer >= 2";
  }
  out.thresholdIdenticalRequests = <i64>threshold.num;

  const action = member(block, "action");
  if (action !== null) {
    if (isStringEqual(action, "reject")) out.action = LoopAction.REJECT;
    else if (isStringEqual(action, "throttle")) out.action = LoopAction.THROTTLE;
    else if (isStringEqual(action, "warn")) out.action = LoopAction.WARN;
    else return "loop_detection.action must be reject, throttle or warn";
  }

  const similarity = member(block, "similarity");
  if (similarity !== null && !isStringEqual(similarity, "exact")) return "loop_detection.similarity must be exact";
  return "";
}
