// Per-policy plans computed once at construction (STYLE.md hot path 1): interned key ids for limit keys,
// match keys and the union the policy extracts, counter-key prefixes with and without the shadow
// namespace (spec 5.4), and whether the rule's algorithm is implemented yet.

import { Algorithm, Policy, Rule } from "../policy/model";
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
  /** The engine evaluates this algorithm today (token_bucket); others come with the next issue. */
  supported: bool = false;
  /** `<algorithm>_exceeded`, the reject reason when the limiter sets none. */
  exceededReason: string = "";
  /** How this rule's request cost is read (null for algorithms without a per-request cost yet). */
  cost: CostPlan | null = null;

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
    this.supported = rule.algorithm == Algorithm.TOKEN_BUCKET && tb !== null;
    if (tb !== null) this.cost = new CostPlan(tb.costSource, tb.costName, tb.fixedCost, tb.defaultCost);
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
