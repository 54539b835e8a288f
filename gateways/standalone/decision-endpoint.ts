// /v1/decision from the front's DecisionInput to the answer: the wasm decides (decider.ts); this counts
// and logs the decision once, holds the stream of an LLM allow for /v1/reconcile, sleeps a throttle's delay
// before answering (spec 9.3 "200 after sleeping delay_ms", capped at 30 s), and adds the debug headers
// for a valid debug session (spec 9.7).
import type { DecisionOutcome } from "./decider.js";
import { recordDecision, sleep, type RecordDeps } from "./decision-record.js";
import { debugHeaders, type DebugSessions } from "./debug-session.js";
import type { ReservationBook } from "./reservations.js";
import type { DecisionAnswer, DecisionInput } from "./types.js";

export interface EndpointDeps extends RecordDeps {
  decider: { decide(input: DecisionInput, body: Uint8Array | null): Promise<DecisionOutcome> };
  book?: ReservationBook;
  debug?: DebugSessions;
}

export async function decisionEndpoint(input: DecisionInput, body: Uint8Array | null, deps: EndpointDeps): Promise<DecisionAnswer> {
  const started = performance.now();
  const { answer, facts, openStream } = await deps.decider.decide(input, body);
  const seconds = (performance.now() - started) / 1000;
  recordDecision(deps, facts, seconds, input);
  if (openStream) {
    if (deps.book) deps.book.hold(facts.reservationId, openStream, facts.policy, deps.metrics?.routeOf(facts.policy) ?? "none", facts.reserved ?? 0);
    // No book (a service built without one): nobody can reconcile, so the reservation stays charged.
    else openStream.finish();
  }
  if (facts.delayMs > 0) await sleep(facts.delayMs);
  if (!deps.debug?.valid(input.headers)) return answer;
  return { ...answer, headers: [...answer.headers, ...debugHeaders(facts, Math.round(seconds * 1e6))] };
}
