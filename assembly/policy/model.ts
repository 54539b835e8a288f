// The compiled policy bundle: plain classes built once by the loader (assembly/policy/loader.ts)
// and only read by the engine (assembly/engine/). Nothing here parses or allocates per request.
// Field meanings follow ../shared/spec/reference.md sections 2, 5 and 8; defaults are the documented
// ones (project decision 5: every default is applied, unlike the reference's shallow copy bug).

/** Where a descriptor value comes from (spec 5.1). */
export const enum KeySource {
  JWT = 1,
  HEADER = 2,
  QUERY = 3,
  IP_ADDRESS = 4,
  IP_COUNTRY = 5,
  IP_ASN = 6,
  IP_TYPE = 7,
  IP_TOR = 8,
  UA_BOT = 9,
  UA_BOT_CATEGORY = 10,
}

/** One parsed `<source>:<name>` key, e.g. `header:x-api-key`. */
@final
export class DescriptorKey {
  /** The key exactly as written in the bundle (used in counter keys, fingerprints, debug headers). */
  text: string = "";
  source: KeySource = KeySource.HEADER;
  /** The name part. For HEADER it is lower-cased; JWT and QUERY keep their case. Empty for ip:/ua:. */
  name: string = "";
}

export const enum Algorithm {
  TOKEN_BUCKET = 1,
  COST_BASED = 2,
  TOKEN_BUCKET_LLM = 3,
}

/** `cost_source` / `cost_key`: fixed, header:<name> or query:<name>. */
export const enum CostSource {
  FIXED = 0,
  HEADER = 1,
  QUERY = 2,
}

@final
export class TokenBucketConfig {
  tokensPerSecond: f64 = 0; // `tokens_per_second`, or `rps` when absent
  burst: f64 = 0;
  costSource: CostSource = CostSource.FIXED;
  /** Header names are lower-cased; query names keep their case. */
  costName: string = "";
  fixedCost: f64 = 1;
  defaultCost: f64 = 1;
}

export const enum StageAction {
  WARN = 1,
  THROTTLE = 2,
  REJECT = 3,
}

@final
export class StagedAction {
  thresholdPercent: f64 = 0;
  action: StageAction = StageAction.WARN;
  delayMs: f64 = 0; // > 0 for THROTTLE, 0 otherwise
}

@final
export class CostBasedConfig {
  budget: f64 = 0;
  /** 300, 3600, 86400 or 604800. */
  periodSeconds: i64 = 0;
  costSource: CostSource = CostSource.FIXED;
  costName: string = "";
  fixedCost: f64 = 1;
  defaultCost: f64 = 1;
  /** Sorted ascending by threshold; always ends with REJECT at 100. */
  stages: StagedAction[] = [];
}

export const enum Estimator {
  SIMPLE_WORD = 1,
  HEADER_HINT = 2,
}

export const enum OnLimitExceeded {
  GRACEFUL_CLOSE = 1,
  ERROR_CHUNK = 2,
}

/** `algorithm_config.streaming` (spec 8.7), defaults applied. */
@final
export class StreamingConfig {
  enabled: bool = true;
  enforceMidStream: bool = true;
  bufferTokens: f64 = 100;
  onLimitExceeded: OnLimitExceeded = OnLimitExceeded.GRACEFUL_CLOSE;
  includePartialUsage: bool = true;
}

@final
export class LlmConfig {
  tokensPerMinute: f64 = 0;
  /** 0 = no daily cap. */
  tokensPerDay: f64 = 0;
  /** Defaults to tokensPerMinute. */
  burstTokens: f64 = 0;
  /** 0 = unset for the three caps below. */
  maxTokensPerRequest: f64 = 0;
  maxPromptTokens: f64 = 0;
  maxCompletionTokens: f64 = 0;
  defaultMaxCompletion: f64 = 1000;
  estimator: Estimator = Estimator.SIMPLE_WORD;
  streaming: StreamingConfig = new StreamingConfig();
}

/** One `match` entry of a rule: the descriptor named by `key` must equal `value` as a string. */
@final
export class MatchEntry {
  key: DescriptorKey = new DescriptorKey();
  value: string = "";
  /**
   * false when the bundle's value is null, an array or an object: the reference compares Lua
   * tostring() of it, an address, so such an entry never matches (value is then "").
   */
  comparable: bool = true;
}

@final
export class Rule {
  /** `fallback_limit` without a name gets "rule" here (spec 5.4: unnamed fallbacks share a bucket). */
  name: string = "";
  limitKeys: DescriptorKey[] = [];
  algorithm: Algorithm = Algorithm.TOKEN_BUCKET;
  /** Exactly one of the three configs is non-null, the one named by `algorithm`. */
  tokenBucket: TokenBucketConfig | null = null;
  costBased: CostBasedConfig | null = null;
  llm: LlmConfig | null = null;
  /** Empty when the rule has no `match`. */
  match: MatchEntry[] = [];
  hasMatch: bool = false;
}

export const enum LoopAction {
  REJECT = 1,
  THROTTLE = 2,
  WARN = 3,
}

@final
export class LoopDetectionConfig {
  enabled: bool = false;
  windowSeconds: i64 = 0;
  thresholdIdenticalRequests: i64 = 0;
  action: LoopAction = LoopAction.REJECT;
}

@final
export class CircuitBreakerConfig {
  enabled: bool = false;
  spendRateThresholdPerMinute: f64 = 0;
  /** 0 = never resets on its own (project decision 5). */
  autoResetAfterMinutes: f64 = 0;
  alert: bool = false;
}

@final
export class Selector {
  /** Normalised (spec 2.2); empty = any host. */
  hosts: string[] = [];
  /** null when absent or not starting with "/" (then ignored, spec 6). */
  pathExact: string | null = null;
  /** With a trailing "/" added; null when absent or invalid. */
  pathPrefix: string | null = null;
  /** null = any method. Non-string and empty entries are dropped. */
  methods: string[] | null = null;
  /** `methods` present but not an array: nothing matches (spec 6). */
  methodsInvalid: bool = false;
}

@final
export class Policy {
  /** 1-based position in the bundle's `policies`. */
  position: i32 = 0;
  id: string = "";
  selector: Selector = new Selector();
  /** `spec.mode == "shadow"`. */
  shadow: bool = false;
  rules: Rule[] = [];
  fallback: Rule | null = null;
  loopDetection: LoopDetectionConfig | null = null;
  circuitBreaker: CircuitBreakerConfig | null = null;
}

/** Sentinel for "no expiry" in epoch-seconds fields. */
export const NO_EXPIRY: i64 = i64.MIN_VALUE;

@final
export class KillSwitch {
  scopeKey: DescriptorKey = new DescriptorKey();
  scopeValue: string = "";
  /** null = any route. */
  route: string | null = null;
  reason: string = "";
  /** Epoch seconds, or NO_EXPIRY. */
  expiresAt: i64 = NO_EXPIRY;
}

/** `global_shadow` / `kill_switch_override` (spec 2.3). Active while enabled and expiresAt > now. */
@final
export class RuntimeOverride {
  enabled: bool = false;
  reason: string = "";
  expiresAt: i64 = NO_EXPIRY;
}

@final
export class Bundle {
  version: f64 = 0;
  issuedAt: i64 = NO_EXPIRY;
  expiresAt: i64 = NO_EXPIRY;
  /** Valid policies only, in bundle order. */
  policies: Policy[] = [];
  killSwitches: KillSwitch[] = [];
  globalShadow: RuntimeOverride | null = null;
  killSwitchOverride: RuntimeOverride | null = null;
  /** True when any limit key, match key, fallback key or kill-switch scope uses `ua:` (spec 2.6). */
  needsUserAgent: bool = false;
  /** Counts from the raw bundle, for `fairvisor validate` ("Valid: <P> policies, <R> rules"). */
  rawPolicyCount: i32 = 0;
  rawRuleCount: i32 = 0;
}

/** What the loader returns: either a fatal error (bundle refused) or a bundle plus dropped-policy errors. */
@final
export class LoadResult {
  /** null when the whole bundle is refused. */
  bundle: Bundle | null = null;
  /** The top-level error when refused, e.g. "bundle_version must be a positive number". */
  fatalError: string = "";
  /** One message per dropped policy (spec 2.2), e.g. "policy=p1: missing selector". */
  policyErrors: string[] = [];
}
