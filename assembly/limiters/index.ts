// Limiter algorithms, one file each, all with the same shape: check(config, store, key, nowSeconds,
// cost, out: LimitResult). Extension points for the next issue: `cost-based.ts` (spec 8.2),
// `token-bucket-llm.ts` (8.3), `loop-detector.ts` (8.5) and `circuit-breaker.ts` (8.6) follow this shape
// and are dispatched from assembly/engine/limiter-dispatch.ts.
export { LimitOutcome, LimitResult } from "./limit-result";
export { BucketState, BUCKET_STATE_BYTES } from "./bucket-state";
export { checkTokenBucket } from "./token-bucket";
