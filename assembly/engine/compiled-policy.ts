// Per-policy plans computed once at construction (STYLE.md hot path 1): interned key ids for limit keys,
// match keys and the union the policy extracts, counter-key prefixes with and without the shadow
// namespace (spec 5.4), the cost plan and, for token_bucket_llm, the TPM bucket config; per policy the
// enabled loop detection and circuit breaker with the breaker's key parts (spec 8.5, 8.6).

import { Algorithm, CircuitBreakerConfig, LoopDetectionConfig, Policy, Rule, TokenBucketConfig } from "../policy/model";
import { tpmBucketConfig } from "../limiters/token-bucket-llm";
import { KeySource } from "../policy/model";
import { CostPlan } from "./cost";
import { DescriptorKeys } from "./descriptors";

const EMPTY_IDS = new StaticArray<i32>(0);
const EMPTY_STRINGS = new StaticArray<string>(0);
const EMPTY_FLAGS = new StaticArray<bool>(0);

@final
export class CompiledRule {
  rule: Rule;
  limitKeyIds: StaticArray<i32> = EMPTY_IDS;
  matchKeyIds: StaticArray<i32> = EMPTY_IDS;
  matchValues: StaticArray<string> = EMPTY_STRINGS;
  /** Whether the match key is among the policy's extracted keys (spec 7 step 5.5). */
  matchExtracted: StaticArray<bool> = EMPTY_FLAGS;
  /** false for a bundle value that was null/array/object: the entry never matches (MatchEntry). */
  matchComparable: StaticArray<bool> = EMPTY_FLAGS;
  /** JWT match keys fall back to the raw claim; this is the claim name ("" for other sources). */
  matchClaimNames: StaticArray<string> = EMPTY_STRINGS;
  /** `tb:<rule name>:` and `shadow:tb:<rule name>:` (spec 5.4). */
  counterPrefix: string = "";
  shadowCounterPrefix: string = "";
  /** The rule carries the config its algorithm needs (always true for a loaded bundle). */
  supported: bool = false;
  /** `<algorithm>_exceeded`, the reject reason when the limiter sets none. */
  exceededReason: string = "";
  /** How this rule's request cost is read: token_bucket cost_source, cost_based cost_key (null for LLM). */
  cost: CostPlan | null = null;
  /** token_bucket_llm: the TPM bucket (rate tokens_per_minute/60, capacity burst_tokens). */
  tpm: TokenBucketConfig | null = null;

  constructor(rule: Rule, keys: DescriptorKeys, extracted: i32[]) {
    this.rule = rule;
    const limitKeys = rule.limitKeys;
    this.limitKeyIds = new StaticArray<i32>(limitKeys.length);
    for (let i = 0; i < limitKeys.length; i++) {
      unchecked((this.limitKeyIds[i] = keys.intern(unchecked(limitKeys[i]))));
    }
    const match = rule.hasMatch ? rule.match : [];
    const m = match.length;
    this.matchKeyIds = new StaticArray<i32>(m);
    this.matchValues = new StaticArray<string>(m);
    this.matchExtracted = new StaticArray<bool>(m);
    this.matchClaimNames = new StaticArray<string>(m);
    this.matchComparable = new StaticArray<bool>(m);
    for (let i = 0; i < m; i++) {
      const entry = unchecked(match[i]);
      const id = keys.intern(entry.key);
      unchecked((this.matchKeyIds[i] = id));
      unchecked((this.matchValues[i] = entry.value));
      unchecked((this.matchComparable[i] = entry.comparable));
      unchecked((this.matchExtracted[i] = extracted.includes(id)));
      unchecked((this.matchClaimNames[i] = entry.key.source == KeySource.JWT ? entry.key.name : ""));
    }
    const prefix = algorithmKeyPrefix(rule.algorithm) + rule.name + ":";
    this.counterPrefix = prefix;
    this.shadowCounterPrefix = "shadow:" + prefix;
    const tb = rule.tokenBucket;
    const cb = rule.costBased;
    const llm = rule.llm;
    if (rule.algorithm == Algorithm.TOKEN_BUCKET && tb !== null) {
      this.supported = true;
      this.cost = new CostPlan(tb.costSource, tb.costName, tb.fixedCost, tb.defaultCost);
    } else if (rule.algorithm == Algorithm.COST_BASED && cb !== null) {
      this.supported = true;
      this.cost = new CostPlan(cb.costSource, cb.costName, cb.fixedCost, cb.defaultCost);
    } else if (rule.algorithm == Algorithm.TOKEN_BUCKET_LLM && llm !== null) {
      this.supported = true;
      this.tpm = tpmBucketConfig(llm);
    }
    this.exceededReason = algorithmName(rule.algorithm) + "_exceeded";
  }
}

@final
export class CompiledPolicy {
  policy: Policy;
  id: string;
  shadow: bool;
  rules: CompiledRule[] = [];
  fallback: CompiledRule | null = null;
  /** Union of rule and fallback limit keys (extracted per policy), ordered by key text for debug output. */
  extractedKeyIds: StaticArray<i32> = EMPTY_IDS;
  /** `spec.loop_detection` when enabled. */
  loop: LoopDetectionConfig | null = null;
  /** `spec.circuit_breaker` when enabled. */
  breaker: CircuitBreakerConfig | null = null;
  /** Breaker key (spec 8.6): `cb:<policy id>` plus `:<value>` of breakerKeyId when some rule has keys. */
  breakerPrefix: string = "";
  /** The first limit key of the first rule that has limit_keys, or -1. */
  breakerKeyId: i32 = -1;
  /** The rule whose cost the breaker counts: the first rule (null: cost 1). */
  firstRule: CompiledRule | null = null;

  constructor(policy: Policy, keys: DescriptorKeys) {
    this.policy = policy;
    this.id = policy.id;
    this.shadow = policy.shadow;
    // Union first, so match entries know whether their key is extracted.
    const union: i32[] = [];
    for (let r = 0; r < policy.rules.length; r++) {
      addKeys(unchecked(policy.rules[r]), keys, union);
    }
    const fb = policy.fallback;
    if (fb !== null) addKeys(fb, keys, union);
    // Sort by key text (insertion sort: a handful of keys).
    for (let i = 1; i < union.length; i++) {
      const id = unchecked(union[i]);
      const text = unchecked(keys.texts[id]);
      let j = i - 1;
      while (j >= 0 && unchecked(keys.texts[unchecked(union[j])]) > text) {
        unchecked((union[j + 1] = union[j]));
        j--;
      }
      unchecked((union[j + 1] = id));
    }
    this.extractedKeyIds = StaticArray.fromArray<i32>(union);
    for (let r = 0; r < policy.rules.length; r++) {
      this.rules.push(new CompiledRule(unchecked(policy.rules[r]), keys, union));
    }
    if (fb !== null) this.fallback = new CompiledRule(fb, keys, union);

    const loop = policy.loopDetection;
    if (loop !== null && loop.enabled) this.loop = loop;
    const breaker = policy.circuitBreaker;
    if (breaker !== null && breaker.enabled) this.breaker = breaker;
    this.breakerPrefix = "cb:" + policy.id;
    for (let r = 0; r < policy.rules.length; r++) {
      const rule = unchecked(policy.rules[r]);
      if (rule.limitKeys.length > 0) {
        this.breakerKeyId = keys.intern(unchecked(rule.limitKeys[0]));
        break;
      }
    }
    if (this.rules.length > 0) this.firstRule = unchecked(this.rules[0]);
  }
}

function addKeys(rule: Rule, keys: DescriptorKeys, union: i32[]): void {
  for (let i = 0; i < rule.limitKeys.length; i++) {
    const id = keys.intern(unchecked(rule.limitKeys[i]));
    if (!union.includes(id)) union.push(id);
  }
}

/** Counter-key prefix of each algorithm (spec 5.4). */
export function algorithmKeyPrefix(algorithm: Algorithm): string {
  if (algorithm == Algorithm.TOKEN_BUCKET) return "tb:";
  if (algorithm == Algorithm.COST_BASED) return "cb:";
  return "llm:";
}

/** The bundle's algorithm name. */
export function algorithmName(algorithm: Algorithm): string {
  if (algorithm == Algorithm.TOKEN_BUCKET) return "token_bucket";
  if (algorithm == Algorithm.COST_BASED) return "cost_based";
  return "token_bucket_llm";
}
