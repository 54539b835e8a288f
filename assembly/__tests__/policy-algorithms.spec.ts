// Proves the algorithm_config checks of spec 8.1 (token_bucket), 8.2 (cost_based, staged_actions),
// 8.3 (token_bucket_llm) and 8.7 (streaming), with exact messages, and that every documented default
// is applied in the compiled config (decision 5).
import { Algorithm, CostSource, Estimator, OnLimitExceeded, StageAction } from "../policy";
import { algoErrorOf, ruleOf } from "./policy-helpers";

const PREFIX = "policy=p1 rule=r1 invalid_algorithm_config: ";

function tb(config: string): string {
  return algoErrorOf("token_bucket", config);
}
function cb(config: string): string {
  return algoErrorOf("cost_based", config);
}
function llm(config: string): string {
  return algoErrorOf("token_bucket_llm", config);
}
function ruleWith(algorithm: string, config: string): string {
  return "{\"name\": \"r1\", \"limit_keys\": [], \"algorithm\": \"" + algorithm + "\", \"algorithm_config\": " + config + "}";
}

describe("8.1 token_bucket messages", () => {
  it("tokens_per_second or rps is required", () => {
    expect(tb("{\"burst\": 5}")).toBe(PREFIX + "tokens_per_second or rps is required");
    expect(tb("[]")).toBe(PREFIX + "tokens_per_second or rps is required");
  });
  it("tokens_per_second must be a positive number", () => {
    expect(tb("{\"tokens_per_second\": 0, \"burst\": 5}")).toBe(PREFIX + "tokens_per_second must be a positive number");
    expect(tb("{\"tokens_per_second\": \"10\", \"burst\": 5}")).toBe(PREFIX + "tokens_per_second must be a positive number");
    expect(tb("{\"tokens_per_second\": null, \"burst\": 5}")).toBe(PREFIX + "tokens_per_second must be a positive number");
    expect(tb("{\"rps\": -1, \"burst\": 5}")).toBe(PREFIX + "tokens_per_second must be a positive number");
  });
  it("burst is required", () => {
    expect(tb("{\"tokens_per_second\": 1}")).toBe(PREFIX + "burst is required");
  });
  it("burst must be a positive number", () => {
    expect(tb("{\"tokens_per_second\": 1, \"burst\": 0}")).toBe(PREFIX + "burst must be a positive number");
    expect(tb("{\"tokens_per_second\": 1, \"burst\": \"5\"}")).toBe(PREFIX + "burst must be a positive number");
  });
  it("burst must be >= tokens_per_second", () => {
    expect(tb("{\"tokens_per_second\": 10, \"burst\": 5}")).toBe(PREFIX + "burst must be >= tokens_per_second");
    expect(tb("{\"tokens_per_second\": 10, \"burst\": 10}")).toBe("");
  });
  it("cost_source must be fixed, header:<name>, or query:<name>", () => {
    expect(tb("{\"tokens_per_second\": 1, \"burst\": 5, \"cost_source\": \"body\"}")).toBe(PREFIX + "cost_source must be fixed, header:<name>, or query:<name>");
    expect(tb("{\"tokens_per_second\": 1, \"burst\": 5, \"cost_source\": \"header:\"}")).toBe(PREFIX + "cost_source must be fixed, header:<name>, or query:<name>");
    expect(tb("{\"tokens_per_second\": 1, \"burst\": 5, \"cost_source\": \"query:a b\"}")).toBe(PREFIX + "cost_source must be fixed, header:<name>, or query:<name>");
    expect(tb("{\"tokens_per_second\": 1, \"burst\": 5, \"cost_source\": 1}")).toBe(PREFIX + "cost_source must be fixed, header:<name>, or query:<name>");
  });
  it("fixed_cost must be a positive number", () => {
    expect(tb("{\"tokens_per_second\": 1, \"burst\": 5, \"fixed_cost\": 0}")).toBe(PREFIX + "fixed_cost must be a positive number");
    expect(tb("{\"tokens_per_second\": 1, \"burst\": 5, \"cost_source\": \"header:x\", \"fixed_cost\": \"2\"}")).toBe(PREFIX + "fixed_cost must be a positive number");
  });
  it("default_cost must be a positive number", () => {
    expect(tb("{\"tokens_per_second\": 1, \"burst\": 5, \"default_cost\": -2}")).toBe(PREFIX + "default_cost must be a positive number");
  });
});

describe("8.1 token_bucket compiled", () => {
  it("defaults", () => {
    const rule = ruleOf(ruleWith("token_bucket", "{\"tokens_per_second\": 50, \"burst\": 100}"));
    expect(rule.algorithm).toBe(Algorithm.TOKEN_BUCKET);
    const c = rule.tokenBucket;
    expect(c !== null).toBe(true);
    if (c !== null) {
      expect(c.tokensPerSecond).toBe(50.0);
      expect(c.burst).toBe(100.0);
      expect(c.costSource).toBe(CostSource.FIXED);
      expect(c.fixedCost).toBe(1.0);
      expect(c.defaultCost).toBe(1.0);
    }
    expect(rule.costBased === null && rule.llm === null).toBe(true);
  });
  it("rps is the rate when tokens_per_second is absent", () => {
    const c = ruleOf(ruleWith("token_bucket", "{\"rps\": 7, \"burst\": 7}")).tokenBucket;
    expect(c !== null && c.tokensPerSecond == 7.0).toBe(true);
  });
  it("tokens_per_second wins over rps", () => {
    const c = ruleOf(ruleWith("token_bucket", "{\"tokens_per_second\": 2, \"rps\": 9, \"burst\": 3}")).tokenBucket;
    expect(c !== null && c.tokensPerSecond == 2.0).toBe(true);
  });
  it("header cost names are lower-cased, query names kept (decision 8)", () => {
    const h = ruleOf(ruleWith("token_bucket", "{\"tokens_per_second\": 1, \"burst\": 5, \"cost_source\": \"header:X-Cost\", \"fixed_cost\": 3, \"default_cost\": 2}")).tokenBucket;
    expect(h !== null && h.costSource == CostSource.HEADER && h.costName == "x-cost" && h.fixedCost == 3.0 && h.defaultCost == 2.0).toBe(true);
    const q = ruleOf(ruleWith("token_bucket", "{\"tokens_per_second\": 1, \"burst\": 5, \"cost_source\": \"query:Units\"}")).tokenBucket;
    expect(q !== null && q.costSource == CostSource.QUERY && q.costName == "Units").toBe(true);
  });
});

const STAGES = "\"staged_actions\": [{\"threshold_percent\": 100, \"action\": \"reject\"}]";

describe("8.2 cost_based messages", () => {
  it("budget must be a positive number", () => {
    expect(cb("{\"period\": \"1h\"}")).toBe(PREFIX + "budget must be a positive number");
    expect(cb("{\"budget\": 0, \"period\": \"1h\"}")).toBe(PREFIX + "budget must be a positive number");
    expect(cb("{\"budget\": \"100\", \"period\": \"1h\"}")).toBe(PREFIX + "budget must be a positive number");
  });
  it("period must be one of 5m, 1h, 1d, 7d", () => {
    expect(cb("{\"budget\": 10}")).toBe(PREFIX + "period must be one of 5m, 1h, 1d, 7d");
    expect(cb("{\"budget\": 10, \"period\": \"1w\"}")).toBe(PREFIX + "period must be one of 5m, 1h, 1d, 7d");
    expect(cb("{\"budget\": 10, \"period\": 3600}")).toBe(PREFIX + "period must be one of 5m, 1h, 1d, 7d");
  });
  it("cost_key must be fixed, header:<name>, or query:<name>", () => {
    expect(cb("{\"budget\": 10, \"period\": \"1h\", \"cost_key\": \"jwt:cost\"}")).toBe(PREFIX + "cost_key must be fixed, header:<name>, or query:<name>");
    expect(cb("{\"budget\": 10, \"period\": \"1h\", \"cost_key\": null}")).toBe(PREFIX + "cost_key must be fixed, header:<name>, or query:<name>");
  });
  it("default_cost must be a positive number", () => {
    expect(cb("{\"budget\": 10, \"period\": \"1h\", \"default_cost\": 0}")).toBe(PREFIX + "default_cost must be a positive number");
  });
  it("fixed_cost must be a positive number (only when fixed)", () => {
    expect(cb("{\"budget\": 10, \"period\": \"1h\", \"fixed_cost\": 0}")).toBe(PREFIX + "fixed_cost must be a positive number");
    expect(cb("{\"budget\": 10, \"period\": \"1h\", \"cost_key\": \"header:x\", \"fixed_cost\": 0, " + STAGES + "}")).toBe("");
  });
  it("default_cost is checked before fixed_cost", () => {
    expect(cb("{\"budget\": 10, \"period\": \"1h\", \"fixed_cost\": 0, \"default_cost\": 0}")).toBe(PREFIX + "default_cost must be a positive number");
  });
  it("staged_actions must be a non-empty table", () => {
    expect(cb("{\"budget\": 10, \"period\": \"1h\"}")).toBe(PREFIX + "staged_actions must be a non-empty table");
    expect(cb("{\"budget\": 10, \"period\": \"1h\", \"staged_actions\": []}")).toBe(PREFIX + "staged_actions must be a non-empty table");
    expect(cb("{\"budget\": 10, \"period\": \"1h\", \"staged_actions\": {\"a\": 1}}")).toBe(PREFIX + "staged_actions must be a non-empty table");
    expect(cb("{\"budget\": 10, \"period\": \"1h\", \"staged_actions\": \"x\"}")).toBe(PREFIX + "staged_actions must be a non-empty table");
  });
  it("staged_action must be a table", () => {
    expect(cb("{\"budget\": 10, \"period\": \"1h\", \"staged_actions\": [\"reject\"]}")).toBe(PREFIX + "staged_action must be a table");
  });
  it("threshold_percent must be between 0 and 100", () => {
    expect(cb("{\"budget\": 10, \"period\": \"1h\", \"staged_actions\": [{\"threshold_percent\": 101, \"action\": \"reject\"}]}")).toBe(PREFIX + "threshold_percent must be between 0 and 100");
    expect(cb("{\"budget\": 10, \"period\": \"1h\", \"staged_actions\": [{\"threshold_percent\": -1, \"action\": \"warn\"}]}")).toBe(PREFIX + "threshold_percent must be between 0 and 100");
    expect(cb("{\"budget\": 10, \"period\": \"1h\", \"staged_actions\": [{\"action\": \"warn\"}]}")).toBe(PREFIX + "threshold_percent must be between 0 and 100");
    expect(cb("{\"budget\": 10, \"period\": \"1h\", \"staged_actions\": [{\"threshold_percent\": \"50\", \"action\": \"warn\"}]}")).toBe(PREFIX + "threshold_percent must be between 0 and 100");
  });
  it("action must be one of warn, throttle, reject", () => {
    expect(cb("{\"budget\": 10, \"period\": \"1h\", \"staged_actions\": [{\"threshold_percent\": 50, \"action\": \"block\"}]}")).toBe(PREFIX + "action must be one of warn, throttle, reject");
  });
  it("delay_ms must be a positive number for throttle action", () => {
    expect(cb("{\"budget\": 10, \"period\": \"1h\", \"staged_actions\": [{\"threshold_percent\": 50, \"action\": \"throttle\"}]}")).toBe(PREFIX + "delay_ms must be a positive number for throttle action");
    expect(cb("{\"budget\": 10, \"period\": \"1h\", \"staged_actions\": [{\"threshold_percent\": 50, \"action\": \"throttle\", \"delay_ms\": 0}]}")).toBe(PREFIX + "delay_ms must be a positive number for throttle action");
  });
  it("staged_actions thresholds must be strictly ascending (equal thresholds)", () => {
    expect(cb("{\"budget\": 10, \"period\": \"1h\", \"staged_actions\": [{\"threshold_percent\": 80, \"action\": \"warn\"}, {\"threshold_percent\": 80, \"action\": \"warn\"}, {\"threshold_percent\": 100, \"action\": \"reject\"}]}")).toBe(PREFIX + "staged_actions thresholds must be strictly ascending");
  });
  it("staged_actions must include reject at 100%", () => {
    expect(cb("{\"budget\": 10, \"period\": \"1h\", \"staged_actions\": [{\"threshold_percent\": 80, \"action\": \"warn\"}]}")).toBe(PREFIX + "staged_actions must include reject at 100%");
    expect(cb("{\"budget\": 10, \"period\": \"1h\", \"staged_actions\": [{\"threshold_percent\": 90, \"action\": \"reject\"}]}")).toBe(PREFIX + "staged_actions must include reject at 100%");
    expect(cb("{\"budget\": 10, \"period\": \"1h\", \"staged_actions\": [{\"threshold_percent\": 100, \"action\": \"warn\"}]}")).toBe(PREFIX + "staged_actions must include reject at 100%");
  });
  it("unsorted stages are sorted before the ascending check", () => {
    expect(cb("{\"budget\": 10, \"period\": \"1h\", \"staged_actions\": [{\"threshold_percent\": 100, \"action\": \"reject\"}, {\"threshold_percent\": 80, \"action\": \"warn\"}]}")).toBe("");
  });
  it("every entry is checked before sorting", () => {
    expect(cb("{\"budget\": 10, \"period\": \"1h\", \"staged_actions\": [{\"threshold_percent\": 100, \"action\": \"reject\"}, {\"threshold_percent\": 100, \"action\": \"nope\"}]}")).toBe(PREFIX + "action must be one of warn, throttle, reject");
  });
});

describe("8.2 cost_based compiled", () => {
  it("stages sorted ascending, periods in seconds, defaults", () => {
    const rule = ruleOf(ruleWith("cost_based", "{\"budget\": 5000, \"period\": \"5m\", \"staged_actions\": [{\"threshold_percent\": 100, \"action\": \"reject\"}, {\"threshold_percent\": 95, \"action\": \"throttle\", \"delay_ms\": 200}, {\"threshold_percent\": 80, \"action\": \"warn\"}]}"));
    expect(rule.algorithm).toBe(Algorithm.COST_BASED);
    const c = rule.costBased;
    expect(c !== null).toBe(true);
    if (c !== null) {
      expect(c.budget).toBe(5000.0);
      expect(c.periodSeconds).toBe(300);
      expect(c.costSource).toBe(CostSource.FIXED);
      expect(c.fixedCost).toBe(1.0);
      expect(c.defaultCost).toBe(1.0);
      expect(c.stages.length).toBe(3);
      expect(c.stages[0].thresholdPercent).toBe(80.0);
      expect(c.stages[0].action).toBe(StageAction.WARN);
      expect(c.stages[0].delayMs).toBe(0.0);
      expect(c.stages[1].thresholdPercent).toBe(95.0);
      expect(c.stages[1].action).toBe(StageAction.THROTTLE);
      expect(c.stages[1].delayMs).toBe(200.0);
      expect(c.stages[2].action).toBe(StageAction.REJECT);
    }
  });
  it("every period", () => {
    const periods = ["5m", "1h", "1d", "7d"];
    const seconds: i64[] = [300, 3600, 86400, 604800];
    for (let i = 0; i < periods.length; i++) {
      const c = ruleOf(ruleWith("cost_based", "{\"budget\": 1, \"period\": \"" + periods[i] + "\", " + STAGES + "}")).costBased;
      expect(c !== null && c.periodSeconds == seconds[i]).toBe(true);
    }
  });
  it("header cost key", () => {
    const c = ruleOf(ruleWith("cost_based", "{\"budget\": 1, \"period\": \"1d\", \"cost_key\": \"header:X-Units\", \"default_cost\": 4, " + STAGES + "}")).costBased;
    expect(c !== null && c.costSource == CostSource.HEADER && c.costName == "x-units" && c.defaultCost == 4.0).toBe(true);
  });
});

describe("8.3 token_bucket_llm messages", () => {
  it("tokens_per_minute must be a positive number", () => {
    expect(llm("{}")).toBe(PREFIX + "tokens_per_minute must be a positive number");
    expect(llm("{\"tokens_per_minute\": \"1000\"}")).toBe(PREFIX + "tokens_per_minute must be a positive number");
  });
  it("tokens_per_day must be a positive number", () => {
    expect(llm("{\"tokens_per_minute\": 100, \"tokens_per_day\": 0}")).toBe(PREFIX + "tokens_per_day must be a positive number");
  });
  it("burst_tokens must be a positive number", () => {
    expect(llm("{\"tokens_per_minute\": 100, \"burst_tokens\": -1}")).toBe(PREFIX + "burst_tokens must be a positive number");
  });
  it("burst_tokens must be >= tokens_per_minute", () => {
    expect(llm("{\"tokens_per_minute\": 100, \"burst_tokens\": 99}")).toBe(PREFIX + "burst_tokens must be >= tokens_per_minute");
  });
  it("max_tokens_per_request must be a positive number", () => {
    expect(llm("{\"tokens_per_minute\": 100, \"max_tokens_per_request\": 0}")).toBe(PREFIX + "max_tokens_per_request must be a positive number");
  });
  it("max_prompt_tokens must be a positive number", () => {
    expect(llm("{\"tokens_per_minute\": 100, \"max_prompt_tokens\": \"5\"}")).toBe(PREFIX + "max_prompt_tokens must be a positive number");
  });
  it("max_completion_tokens must be a positive number", () => {
    expect(llm("{\"tokens_per_minute\": 100, \"max_completion_tokens\": null}")).toBe(PREFIX + "max_completion_tokens must be a positive number");
  });
  it("default_max_completion must be a positive number", () => {
    expect(llm("{\"tokens_per_minute\": 100, \"default_max_completion\": 0}")).toBe(PREFIX + "default_max_completion must be a positive number");
  });
  it("token_source must be a table", () => {
    expect(llm("{\"tokens_per_minute\": 100, \"token_source\": \"simple_word\"}")).toBe(PREFIX + "token_source must be a table");
  });
  it("token_source.estimator must be a string", () => {
    expect(llm("{\"tokens_per_minute\": 100, \"token_source\": {\"estimator\": 1}}")).toBe(PREFIX + "token_source.estimator must be a string");
  });
  it("token_source.estimator must be simple_word or header_hint", () => {
    expect(llm("{\"tokens_per_minute\": 100, \"token_source\": {\"estimator\": \"tiktoken\"}}")).toBe(PREFIX + "token_source.estimator must be simple_word or header_hint");
  });
  it("the order follows the reference", () => {
    expect(llm("{\"tokens_per_minute\": 100, \"max_prompt_tokens\": 0, \"tokens_per_day\": 0}")).toBe(PREFIX + "tokens_per_day must be a positive number");
    expect(llm("{\"tokens_per_minute\": 100, \"default_max_completion\": 0, \"max_completion_tokens\": 0}")).toBe(PREFIX + "max_completion_tokens must be a positive number");
  });
});

describe("8.7 streaming block", () => {
  it("streaming config must be a table", () => {
    expect(llm("{\"tokens_per_minute\": 100, \"streaming\": true}")).toBe(PREFIX + "streaming config must be a table");
  });
  it("streaming.enabled must be a boolean", () => {
    expect(llm("{\"tokens_per_minute\": 100, \"streaming\": {\"enabled\": 1}}")).toBe(PREFIX + "streaming.enabled must be a boolean");
  });
  it("streaming.enforce_mid_stream must be a boolean", () => {
    expect(llm("{\"tokens_per_minute\": 100, \"streaming\": {\"enforce_mid_stream\": \"no\"}}")).toBe(PREFIX + "streaming.enforce_mid_stream must be a boolean");
  });
  it("streaming.buffer_tokens must be a positive number", () => {
    expect(llm("{\"tokens_per_minute\": 100, \"streaming\": {\"buffer_tokens\": 0}}")).toBe(PREFIX + "streaming.buffer_tokens must be a positive number");
  });
  it("streaming.on_limit_exceeded must be graceful_close or error_chunk", () => {
    expect(llm("{\"tokens_per_minute\": 100, \"streaming\": {\"on_limit_exceeded\": \"drop\"}}")).toBe(PREFIX + "streaming.on_limit_exceeded must be graceful_close or error_chunk");
  });
  it("streaming.include_partial_usage must be a boolean", () => {
    expect(llm("{\"tokens_per_minute\": 100, \"streaming\": {\"include_partial_usage\": 0}}")).toBe(PREFIX + "streaming.include_partial_usage must be a boolean");
  });
  it("is checked after token_source", () => {
    expect(llm("{\"tokens_per_minute\": 100, \"streaming\": 1, \"token_source\": 1}")).toBe(PREFIX + "token_source must be a table");
  });
  it("compiles", () => {
    const c = ruleOf(ruleWith("token_bucket_llm", "{\"tokens_per_minute\": 100, \"streaming\": {\"enabled\": false, \"enforce_mid_stream\": false, \"buffer_tokens\": 50, \"on_limit_exceeded\": \"error_chunk\", \"include_partial_usage\": false}}")).llm;
    expect(c !== null).toBe(true);
    if (c !== null) {
      const s = c.streaming;
      expect(s.enabled).toBe(false);
      expect(s.enforceMidStream).toBe(false);
      expect(s.bufferTokens).toBe(50.0);
      expect(s.onLimitExceeded).toBe(OnLimitExceeded.ERROR_CHUNK);
      expect(s.includePartialUsage).toBe(false);
    }
  });
});

describe("8.3 token_bucket_llm compiled", () => {
  it("defaults applied (decision 5)", () => {
    const rule = ruleOf(ruleWith("token_bucket_llm", "{\"tokens_per_minute\": 6000}"));
    expect(rule.algorithm).toBe(Algorithm.TOKEN_BUCKET_LLM);
    const c = rule.llm;
    expect(c !== null).toBe(true);
    if (c !== null) {
      expect(c.tokensPerMinute).toBe(6000.0);
      expect(c.tokensPerDay).toBe(0.0);
      expect(c.burstTokens).toBe(6000.0);
      expect(c.maxTokensPerRequest).toBe(0.0);
      expect(c.maxPromptTokens).toBe(0.0);
      expect(c.maxCompletionTokens).toBe(0.0);
      expect(c.defaultMaxCompletion).toBe(1000.0);
      expect(c.estimator).toBe(Estimator.SIMPLE_WORD);
      expect(c.streaming.enabled).toBe(true);
      expect(c.streaming.enforceMidStream).toBe(true);
      expect(c.streaming.bufferTokens).toBe(100.0);
      expect(c.streaming.onLimitExceeded).toBe(OnLimitExceeded.GRACEFUL_CLOSE);
      expect(c.streaming.includePartialUsage).toBe(true);
    }
  });
  it("every field", () => {
    const c = ruleOf(ruleWith("token_bucket_llm", "{\"tokens_per_minute\": 100, \"tokens_per_day\": 5000, \"burst_tokens\": 150, \"max_tokens_per_request\": 90, \"max_prompt_tokens\": 60, \"max_completion_tokens\": 40, \"default_max_completion\": 30, \"token_source\": {\"estimator\": \"header_hint\"}}")).llm;
    expect(c !== null).toBe(true);
    if (c !== null) {
      expect(c.tokensPerDay).toBe(5000.0);
      expect(c.burstTokens).toBe(150.0);
      expect(c.maxTokensPerRequest).toBe(90.0);
      expect(c.maxPromptTokens).toBe(60.0);
      expect(c.maxCompletionTokens).toBe(40.0);
      expect(c.defaultMaxCompletion).toBe(30.0);
      expect(c.estimator).toBe(Estimator.HEADER_HINT);
    }
  });
  it("an empty token_source keeps simple_word", () => {
    const c = ruleOf(ruleWith("token_bucket_llm", "{\"tokens_per_minute\": 100, \"token_source\": {}}")).llm;
    expect(c !== null && c.estimator == Estimator.SIMPLE_WORD).toBe(true);
  });
});
