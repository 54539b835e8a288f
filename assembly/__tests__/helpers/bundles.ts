// Hand-built compiled bundles for engine specs (the model classes are plain; loader specs cover JSON).

import {
  Bundle, CircuitBreakerConfig, CostBasedConfig, CostSource, DescriptorKey, Estimator, KeySource, KillSwitch,
  LlmConfig, LoopAction, LoopDetectionConfig, MatchEntry, NO_EXPIRY, Policy, Rule, RuntimeOverride, Selector,
  StageAction, StagedAction, TokenBucketConfig, Algorithm,
} from "../../policy/model";

/** Parses `<source>:<name>` like the loader (header names lower-cased). */
export function key(text: string): DescriptorKey {
  const k = new DescriptorKey();
  k.text = text;
  const colon = text.indexOf(":");
  const source = text.substring(0, colon);
  const name = text.substring(colon + 1);
  if (source == "jwt") {
    k.source = KeySource.JWT;
    k.name = name;
  } else if (source == "header") {
    k.source = KeySource.HEADER;
    k.name = name.toLowerCase();
  } else if (source == "query") {
    k.source = KeySource.QUERY;
    k.name = name;
  } else if (text == "ip:address") k.source = KeySource.IP_ADDRESS;
  else if (text == "ip:country") k.source = KeySource.IP_COUNTRY;
  else if (text == "ip:asn") k.source = KeySource.IP_ASN;
  else if (text == "ip:type") k.source = KeySource.IP_TYPE;
  else if (text == "ip:tor") k.source = KeySource.IP_TOR;
  else if (text == "ua:bot") k.source = KeySource.UA_BOT;
  else if (text == "ua:bot_category") k.source = KeySource.UA_BOT_CATEGORY;
  return k;
}

export function keys(texts: string[]): DescriptorKey[] {
  const out: DescriptorKey[] = [];
  for (let i = 0; i < texts.length; i++) out.push(key(texts[i]));
  return out;
}

export function tokenBucket(rate: f64, burst: f64): TokenBucketConfig {
  const c = new TokenBucketConfig();
  c.tokensPerSecond = rate;
  c.burst = burst;
  return c;
}

export function tbRule(name: string, rate: f64, burst: f64, limitKeys: string[] = []): Rule {
  const r = new Rule();
  r.name = name;
  r.algorithm = Algorithm.TOKEN_BUCKET;
  r.tokenBucket = tokenBucket(rate, burst);
  r.limitKeys = keys(limitKeys);
  return r;
}

export function withCost(rule: Rule, source: CostSource, name: string, fixed: f64 = 1, dflt: f64 = 1): Rule {
  const c = rule.tokenBucket;
  if (c !== null) {
    c.costSource = source;
    c.costName = source == CostSource.HEADER ? name.toLowerCase() : name;
    c.fixedCost = fixed;
    c.defaultCost = dflt;
  }
  return rule;
}

/** Period names of spec 8.2 in seconds. */
export const P5M: i64 = 300;
export const P1H: i64 = 3600;
export const P1D: i64 = 86400;
export const P7D: i64 = 604800;

export function stage(threshold: f64, action: StageAction, delayMs: f64 = 0): StagedAction {
  const s = new StagedAction();
  s.thresholdPercent = threshold;
  s.action = action;
  s.delayMs = delayMs;
  return s;
}

/** cost_based config; stages default to the lone `reject at 100` the loader requires. */
export function costBased(budget: f64, period: i64, stages: StagedAction[] = []): CostBasedConfig {
  const c = new CostBasedConfig();
  c.budget = budget;
  c.periodSeconds = period;
  c.stages = stages.length > 0 ? stages : [stage(100, StageAction.REJECT)];
  return c;
}

/** The spec's 80 warn / 95 throttle (delay) / 100 reject stages. */
export function warnThrottleReject(delayMs: f64 = 200): StagedAction[] {
  return [stage(80, StageAction.WARN), stage(95, StageAction.THROTTLE, delayMs), stage(100, StageAction.REJECT)];
}

export function cbRule(name: string, config: CostBasedConfig, limitKeys: string[] = []): Rule {
  const r = new Rule();
  r.name = name;
  r.algorithm = Algorithm.COST_BASED;
  r.costBased = config;
  r.limitKeys = keys(limitKeys);
  return r;
}

/** Sets cost_key on a cost_based rule. */
export function withCostKey(rule: Rule, source: CostSource, name: string, fixed: f64 = 1, dflt: f64 = 1): Rule {
  const c = rule.costBased;
  if (c !== null) {
    c.costSource = source;
    c.costName = source == CostSource.HEADER ? name.toLowerCase() : name;
    c.fixedCost = fixed;
    c.defaultCost = dflt;
  }
  return rule;
}

/** token_bucket_llm config with the loader's defaults (burst = tpm, default completion 1000). */
export function llmConfig(tpm: f64, tpd: f64 = 0, estimator: Estimator = Estimator.SIMPLE_WORD): LlmConfig {
  const c = new LlmConfig();
  c.tokensPerMinute = tpm;
  c.burstTokens = tpm;
  c.tokensPerDay = tpd;
  c.estimator = estimator;
  return c;
}

export function llmRule(name: string, config: LlmConfig, limitKeys: string[] = []): Rule {
  const r = new Rule();
  r.name = name;
  r.algorithm = Algorithm.TOKEN_BUCKET_LLM;
  r.llm = config;
  r.limitKeys = keys(limitKeys);
  return r;
}

export function loopDetection(windowSeconds: i64, threshold: i64, action: LoopAction = LoopAction.REJECT): LoopDetectionConfig {
  const c = new LoopDetectionConfig();
  c.enabled = true;
  c.windowSeconds = windowSeconds;
  c.thresholdIdenticalRequests = threshold;
  c.action = action;
  return c;
}

export function circuitBreaker(threshold: f64, autoResetMinutes: f64 = 0, alert: bool = false): CircuitBreakerConfig {
  const c = new CircuitBreakerConfig();
  c.enabled = true;
  c.spendRateThresholdPerMinute = threshold;
  c.autoResetAfterMinutes = autoResetMinutes;
  c.alert = alert;
  return c;
}

export function withMatch(rule: Rule, keyText: string, value: string): Rule {
  const m = new MatchEntry();
  m.key = key(keyText);
  m.value = value;
  rule.match.push(m);
  rule.hasMatch = true;
  return rule;
}

export function prefixPolicy(id: string, prefix: string, rules: Rule[]): Policy {
  const p = new Policy();
  p.id = id;
  p.selector.pathPrefix = prefix.endsWith("/") ? prefix : prefix + "/";
  p.rules = rules;
  return p;
}

export function exactPolicy(id: string, exact: string, rules: Rule[]): Policy {
  const p = new Policy();
  p.id = id;
  p.selector.pathExact = exact;
  p.rules = rules;
  return p;
}

export function selectorPolicy(id: string, selector: Selector): Policy {
  const p = new Policy();
  p.id = id;
  p.selector = selector;
  p.rules = [tbRule("r-" + id, 100, 100)];
  return p;
}

export function bundleOf(policies: Policy[]): Bundle {
  const b = new Bundle();
  b.version = 1;
  b.policies = policies;
  return b;
}

export function killSwitch(scopeKey: string, scopeValue: string, route: string | null = null, expiresAt: i64 = NO_EXPIRY): KillSwitch {
  const k = new KillSwitch();
  k.scopeKey = key(scopeKey);
  k.scopeValue = scopeValue;
  k.route = route;
  k.expiresAt = expiresAt;
  return k;
}

export function runtimeOverride(enabled: bool, expiresAt: i64): RuntimeOverride {
  const o = new RuntimeOverride();
  o.enabled = enabled;
  o.reason = "maintenance";
  o.expiresAt = expiresAt;
  return o;
}

/** Seconds → nanoseconds for Engine.evaluate. */
export function ns(seconds: f64): u64 {
  return u64(seconds * 1e9);
}

/** Header value by name from a decision's flat list, or "<absent>". */
export function headerOf(headers: string[], name: string): string {
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if (headers[i] == name) return headers[i + 1];
  }
  return "<absent>";
}

/** Header names in order, joined by ",". */
export function headerNames(headers: string[]): string {
  let out = "";
  for (let i = 0; i < headers.length; i += 2) {
    if (i > 0) out += ",";
    out += headers[i];
  }
  return out;
}

/** A compact "base64url" JWT with `payloadJson` as payload (header and signature are dummies). */
export function jwt(payloadJson: string): string {
  return "eyJhbGciOiJub25lIn0." + base64UrlEncode(payloadJson) + ".c2ln";
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

export function base64UrlEncode(text: string): string {
  const bytes = Uint8Array.wrap(String.UTF8.encode(text));
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (u32(bytes[i]) << 16) | (u32(bytes[i + 1]) << 8) | u32(bytes[i + 2]);
    out += ALPHABET.charAt((n >> 18) & 63) + ALPHABET.charAt((n >> 12) & 63) + ALPHABET.charAt((n >> 6) & 63) + ALPHABET.charAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest == 1) {
    const n = u32(bytes[i]) << 16;
    out += ALPHABET.charAt((n >> 18) & 63) + ALPHABET.charAt((n >> 12) & 63);
  } else if (rest == 2) {
    const n = (u32(bytes[i]) << 16) | (u32(bytes[i + 1]) << 8);
    out += ALPHABET.charAt((n >> 18) & 63) + ALPHABET.charAt((n >> 12) & 63) + ALPHABET.charAt((n >> 6) & 63);
  }
  return out;
}
