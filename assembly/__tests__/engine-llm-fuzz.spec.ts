// Proves that no request body or header traps the engine on the new paths (STYLE.md "nothing traps"):
// random bytes, invalid UTF-8, JSON fragments built from the LLM field names, deep nesting and truncation,
// against a bundle with token_bucket_llm (both estimators, every cap), cost_based with header and query
// costs, loop detection and a circuit breaker whose first rule is the LLM rule. Each decision is checked
// for a consistent shape, and every reservation is reconciled with random usage.
import { Engine, EngineOptions } from "../engine/engine";
import { Action, Decision } from "../engine/decision";
import { CostSource, Estimator, LoopAction } from "../policy/model";
import {
  bundleOf, cbRule, circuitBreaker, costBased, exactPolicy, llmConfig, llmRule, loopDetection, ns, P5M,
  prefixPolicy, warnThrottleReject, withCostKey,
} from "./helpers/bundles";
import { FakeRequest } from "./helpers/fake-request";
import { MapStore } from "./helpers/map-store";

let seed: u32 = 0x2545f491;
function next(): u32 {
  seed ^= seed << 13;
  seed ^= seed >> 17;
  seed ^= seed << 5;
  return seed;
}
function pick(n: i32): i32 {
  return i32(next() % u32(n));
}

const PIECES: string[] = [
  "{", "}", "[", "]", ":", ",", "\"messages\"", "\"content\"", "\"text\"", "\"system\"", "\"prompt\"", "\"input\"",
  "\"tools\"", "\"max_tokens\"", "\"max_completion_tokens\"", "\"max_output_tokens\"", "\"stream\"", "true", "false",
  "null", "-1", "0", "1e309", "4096", "2.5", "\"role\"", "\"user\"", "\"hi \\u00e9\\n\"", "\"\\ud800\"", " ", "\"",
  "\\", "{\"type\":\"text\",\"text\":\"abc\"}", "[[[[[[[[", "]]]]]]]]",
];

function randomJsonish(): string {
  const n = pick(40);
  let s = pick(3) == 0 ? "" : "{";
  for (let i = 0; i < n; i++) s += PIECES[pick(PIECES.length)];
  return s;
}

function randomBytes(): ArrayBuffer {
  const n = pick(200);
  const buf = new ArrayBuffer(n);
  const view = Uint8Array.wrap(buf);
  for (let i = 0; i < n; i++) view[i] = u8(next());
  return buf;
}

function deep(): string {
  const d = pick(400);
  return "{\"messages\":" + "[".repeat(d) + "\"x\"" + "]".repeat(pick(d + 1)) + "}";
}

const estimate = llmConfig(5000, 20000, Estimator.HEADER_HINT);
estimate.maxPromptTokens = 3000;
estimate.maxTokensPerRequest = 4500;
estimate.maxCompletionTokens = 2000;
const plain = llmConfig(3000, 0, Estimator.SIMPLE_WORD);

const chatPolicy = exactPolicy("chat", "/v1/chat/completions", [
  llmRule("hint", estimate, ["header:x-org"]),
  llmRule("words", plain),
]);
chatPolicy.circuitBreaker = circuitBreaker(50000, 1, true);
chatPolicy.loopDetection = loopDetection(5, 3, LoopAction.WARN);
const budget = prefixPolicy("budget", "/v1/", [
  withCostKey(cbRule("hdr", costBased(500, P5M, warnThrottleReject(50)), ["header:x-org"]), CostSource.HEADER, "x-cost"),
  withCostKey(cbRule("qry", costBased(800, P5M)), CostSource.QUERY, "units"),
]);
const engine = new Engine(bundleOf([chatPolicy, budget]), new EngineOptions());
const store = new MapStore();
const out = new Decision();

const ORGS: string[] = ["a", "b", "", "c|d"];
const HINTS: string[] = ["12", "-3", "abc", "1e400", "0x10", " 7 ", "nan", ""];

describe("fuzz: random bodies and LLM headers", () => {
  it("never traps and always yields a consistent decision", () => {
    let now: f64 = 1800000000;
    for (let i = 0; i < 3000; i++) {
      now += f64(pick(2000)) / 1000;
      const path = pick(4) == 0 ? "/v1/chat/completions?units=" + pick(300).toString() : "/v1/chat/completions";
      const req = new FakeRequest("POST", path);
      const org = ORGS[pick(ORGS.length)];
      if (org.length > 0) req.with("x-org", org);
      if (pick(2) == 0) req.with("x-token-estimate", HINTS[pick(HINTS.length)]);
      if (pick(3) == 0) req.with("x-cost", HINTS[pick(HINTS.length)]);
      if (pick(5) == 0) req.with("accept", "text/event-stream");
      const kind = pick(5);
      if (kind == 0) req.withBodyBytes(randomBytes());
      else if (kind == 1) req.withBody(deep());
      else if (kind == 2) {
        const full = randomJsonish();
        req.withBody(full.substring(0, pick(full.length + 1)));
      } else if (kind == 3) req.withBody(randomJsonish());
      engine.needsBody(req, ns(now));
      engine.evaluate(req, ns(now), store, out);
      const okStatus = (out.action == Action.REJECT && out.status == 429) || (out.action != Action.REJECT && out.status == 200);
      expect(okStatus).toBe(true);
      expect(out.headers.length % 2).toBe(0);
      expect(out.delayMs >= 0 && out.delayMs <= 30000).toBe(true);
      if (out.action == Action.REJECT) expect(out.reservations.length).toBe(0);
      for (let k = 0; k < out.reservations.length; k++) {
        const r = out.reservations[k];
        expect(r.reserved >= 0).toBe(true);
        const refunded = engine.reconcile(r, f64(pick(3000)) - 100, f64(pick(3000)), ns(now), store);
        expect(refunded >= 0 && refunded <= r.reserved).toBe(true);
        if (r.breakerKey.length > 0) engine.recordSpend(r.policyId, f64(pick(200)) - 100, ns(now), store, r.breakerKey);
      }
    }
  });
});
