// Limiter algorithms, one file each, all with the same shape: check(config, store, key, nowSeconds,
// cost..., out: LimitResult), dispatched by the engine (engine/limiter-dispatch.ts, engine/engine.ts).
export { LimitOutcome, LimitResult, LimitStage } from "./limit-result";
export { BucketState, BUCKET_STATE_BYTES } from "./bucket-state";
export { PairState, PAIR_STATE_BYTES } from "./pair-state";
export { addToCounter, readCounter, CounterUpdate } from "./windowed-counter";
export { checkTokenBucket } from "./token-bucket";
export { checkCostBudget, costPeriodStart, costCounterKey } from "./cost-budget";
export {
  checkTokenBucketLlm, reconcileReservation, refundBucket, tpmBucketConfig, tpmKeyOf, tpdKeyOf,
} from "./token-bucket-llm";
export { checkLoop, loopKeyOf } from "./loop-detector";
export { checkCircuitBreaker, recordBreakerSpend, breakerStateKey, breakerRateKey, breakerWindow } from "./circuit-breaker";
