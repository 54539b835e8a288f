// Two workers (two VMs, one shared-data store, Envoy CAS rules) run 20 interleaved LLM requests against
// one TPM budget (DESIGN.md section 6: counters are conserved under interleaved workers). Every step of
// every request (headers, body, response headers, each response chunk, end) is interleaved at random.
// The module must never admit past the budget, must admit whenever the budget allows, and after every
// reconciliation the bucket must hold exactly budget minus the real usage (decision 11).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { HeaderList, HttpStream } from "../gateways/host/types.js";
import { bucketTokens, cut, llmBundle, openAiStream, startHost } from "./support/fairvisor-host.js";

const BUDGET = 1000;
const RESERVED = 100; // prompt 10 (40 chars) + max_tokens 90
const KEY = "tpm:llm:tokens:shared";
const BODY = Buffer.from(JSON.stringify({ model: "m", stream: true, max_tokens: 90, messages: [{ role: "user", content: "y".repeat(40) }] }));

interface Plan {
  texts: string[];
  usage: boolean;
  sizes: number[];
}

/** Completion tokens of the plan's stream (ceil(len/4) per delta), or -1 when it goes past max_tokens 90. */
function completionOf(plan: Plan): number {
  let tokens = 0;
  for (const t of plan.texts) {
    tokens += Math.ceil(t.length / 4);
    if (tokens > 90) return -1;
  }
  return tokens;
}

/** The charge a request ends with: reported usage, else prompt estimate + counted tokens; a cut stream 10 + 90. */
function realUsage(plan: Plan): number {
  const completion = completionOf(plan);
  if (completion < 0) return 10 + 90; // cut: the usage chunk never reaches the filter
  return plan.usage ? 6 + completion : 10 + completion;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const planArb = fc.record({
  texts: fc.array(fc.string({ unit: fc.constantFrom(..."abcdefgh "), maxLength: 30 }), { maxLength: 25 }),
  usage: fc.boolean(),
  sizes: fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 4 }),
});

describe("interleaved LLM requests on two workers", () => {
  it("never admit past the TPM budget and settle to the exact real usage", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(planArb, { minLength: 20, maxLength: 20 }), fc.integer(), async (plans, seed) => {
        const t = await startHost(llmBundle({ tpm: BUDGET }), { workers: 2 });
        const charged = () => BUDGET - (bucketTokens(t, KEY) ?? BUDGET);
        const streams: HttpStream[] = [];
        const steps: Array<Array<() => void>> = [];
        let admittedUsage = 0;
        let admitted = 0;
        plans.forEach((plan, i) => {
          const stream = t.host.worker(i % 2).newStream();
          streams.push(stream);
          const usage = plan.usage ? { prompt: 6, completion: Math.max(0, completionOf(plan)) } : undefined;
          const chunks = cut(Buffer.from(openAiStream(plan.texts, usage)), plan.sizes);
          const list: Array<() => void> = [];
          let rejected = false;
          list.push(() => {
            const headers: HeaderList = [[":method", "POST"], [":path", "/v1/chat/completions"], [":authority", "a"], ["x-api-key", "shared"]];
            expect(stream.onRequestHeaders(headers, false).verdict).toBe("pause");
          });
          list.push(() => {
            const before = charged();
            stream.onRequestBody(BODY, true);
            rejected = stream.localReply !== null;
            // The module admits exactly when the reservation fits in what is left (no refill: frozen clock).
            expect(rejected).toBe(before + RESERVED > BUDGET);
            if (!rejected) {
              admitted++;
              admittedUsage += realUsage(plan);
            }
          });
          list.push(() => {
            if (!rejected) stream.onResponseHeaders([[":status", "200"], ["content-type", "text/event-stream"]], false);
          });
          chunks.forEach((chunk, k) => list.push(() => {
            if (!rejected) stream.onResponseBody(chunk, k === chunks.length - 1);
          }));
          list.push(() => stream.finish());
          steps.push(list);
        });
        const random = mulberry32(seed);
        const cursor = steps.map(() => 0);
        for (let left = steps.reduce((n, s) => n + s.length, 0); left > 0; left--) {
          let i = Math.floor(random() * steps.length);
          while (cursor[i] >= steps[i].length) i = (i + 1) % steps.length;
          steps[i][cursor[i]++]();
          expect(charged()).toBeLessThanOrEqual(BUDGET);
        }
        expect(admitted).toBeGreaterThanOrEqual(BUDGET / RESERVED);
        expect(charged()).toBe(admittedUsage);
      }),
      { numRuns: 25 },
    );
  });
});
