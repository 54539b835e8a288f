// The decision service's decider over Redis (the seam: standalone's EndpointDeps.decider). Each decision
// goes through the runner, which re-runs it on a fresh stream after a conflict and finishes the discarded
// attempt's open stream with its writes thrown away. A Redis failure answers per failure mode: fail_open =
// a plain allow (200, no RateLimit headers: nothing was counted), fail_closed = 503 store_unavailable.
// For an LLM allow it remembers which keys the reservation touched and where it was decided, so that
// /v1/reconcile (reconcile()) can claim exactly those keys before feeding the held stream its usage.
import { allowFacts, rejectFacts } from "../standalone/decision-facts.js";
import type { DecisionOutcome } from "../standalone/decider.js";
import type { DecisionAnswer, DecisionInput } from "../standalone/types.js";
import type { DistributedDecisionRunner, Origin } from "./decision-runner.js";

export interface AsyncDecider {
  decide(input: DecisionInput, body: Uint8Array | null): Promise<DecisionOutcome>;
}

interface ReservationRecord {
  keys: Array<[string, string]>;
  origin: Origin;
}

/** Same bound as the service's ReservationBook (DEFAULT_RESERVATION_CAP): a record never outlives its stream by much. */
const MAX_RECORDS = 10_000;
const encoder = new TextEncoder();

export class DistributedDecider implements AsyncDecider {
  private readonly reservations = new Map<string, ReservationRecord>();

  constructor(private readonly inner: AsyncDecider, private readonly runner: DistributedDecisionRunner) {}

  async decide(input: DecisionInput, body: Uint8Array | null): Promise<DecisionOutcome> {
    const outcome = await this.runner.run(() => this.inner.decide(input, body), {
      dispose: (o) => o.openStream?.finish(),
    });
    if (outcome.origin === "redis" || outcome.origin === "local") {
      const id = outcome.value.facts.reservationId;
      if (id && outcome.value.openStream) this.remember(id, { keys: outcome.origin === "redis" ? outcome.keys : [], origin: outcome.origin });
      return outcome.value;
    }
    if (outcome.origin === "fail_open") {
      // The service's own fact builders, so the decision is logged and counted like any other.
      const headers: Array<[string, string]> = [["X-Fairvisor-Degraded", "fail_open"]];
      return { answer: { status: 200, headers, body: new Uint8Array(0) }, facts: allowFacts(headers, false), openStream: null };
    }
    const answer = storeUnavailable();
    return { answer, facts: rejectFacts(503, "store_unavailable", answer.headers), openStream: null };
  }

  /**
   * /v1/reconcile through the non-rerunnable path: `run` feeds the held stream (standalone reconcile.ts).
   * Redis down: the reconcile is queued (202 {"status":"queued"}) and runs once Redis is back, while the
   * reservation is still held by the service's book.
   */
  async reconcile(body: Uint8Array, run: () => DecisionAnswer): Promise<DecisionAnswer> {
    const id = reservationIdOf(body);
    if (id === null) return run(); // malformed: reconcile answers 400 without touching any stream
    // Unknown here (e.g. evicted): still a transaction, so a refund is validated, never written blind.
    const record = this.reservations.get(id) ?? { keys: [], origin: "redis" as const };
    let answer: DecisionAnswer | null = null;
    const result = await this.runner.commitOnce(() => (answer = run()), {
      keys: record.keys,
      origin: record.origin,
      label: id,
      deferrable: true,
    });
    if (answer !== null) {
      // Settled (or logged as lost, after running): the record is no longer needed.
      this.reservations.delete(id);
      return answer;
    }
    if (result === "queued") {
      return { status: 202, headers: [["Content-Type", "application/json"]], body: encoder.encode(JSON.stringify({ status: "queued" })) };
    }
    this.reservations.delete(id);
    return storeUnavailable();
  }

  private remember(id: string, record: ReservationRecord): void {
    this.reservations.delete(id);
    this.reservations.set(id, record);
    while (this.reservations.size > MAX_RECORDS) this.reservations.delete(this.reservations.keys().next().value as string);
  }
}

function storeUnavailable(): DecisionAnswer {
  return {
    status: 503,
    headers: [
      ["Content-Type", "application/json"],
      ["X-Fairvisor-Reason", "store_unavailable"],
    ],
    body: encoder.encode(JSON.stringify({ error: "store_unavailable" })),
  };
}

function reservationIdOf(body: Uint8Array): string | null {
  try {
    const v = JSON.parse(Buffer.from(body).toString("utf8")) as { reservation_id?: unknown };
    return typeof v?.reservation_id === "string" && v.reservation_id !== "" ? v.reservation_id : null;
  } catch {
    return null;
  }
}
