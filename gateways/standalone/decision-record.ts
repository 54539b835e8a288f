// Everything the service does with a finished decision besides answering: count it once (metrics.ts,
// project decision 15) and log it when an operator acts on it (decision-log.ts). Shared by the decision
// endpoint and the reverse proxy, so both report the same way.
import type { DecisionFacts } from "./decision-facts.js";
import { logDecision, type LoggedRequest } from "./decision-log.js";
import type { Logger } from "./log.js";
import type { ServiceMetrics } from "./metrics.js";

export interface RecordDeps {
  metrics?: ServiceMetrics;
  log: Logger;
}

export function recordDecision(deps: RecordDeps, facts: DecisionFacts, seconds: number, req: LoggedRequest): void {
  deps.metrics?.recordDecision(facts, seconds);
  logDecision(deps.log, facts, deps.metrics?.routeOf(facts.policy) ?? "none", req);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
