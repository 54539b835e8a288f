// Decision-service LLM reconciliation (issue 3 item 4) through the real wasm: the POST /v1/decision body is
// the original request's body, an LLM allow carries X-Fairvisor-Reservation, and POST /v1/reconcile settles
// the reservation so the wasm refunds the unused part. Issue 3's acceptance numbers: TPM 1,000 (burst
// 1,000), header_hint estimate 20 + max_tokens 300 = 320 reserved each; three fit, the fourth is
// tpm_exceeded; once the three reconcile at 100 completion tokens (120 charged each) a fourth fits with no
// time passing.
import { afterEach, describe, expect, it } from "vitest";
import type { DecisionService } from "../gateways/standalone/service.js";
import { startService, until, type Started } from "./support/service-harness.js";

const running: DecisionService[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

const LLM_BUNDLE = JSON.stringify({
  bundle_version: 1,
  policies: [
    {
      id: "llm",
      spec: {
        selector: { pathPrefix: "/v1/chat/" },
        rules: [
          {
            name: "tpm",
            limit_keys: ["header:x-api-key"],
            algorithm: "token_bucket_llm",
            algorithm_config: { tokens_per_minute: 1000, burst_tokens: 1000, token_source: { estimator: "header_hint" } },
          },
        ],
      },
    },
  ],
});
/** V8's own message for a parse error (its wording changes between Node versions). */
function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("parsed");
}
const CHAT = JSON.stringify({ model: "gpt-4o", max_tokens: 300, messages: [{ role: "user", content: "hello" }] });

async function start(config: Record<string, unknown> = {}): Promise<Started> {
  const s = await startService(LLM_BUNDLE, config);
  running.push(s.service);
  return s;
}
const decide = (s: Started) =>
  fetch(`${s.base}/v1/decision`, {
    method: "POST",
    headers: { "x-original-method": "POST", "x-original-uri": "/v1/chat/completions", "x-api-key": "team-a", "x-token-estimate": "20", "content-type": "application/json" },
    body: CHAT,
  });
/** Reconcile answers are the service's own JSON; the wasm's decision info must not leak into them either. */
const reconcile = (s: Started, body: unknown) =>
  fetch(`${s.base}/v1/reconcile`, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) }).then(
    async (r) => {
      expect(r.headers.get("x-fairvisor-decision-info")).toBeNull();
      return [r.status, await r.json()] as [number, unknown];
    },
  );

describe("LLM reservations through the decision service", () => {
  it("three reservations of 320 fit in 1,000, the fourth is tpm_exceeded; reconciling at 120 each frees room", async () => {
    const s = await start();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await decide(s);
      expect(r.status).toBe(200);
      expect(r.headers.get("x-fairvisor-decision-info")).toBeNull();
      const id = r.headers.get("x-fairvisor-reservation");
      expect(id).toMatch(/\S/);
      ids.push(id as string);
    }
    expect(new Set(ids).size).toBe(3);
    const fourth = await decide(s);
    expect([fourth.status, fourth.headers.get("x-fairvisor-reason")]).toEqual([429, "tpm_exceeded"]);
    expect(s.service.metrics && (await (await fetch(`${s.base}/metrics`)).text())).toContain("fairvisor_reservations_open 3");
    for (const id of ids) {
      expect(await reconcile(s, { reservation_id: id, usage: { prompt_tokens: 20, completion_tokens: 100 } })).toEqual([200, { status: "reconciled" }]);
    }
    // 1,000 - 3 × 120 = 640 left: a fifth reservation of 320 fits with no time passing.
    expect((await decide(s)).status).toBe(200);
    const text = await (await fetch(`${s.base}/metrics`)).text();
    expect(text).toContain('fairvisor_tokens_consumed_total{type="actual",policy="llm",route="/v1/chat/"} 360');
    // Reserved, from the decision info: four allows of 320 (the 429 reserved nothing).
    expect(text).toContain('fairvisor_tokens_consumed_total{type="reserved",policy="llm",route="/v1/chat/"} 1280');
    // Three reconciles, each 320 reserved and 120 used.
    expect(text).toContain('fairvisor_token_reservation_unused_total{route="/v1/chat/"} 600');
  });

  it("reconcile is idempotent; unknown ids are 404; bad bodies are 400 with a precise message", async () => {
    const s = await start();
    const id = (await decide(s)).headers.get("x-fairvisor-reservation") as string;
    const usage = { input_tokens: 20, output_tokens: 5 }; // Anthropic's names
    expect(await reconcile(s, { reservation_id: id, usage })).toEqual([200, { status: "reconciled" }]);
    expect(await reconcile(s, { reservation_id: id, usage })).toEqual([200, { status: "already_reconciled" }]);
    expect(await reconcile(s, { reservation_id: "nope", usage })).toEqual([404, { error: "reservation_not_found" }]);
    const bad: Array<[unknown, string]> = [
      ["{", `body must be JSON: ${jsonError("{")}`],
      ["[]", "body must be a JSON object"],
      [{ usage }, "reservation_id must be a non-empty string"],
      [{ reservation_id: id }, "usage must be an object"],
      [{ reservation_id: id, usage: { total_tokens: 5 } }, "usage must have prompt_tokens and completion_tokens (OpenAI) or input_tokens and output_tokens (Anthropic)"],
      [{ reservation_id: id, usage: { prompt_tokens: 1, completion_tokens: -2 } }, "usage.completion_tokens must be a non-negative integer"],
      [{ reservation_id: id, usage: { prompt_tokens: "1", completion_tokens: 2 } }, "usage.prompt_tokens must be a non-negative integer"],
    ];
    for (const [body, message] of bad) expect(await reconcile(s, body)).toEqual([400, { error: "invalid_request", message }]);
    expect((await fetch(`${s.base}/v1/reconcile`)).status).toBe(405);
  });

  it("an expired reservation is finished unsettled: it stays charged in full and its id is unknown", async () => {
    const s = await start({ reservationTtlMs: 150 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await decide(s)).headers.get("x-fairvisor-reservation") as string);
    await until(() => s.log.events("reservation_expired").length === 3);
    expect(await reconcile(s, { reservation_id: ids[0], usage: { prompt_tokens: 1, completion_tokens: 1 } })).toEqual([404, { error: "reservation_not_found" }]);
    // Nothing was refunded: 3 × 320 = 960 still charged.
    expect((await decide(s)).status).toBe(429);
    const text = await (await fetch(`${s.base}/metrics`)).text();
    expect(text).toContain("fairvisor_reservations_expired_total 3");
  });
});
