// The `streaming` block (spec 8.7) of every token_bucket_llm rule, looked up by policy id and rule name:
// a Reservation names its rule but does not carry the rule's streaming settings, so the root builds this
// table once per bundle (nothing is compiled on the request path, STYLE.md) and each stream keeps the
// table of the bundle that made its reservations. Duplicate policy ids: the last definition wins, as in
// the engine (spec 2.2).
import { Bundle, Rule, StreamingConfig } from "../policy/model";

@final
export class StreamingRules {
  private byRule: Map<string, StreamingConfig> = new Map();
  /** Defaults for a rule not in the table (spec 8.7: enabled, enforce_mid_stream, graceful_close). */
  readonly defaults: StreamingConfig = new StreamingConfig();

  static of(bundle: Bundle): StreamingRules {
    const out = new StreamingRules();
    for (let i = 0; i < bundle.policies.length; i++) {
      const policy = unchecked(bundle.policies[i]);
      for (let r = 0; r < policy.rules.length; r++) out.add(policy.id, unchecked(policy.rules[r]));
      const fallback = policy.fallback;
      if (fallback !== null) out.add(policy.id, fallback);
    }
    return out;
  }

  private add(policyId: string, rule: Rule): void {
    const llm = rule.llm;
    if (llm !== null) this.byRule.set(policyId + "\0" + rule.name, llm.streaming);
  }

  /**
   * The bundle has token_bucket_llm rules. Without any, no request can need its body (Engine.needsBody is
   * only true for LLM rules and breakers whose cost is an LLM rule's), so the glue skips asking.
   */
  get hasLlmRules(): bool {
    return this.byRule.size > 0;
  }

  get(policyId: string, ruleName: string): StreamingConfig {
    const key = policyId + "\0" + ruleName;
    return this.byRule.has(key) ? this.byRule.get(key) : this.defaults;
  }
}
