// Proves the engine side of token_bucket_llm (spec 8.3, project decision 10): the acceptance example
// (header_hint 20 + max_tokens 300 = 320 reserved against TPM 1,000; three admitted, the fourth
// tpm_exceeded; reconciling the three at 120 each admits a new one at once), reject headers and error
// details for every reason, the Reservation pushed on allow, body shapes (OpenAI chat with string and
// array content, completions, Anthropic with system + tools, the responses API), the estimator and its
// fallbacks, the completion cap, streaming detection, needsBody, and shadow.
import { Engine, EngineOptions } from "../engine/engine";
import { Action, Decision, Reservation } from "../engine/decision";
import { jsonTextLength } from "../engine/llm-request";
import { parseJson } from "../json";
import { Estimator, LlmConfig, Policy, Rule } from "../policy/model";
import {
  bundleOf, circuitBreaker, exactPolicy, headerNames, headerOf, jwt, killSwitch, llmConfig, llmRule, ns,
  prefixPolicy, tbRule, withMatch,
} from "./helpers/bundles";
import { FakeRequest } from "./helpers/fake-request";
import { MapStore } from "./helpers/map-store";

const NOW: f64 = 1767571200 + 3600; // 2026-01-05 01:00:00 UTC
const out = new Decision();
const CHAT = "/v1/chat/completions";

function engineOf(policies: Policy[]): Engine {
  return new Engine(bundleOf(policies), new EngineOptions());
}

function llmPolicy(id: string, rule: Rule): Policy {
  return exactPolicy(id, CHAT, [rule]);
}

function chat(body: string): FakeRequest {
  return new FakeRequest("POST", CHAT).with("x-org", "acme").withBody(body);
}

/** Prompt and completion reserved for `body` under `config` (one fresh engine and store). */
function reserve(config: LlmConfig, request: FakeRequest): Reservation {
  const engine = engineOf([llmPolicy("p", llmRule("r", config, ["header:x-org"]))]);
  engine.evaluate(request, ns(NOW), new MapStore(), out);
  if (out.reservations.length == 0) return new Reservation();
  return out.reservations[0];
}

// Module-level state: AssemblyScript has no closures.
const acceptanceEngine = engineOf([llmPolicy("llmp", llmRule("r", llmConfig(1000, 0, Estimator.HEADER_HINT), ["header:x-org"]))]);
const acceptanceStore = new MapStore();
const admitted: Reservation[] = [];
function acceptanceRequest(): FakeRequest {
  return chat("{\"model\":\"m\",\"max_tokens\":300,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
    .with("x-token-estimate", "20");
}

describe("acceptance example (TPM 1,000, header_hint 20, max_tokens 300)", () => {

  it("admits three requests, each reserving 320", () => {
    for (let i = 0; i < 3; i++) {
      acceptanceEngine.evaluate(acceptanceRequest(), ns(NOW), acceptanceStore, out);
      expect(out.action).toBe(Action.ALLOW);
      expect(out.reason).toBe("all_rules_passed");
      expect(headerNames(out.headers)).toBe("RateLimit");
      expect(headerOf(out.headers, "RateLimit")).toBe("\"llmp\";r=0;t=1");
      expect(out.reservations.length).toBe(1);
      const r = out.reservations[0];
      expect(r.reserved).toBe(320);
      expect(r.promptTokens).toBe(20);
      expect(r.completionTokens).toBe(300);
      admitted.push(r);
    }
    const r = admitted[0];
    expect(r.policyId).toBe("llmp");
    expect(r.ruleName).toBe("r");
    expect(r.tpmKey).toBe("tpm:llm:r:acme");
    expect(r.tpdKey).toBe("");
    expect(r.shadow).toBe(false);
    expect(r.streaming).toBe(false);
    expect(r.tpmRatePerSecond).toBe(1000.0 / 60);
    expect(r.tpmBurst).toBe(1000);
    expect(r.breakerKey).toBe("");
  });
  it("rejects the fourth with tpm_exceeded: RateLimit-Limit, raw reset 17, details", () => {
    acceptanceEngine.evaluate(acceptanceRequest(), ns(NOW), acceptanceStore, out);
    expect(out.action).toBe(Action.REJECT);
    expect(out.status).toBe(429);
    expect(out.reason).toBe("tpm_exceeded");
    expect(out.reservations.length).toBe(0);
    expect(headerNames(out.headers)).toBe("Retry-After,RateLimit-Limit,RateLimit-Reset,RateLimit,X-Fairvisor-Reason");
    expect(headerOf(out.headers, "RateLimit-Limit")).toBe("1000");
    expect(headerOf(out.headers, "RateLimit-Reset")).toBe("17");
    expect(headerOf(out.headers, "RateLimit")).toBe("\"llmp\";r=0;t=17");
    expect(out.retryAfter >= 17 && out.retryAfter <= 26).toBe(true);
    expect(headerOf(out.headers, "X-Fairvisor-Reason")).toBe("tpm_exceeded");
    expect(out.errorDetails).toBe("{\"reason\":\"tpm_exceeded\",\"limit\":1000,\"requested\":320}");
  });
  it("after reconciling the three at 20 + 100 each, a new 320 request is admitted with no time passing", () => {
    for (let i = 0; i < 3; i++) {
      expect(acceptanceEngine.reconcile(admitted[i], 20, 100, ns(NOW), acceptanceStore)).toBe(200);
    }
    acceptanceEngine.evaluate(acceptanceRequest(), ns(NOW), acceptanceStore, out);
    expect(out.action).toBe(Action.ALLOW);
    expect(out.reservations.length).toBe(1);
  });
});

describe("LLM reject reasons through the engine", () => {
  it("prompt_tokens_exceeded: limit header, reset = jittered Retry-After, t=1, details", () => {
    const c = llmConfig(1000);
    c.maxPromptTokens = 2;
    const engine = engineOf([llmPolicy("llmp", llmRule("r", c))]);
    engine.evaluate(chat("{\"prompt\":\"abcdefghijkl\"}"), ns(NOW), new MapStore(), out);
    expect(out.reason).toBe("prompt_tokens_exceeded");
    expect(headerNames(out.headers)).toBe("Retry-After,RateLimit-Limit,RateLimit-Reset,RateLimit,X-Fairvisor-Reason");
    expect(headerOf(out.headers, "RateLimit-Reset")).toBe(headerOf(out.headers, "Retry-After"));
    expect(out.retryAfter >= 1 && out.retryAfter <= 2).toBe(true);
    expect(headerOf(out.headers, "RateLimit")).toBe("\"llmp\";r=0;t=1");
    expect(out.errorDetails).toBe("{\"reason\":\"prompt_tokens_exceeded\",\"limit\":2,\"requested\":3}");
  });
  it("max_tokens_per_request_exceeded", () => {
    const c = llmConfig(1000);
    c.maxTokensPerRequest = 100;
    const engine = engineOf([llmPolicy("llmp", llmRule("r", c))]);
    engine.evaluate(chat("{\"prompt\":\"abcd\",\"max_tokens\":100}"), ns(NOW), new MapStore(), out);
    expect(out.reason).toBe("max_tokens_per_request_exceeded");
    expect(out.errorDetails).toBe("{\"reason\":\"max_tokens_per_request_exceeded\",\"limit\":100,\"requested\":101}");
  });
  it("tpd_exceeded: RateLimit-Limit = tokens_per_day, reset at the next UTC midnight", () => {
    const engine = engineOf([llmPolicy("llmp", llmRule("r", llmConfig(1000, 500), ["header:x-org"]))]);
    const store = new MapStore();
    const body = "{\"prompt\":\"abcd\",\"max_tokens\":299}";
    engine.evaluate(chat(body), ns(NOW), store, out);
    expect(out.reservations[0].tpdKey).toBe("tpd:llm:r:acme:20260105");
    engine.evaluate(chat(body), ns(NOW), store, out);
    expect(out.reason).toBe("tpd_exceeded");
    expect(headerOf(out.headers, "RateLimit-Limit")).toBe("500");
    expect(headerOf(out.headers, "RateLimit-Reset")).toBe("82800");
    expect(out.errorDetails).toBe("{\"reason\":\"tpd_exceeded\",\"limit\":500,\"requested\":300}");
    // The next UTC day has a fresh counter; the refund kept the TPM bucket at 700.
    engine.evaluate(chat(body), ns(NOW + 82800), store, out);
    expect(out.action).toBe(Action.ALLOW);
    expect(out.reservations[0].tpdKey).toBe("tpd:llm:r:acme:20260106");
  });
  it("reconcile refunds today's TPD so a later request fits again", () => {
    const engine = engineOf([llmPolicy("llmp", llmRule("r", llmConfig(1000, 500), ["header:x-org"]))]);
    const store = new MapStore();
    const body = "{\"prompt\":\"abcd\",\"max_tokens\":299}";
    engine.evaluate(chat(body), ns(NOW), store, out);
    const r = out.reservations[0];
    expect(engine.reconcile(r, 1, 49, ns(NOW + 1), store)).toBe(250);
    engine.evaluate(chat(body), ns(NOW + 2), store, out);
    expect(out.action).toBe(Action.ALLOW);
  });
  it("a reject in a later policy drops the reservations of earlier ones", () => {
    const engine = engineOf([
      llmPolicy("a", llmRule("r", llmConfig(100000))),
      exactPolicy("b", CHAT, [tbRule("t", 1, 1)]),
    ]);
    const store = new MapStore();
    engine.evaluate(chat("{}"), ns(NOW), store, out);
    expect(out.reservations.length).toBe(1);
    engine.evaluate(chat("{}"), ns(NOW), store, out);
    expect(out.action).toBe(Action.REJECT);
    expect(out.reservations.length).toBe(0);
  });
});

describe("LLM body shapes", () => {
  it("OpenAI chat with string content", () => {
    const r = reserve(llmConfig(100000), chat("{\"model\":\"gpt\",\"messages\":[{\"role\":\"system\",\"content\":\"You are helpful.\"},{\"role\":\"user\",\"content\":\"Hello there!\"}],\"max_tokens\":50}"));
    expect(r.promptTokens).toBe(7); // ceil((16 + 12) / 4)
    expect(r.completionTokens).toBe(50);
  });
  it("OpenAI chat with array content (text parts only)", () => {
    const r = reserve(llmConfig(100000), chat("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"abcd\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"http://x/y.png\"}},{\"type\":\"text\",\"text\":\"efghij\"}]}]}"));
    expect(r.promptTokens).toBe(3); // ceil(10 / 4)
    expect(r.completionTokens).toBe(1000); // default_max_completion
  });
  it("counts escaped characters once", () => {
    const r = reserve(llmConfig(100000), chat("{\"messages\":[{\"role\":\"user\",\"content\":\"a\\u00e9\\n\\\"\"}]}"));
    expect(r.promptTokens).toBe(1); // 4 characters
  });
  it("Anthropic messages with system, tools and max_tokens", () => {
    const tool = "{\"name\":\"calc\",\"description\":\"Adds \\\"two\\\" numbers\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"number\"}},\"required\":[\"a\"]}}";
    const r = reserve(llmConfig(100000), chat("{\"model\":\"claude\",\"system\":\"Be brief.\",\"max_tokens\":1024,\"tools\":[" + tool + "],\"messages\":[{\"role\":\"user\",\"content\":\"What is 2+2?\"}]}"));
    expect(r.promptTokens).toBe(40); // ceil((9 + 12 + 139) / 4)
    expect(r.completionTokens).toBe(1024);
  });
  it("Anthropic system as text parts and tool_result content", () => {
    const r = reserve(llmConfig(100000), chat("{\"system\":[{\"type\":\"text\",\"text\":\"abcd\"}],\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t1\",\"content\":[{\"type\":\"text\",\"text\":\"efgh\"}]}]}]}"));
    expect(r.promptTokens).toBe(2); // ceil(8 / 4)
  });
  it("the tool text length is its compact JSON text", () => {
    const v = parseJson("{ \"a\" : [1, 2.5, true, null, \"x\\ty\"], \"b\": {} }").value;
    expect(v !== null).toBe(true);
    if (v !== null) expect(jsonTextLength(v)).toBe(37); // {"a":[1,2.5,true,null,"x\ty"],"b":{}}
  });
  it("OpenAI responses API: input string and max_output_tokens", () => {
    const r = reserve(llmConfig(100000), chat("{\"model\":\"gpt-4.1\",\"input\":\"Tell me a joke\",\"max_output_tokens\":64}"));
    expect(r.promptTokens).toBe(4); // ceil(14 / 4)
    expect(r.completionTokens).toBe(64);
  });
  it("OpenAI responses API: input items with input_text parts", () => {
    const r = reserve(llmConfig(100000), chat("{\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"hello\"}]},\"plain\"]}"));
    expect(r.promptTokens).toBe(3); // ceil(10 / 4)
  });
  it("completions: prompt string; max_completion_tokens wins over max_tokens", () => {
    const r = reserve(llmConfig(100000), chat("{\"prompt\":\"abcdefgh\",\"max_tokens\":5,\"max_completion_tokens\":7}"));
    expect(r.promptTokens).toBe(2);
    expect(r.completionTokens).toBe(7);
  });
  it("caps the requested completion at max_completion_tokens; ignores non-positive values", () => {
    const c = llmConfig(100000);
    c.maxCompletionTokens = 256;
    expect(reserve(c, chat("{\"prompt\":\"\",\"max_tokens\":4096}")).completionTokens).toBe(256);
    expect(reserve(c, chat("{\"prompt\":\"\"}")).completionTokens).toBe(256); // default 1000, capped
    const d = llmConfig(100000);
    d.defaultMaxCompletion = 30;
    expect(reserve(d, chat("{\"max_tokens\":0}")).completionTokens).toBe(30);
    expect(reserve(d, chat("{\"max_tokens\":\"12\"}")).completionTokens).toBe(30);
    expect(reserve(d, chat("{\"max_tokens\":12.2}")).completionTokens).toBe(13);
  });
  it("streaming: stream true in the body, or Accept: text/event-stream", () => {
    expect(reserve(llmConfig(100000), chat("{\"stream\":true}")).streaming).toBe(true);
    expect(reserve(llmConfig(100000), chat("{\"stream\":false}")).streaming).toBe(false);
    expect(reserve(llmConfig(100000), chat("{\"stream\":\"true\"}")).streaming).toBe(false);
    expect(reserve(llmConfig(100000), chat("{}").with("accept", "text/event-stream")).streaming).toBe(true);
  });
});

describe("LLM prompt estimator fallbacks", () => {
  it("a body that is not JSON: ceil(bytes / 4)", () => {
    expect(reserve(llmConfig(100000), chat("hello world!!")).promptTokens).toBe(4);
    expect(reserve(llmConfig(100000), chat("héllo")).promptTokens).toBe(2); // 6 bytes
  });
  it("JSON without prompt fields: ceil(bytes / 4)", () => {
    expect(reserve(llmConfig(100000), chat("{\"foo\":\"bar\"}")).promptTokens).toBe(4);
    expect(reserve(llmConfig(100000), chat("[1,2,3]")).promptTokens).toBe(2);
  });
  it("an empty or absent body: 0", () => {
    expect(reserve(llmConfig(100000), chat("")).promptTokens).toBe(0);
    expect(reserve(llmConfig(100000), new FakeRequest("POST", CHAT).with("x-org", "acme")).promptTokens).toBe(0);
  });
  it("header_hint: ceil of a numeric X-Token-Estimate, else simple_word", () => {
    const c = llmConfig(100000, 0, Estimator.HEADER_HINT);
    expect(reserve(c, chat("{\"prompt\":\"abcd\"}").with("x-token-estimate", "12.2")).promptTokens).toBe(13);
    expect(reserve(c, chat("{\"prompt\":\"abcd\"}").with("x-token-estimate", "many")).promptTokens).toBe(1);
    expect(reserve(c, chat("{\"prompt\":\"abcd\"}").with("x-token-estimate", "-5")).promptTokens).toBe(1);
    expect(reserve(c, chat("{\"prompt\":\"abcd\"}")).promptTokens).toBe(1);
  });
  it("simple_word ignores X-Token-Estimate", () => {
    expect(reserve(llmConfig(100000), chat("{\"prompt\":\"abcd\"}").with("x-token-estimate", "500")).promptTokens).toBe(1);
  });
  it("scans at most 1 MiB: a larger body counts as 262144 tokens", () => {
    const big = new ArrayBuffer((1 << 20) + 100);
    const r = reserve(llmConfig(1e9), new FakeRequest("POST", CHAT).with("x-org", "acme").withBodyBytes(big));
    expect(r.promptTokens).toBe(262144);
  });
});

describe("needsBody", () => {
  it("is true when an LLM rule would run", () => {
    const engine = engineOf([llmPolicy("p", llmRule("r", llmConfig(1000), ["header:x-org"]))]);
    expect(engine.needsBody(new FakeRequest("POST", CHAT).with("x-org", "a"), ns(NOW))).toBe(true);
  });
  it("is false off the route, with a missing limit key, or for token_bucket rules only", () => {
    const engine = engineOf([
      llmPolicy("p", llmRule("r", llmConfig(1000), ["header:x-org"])),
      prefixPolicy("q", "/other/", [tbRule("t", 1, 1)]),
    ]);
    expect(engine.needsBody(new FakeRequest("POST", "/v1/embeddings").with("x-org", "a"), ns(NOW))).toBe(false);
    expect(engine.needsBody(new FakeRequest("POST", CHAT), ns(NOW))).toBe(false);
    expect(engine.needsBody(new FakeRequest("POST", "/other/x").with("x-org", "a"), ns(NOW))).toBe(false);
  });
  it("follows rule selection: a fallback LLM rule only when no rule applies", () => {
    const p = exactPolicy("p", CHAT, [withMatch(tbRule("t", 1, 1, ["header:x-plan"]), "header:x-plan", "free")]);
    p.fallback = llmRule("fb", llmConfig(1000));
    const engine = engineOf([p]);
    expect(engine.needsBody(new FakeRequest("POST", CHAT).with("x-plan", "free"), ns(NOW))).toBe(false);
    expect(engine.needsBody(new FakeRequest("POST", CHAT).with("x-plan", "pro"), ns(NOW))).toBe(true);
  });
  it("is true when a breaker counts an LLM first rule; false under a kill switch", () => {
    const p = llmPolicy("p", llmRule("r", llmConfig(1000), ["header:x-org"]));
    p.circuitBreaker = circuitBreaker(100);
    const b = bundleOf([p]);
    b.killSwitches = [killSwitch("header:x-org", "blocked")];
    const engine = new Engine(b, new EngineOptions());
    expect(engine.needsBody(new FakeRequest("POST", CHAT), ns(NOW))).toBe(true);
    expect(engine.needsBody(new FakeRequest("POST", CHAT).with("x-org", "blocked"), ns(NOW))).toBe(false);
  });
});

describe("LLM in shadow", () => {
  it("a would-reject answers like an LLM allow; the reservation lives in the shadow namespace", () => {
    const p = llmPolicy("s", llmRule("r", llmConfig(100), ["header:x-org"]));
    p.shadow = true;
    const engine = engineOf([p]);
    const store = new MapStore();
    engine.evaluate(chat("{\"max_tokens\":60}"), ns(NOW), store, out);
    expect(out.reservations.length).toBe(1);
    expect(out.reservations[0].shadow).toBe(true);
    expect(out.reservations[0].tpmKey).toBe("tpm:shadow:llm:r:acme");
    engine.evaluate(chat("{\"max_tokens\":60}"), ns(NOW), store, out);
    expect(out.status).toBe(200);
    expect(out.reason).toBe("");
    expect(out.wouldRejectReason).toBe("tpm_exceeded");
    expect(out.errorDetails).toBe("");
    expect(headerNames(out.headers)).toBe("RateLimit");
    expect(headerOf(out.headers, "RateLimit")).toBe("\"s\";r=0;t=1");
    expect(out.reservations.length).toBe(0);
  });
  it("jwt limit keys work for LLM rules", () => {
    const engine = engineOf([llmPolicy("p", llmRule("r", llmConfig(100000), ["jwt:org_id"]))]);
    const req = new FakeRequest("POST", CHAT).with("authorization", "Bearer " + jwt("{\"org_id\":\"o1\"}")).withBody("{}");
    engine.evaluate(req, ns(NOW), new MapStore(), out);
    expect(out.reservations[0].tpmKey).toBe("tpm:llm:r:o1");
  });
});
