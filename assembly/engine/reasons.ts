// The reason catalogue (spec 9.6): values of `X-Fairvisor-Reason` / Decision.reason, and the warning codes
// of `X-Fairvisor-Warning`. Limiters that set their own reason export it from their file; it is repeated
// here (re-exported, so there is one spelling) and this file lists every code the engine can produce.

export { REASON_BUDGET_EXCEEDED } from "../limiters/cost-budget";
export {
  REASON_PROMPT_TOKENS_EXCEEDED, REASON_MAX_TOKENS_PER_REQUEST_EXCEEDED, REASON_TPM_EXCEEDED, REASON_TPD_EXCEEDED,
} from "../limiters/token-bucket-llm";
export { REASON_LOOP_DETECTED } from "../limiters/loop-detector";
export { REASON_CIRCUIT_BREAKER_OPEN } from "../limiters/circuit-breaker";

export const REASON_KILL_SWITCH = "kill_switch";
/** `<algorithm>_exceeded` for token_bucket (the limiter sets no reason). */
export const REASON_TOKEN_BUCKET_EXCEEDED = "token_bucket_exceeded";
/** Engine reason without a bundle; the glue answers 503 before evaluating. */
export const REASON_NO_BUNDLE_LOADED = "no_bundle_loaded";
/** HTTP-layer dependency problem (glue only). */
export const REASON_SERVICE_UNAVAILABLE = "service_unavailable";
export const REASON_BUDGET_WARN = "budget_warn";
export const REASON_BUDGET_THROTTLE = "budget_throttle";
export const REASON_ALL_RULES_PASSED = "all_rules_passed";
export const REASON_NO_MATCHING_POLICY = "no_matching_policy";

export const WARNING_BUDGET_WARN = "budget_warn";
export const WARNING_BUDGET_THROTTLE = "budget_throttle";
/** Project decision 4: loop `warn` sets this warning and evaluation goes on. */
export const WARNING_LOOP_WARN = "loop_warn";
