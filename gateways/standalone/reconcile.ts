// POST /v1/reconcile {"reservation_id": "...", "usage": {...}} (issue 3 item 4). The held stream of the
// allow gets the upstream's JSON answer as Envoy would hand it to the filter: the response headers went
// through at decision time (decider.ts, a JSON 200 with more to come), so now the body `{"usage":{...}}`
// arrives with end of stream, then on_done/on_log/on_delete. The wasm reads the usage and refunds what was
// reserved and not used. Usage shapes: OpenAI prompt_tokens/completion_tokens, Anthropic
// input_tokens/output_tokens. Every answer here is the service's own JSON: nothing the wasm writes (such as
// X-Fairvisor-Decision-Info) can reach this client.
import { json } from "./answers.js";
import type { ServiceMetrics } from "./metrics.js";
import type { ReservationBook } from "./reservations.js";
import type { DecisionAnswer } from "./types.js";
import type { Logger } from "./log.js";

export interface ReconcileDeps {
  book: ReservationBook;
  metrics?: ServiceMetrics;
  log: Logger;
}

type Parsed = { id: string; usage: Record<string, unknown>; total: number } | { error: string };

export function reconcile(body: Uint8Array, deps: ReconcileDeps): DecisionAnswer {
  const parsed = parseReconcile(Buffer.from(body).toString("utf8"));
  if ("error" in parsed) return json(400, { error: "invalid_request", message: parsed.error });
  const found = deps.book.take(parsed.id);
  if (found.kind === "settled") return json(200, { status: "already_reconciled" });
  if (found.kind === "unknown") return json(404, { error: "reservation_not_found" });
  const { stream, policy, route, reserved } = found.held;
  const r = stream.onResponseBody(new TextEncoder().encode(JSON.stringify({ usage: parsed.usage })), true);
  stream.finish();
  if (r.trapped) {
    return json(503, { error: "service_unavailable" }, [["X-Fairvisor-Reason", "service_unavailable"]]);
  }
  deps.metrics?.tokensConsumed.inc({ type: "actual", policy: policy || "none", route }, parsed.total);
  // The wasm refunds reserved minus actual and never charges more (assembly/filter/README.md), so that is
  // what went unused; unknown (0) when the decision carried no reserved count.
  const unused = reserved - parsed.total;
  if (reserved > 0 && unused > 0) deps.metrics?.reservationUnused.inc({ route }, unused);
  deps.log.log("info", "reservation_reconciled", { reservation_id: parsed.id, policy: policy || null, tokens: parsed.total });
  return json(200, { status: "reconciled" });
}

export function parseReconcile(text: string): Parsed {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { error: `body must be JSON: ${(err as Error).message}` };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return { error: "body must be a JSON object" };
  const o = raw as Record<string, unknown>;
  if (typeof o.reservation_id !== "string" || o.reservation_id === "") return { error: "reservation_id must be a non-empty string" };
  const usage = o.usage;
  if (typeof usage !== "object" || usage === null || Array.isArray(usage)) return { error: "usage must be an object" };
  const u = usage as Record<string, unknown>;
  const pair = (a: string, b: string) => (a in u || b in u ? [a, b] : null);
  const names = pair("prompt_tokens", "completion_tokens") ?? pair("input_tokens", "output_tokens");
  if (!names) {
    return { error: "usage must have prompt_tokens and completion_tokens (OpenAI) or input_tokens and output_tokens (Anthropic)" };
  }
  let total = 0;
  for (const name of names) {
    const v = u[name];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) return { error: `usage.${name} must be a non-negative integer` };
    total += v;
  }
  return { id: o.reservation_id, usage: u, total };
}
