// GET /metrics (spec section 10) with prom-client, one registry per service so several services can share a
// process (tests). The 18 families the original registers at start-up are always listed, even when empty
// (its e2e suite requires all 18 names); each decision increments each metric once (project decision 15).
// Labels are bounded: policy ids come from the bundle, routes are the bundle's selectors (bundle-facts.ts).
// Added here: host and wasm health (traps, CAS retries, store errors, read from the wasm's own counters),
// bundle reloads by result, and the decision latency as a histogram.
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { routeOf, type BundleFacts } from "./bundle-facts.js";
import type { DecisionFacts } from "./decision-facts.js";
import { CAS_RETRIES, counterValue, STORE_ERRORS, type MetricsSource } from "./wasm-counters.js";
import type { DistributedStats } from "../distributed/index.js";

export const BUILD_VERSION = "0.1.0";

/** The part of ProxyWasmHost the health metrics read. */
export interface WasmHealth extends MetricsSource {
  readonly workers: ReadonlyArray<{ readonly failed: boolean }>;
}

export class ServiceMetrics {
  readonly registry = new Registry();
  private facts: BundleFacts | null = null;

  // ---- the 18 families of spec section 10 -------------------------------------------------------------
  readonly decisions = this.counter("fairvisor_decisions_total", "Decisions by action, deciding policy, reason and route (the policy's selector)", ["action", "policy", "reason", "route"]);
  /**
   * The reference exports a gauge holding the last decision's latency; a histogram keeps every decision
   * (quantiles, rates) and still answers "how slow was it" with one family. Seconds, wasm time only.
   */
  readonly duration = new Histogram({
    name: "fairvisor_decision_duration_seconds",
    help: "Time spent deciding (request and response callbacks through the wasm), seconds",
    labelNames: ["route", "mode"],
    buckets: [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
    registers: [this.registry],
  });
  readonly remaining = this.gauge("fairvisor_ratelimit_remaining", "RateLimit-Remaining of the last decision per policy and route", ["window", "policy", "route"]);
  readonly tokensConsumed = this.counter("fairvisor_tokens_consumed_total", "LLM tokens: reserved = what allows reserved, actual = usage reported on /v1/reconcile", ["type", "policy", "route"]);
  readonly tokensRemaining = this.gauge("fairvisor_tokens_remaining", "LLM tokens remaining per window (needs the wasm to expose it)", ["window", "policy", "route"]);
  readonly estimationAccuracy = this.gauge("fairvisor_token_estimation_accuracy_ratio", "actual / estimated tokens at reconcile (needs the wasm to expose the estimate)", ["route", "estimator"]);
  readonly reservationUnused = this.counter("fairvisor_token_reservation_unused_total", "Reserved LLM tokens refunded at /v1/reconcile (reserved minus reported usage)", ["route"]);
  readonly loopDetected = this.counter("fairvisor_loop_detected_total", "Decisions where loop detection acted (reject or warn)", ["route"]);
  readonly circuitState = this.gauge("fairvisor_circuit_state", "1 when the last decision of a policy met an open circuit breaker", ["target"]);
  readonly killSwitchActive = this.gauge("fairvisor_kill_switch_active", "1 when the last decision was a kill switch", ["scope"]);
  readonly shadowActive = this.gauge("fairvisor_shadow_mode_active", "1 when the last decision was a shadow would-reject", ["scope"]);
  readonly globalShadow = this.gauge("fairvisor_global_shadow_active", "1 when the active bundle enables global_shadow", []);
  readonly killSwitchOverride = this.gauge("fairvisor_kill_switch_override_active", "1 when the active bundle enables kill_switch_override", []);
  /** The SaaS control plane is replaced by the bundle URL (project decision 14): reachable = last pull answered. */
  readonly sourceReachable = this.gauge("fairvisor_saas_reachable", "1 when the last pull from FAIRVISOR_BUNDLE_URL got an answer", []);
  readonly sourceCalls = this.counter("fairvisor_saas_calls_total", "Calls to the bundle source (operation=config_pull)", ["operation", "status"]);
  readonly eventsSent = this.counter("fairvisor_events_sent_total", "Events sent to a control plane (none in this build)", ["status"]);
  readonly configInfo = this.gauge("fairvisor_config_info", "The enforcing bundle: version and base64 SHA-1 hash; always 1", ["version", "hash"]);
  readonly buildInfo = this.gauge("fairvisor_build_info", "Build version; always 1", ["version"]);

  // ---- host health and reloads --------------------------------------------------------------------------
  readonly reloads = this.counter("fairvisor_bundle_reloads_total", "Bundle load attempts by result", ["result"]);
  /** Set by the service to the reservation book's size; read when scraped. */
  openReservations: () => number = () => 0;
  readonly reservationsOpen: Gauge = new Gauge({
    name: "fairvisor_reservations_open",
    help: "LLM reservations waiting for /v1/reconcile",
    registers: [this.registry],
    collect: (): void => this.reservationsOpen.set(this.openReservations()),
  });
  readonly reservationsExpired = this.counter("fairvisor_reservations_expired_total", "LLM reservations never reconciled (kept charged in full)", []);

  constructor(wasm?: WasmHealth) {
    this.buildInfo.set({ version: BUILD_VERSION }, 1);
    this.globalShadow.set(0);
    this.killSwitchOverride.set(0);
    this.sourceReachable.set(0);
    if (wasm) {
      this.mirror(wasm, CAS_RETRIES, "CAS retries of counter updates (shared data), from the wasm");
      this.mirror(wasm, STORE_ERRORS, "Counter updates that failed open (store unavailable or retries exhausted), from the wasm");
      // A trap fails its VM for good (DESIGN.md section 3), so traps so far = failed VMs.
      new Counter({
        name: "fairvisor_wasm_traps_total",
        help: "wasm VM traps (each fails that VM for good; decisions move to the others, 503 when none is left)",
        registers: [this.registry],
        collect() {
          this.reset();
          const failed = wasm.workers.filter((w) => w.failed).length;
          if (failed > 0) this.inc(failed);
        },
      });
    }
  }

  /** Once per decision. */
  recordDecision(facts: DecisionFacts, seconds: number): void {
    const route = routeOf(this.facts, facts.policy);
    const policy = facts.policy || "none";
    const reason = facts.reason || "none";
    this.decisions.inc({ action: facts.action, policy, reason, route });
    this.duration.observe({ route, mode: facts.mode ?? (facts.action === "shadow_reject" ? "shadow" : "enforce") }, seconds);
    // Remaining belongs to the policy whose limiter reported it, which a shadow would-reject or an earlier
    // policy's warn does not name (decision-facts.ts limiterPolicy).
    const limiter = facts.limiterPolicy ?? facts.policy;
    if (facts.remaining !== undefined && limiter) {
      this.remaining.set({ window: "request", policy: limiter, route: routeOf(this.facts, limiter) }, facts.remaining);
    }
    if (facts.reason === "loop_detected" || facts.reason === "loop_warn") this.loopDetected.inc({ route });
    if (facts.policy) this.circuitState.set({ target: facts.policy }, facts.reason === "circuit_breaker_open" ? 1 : 0);
    this.killSwitchActive.set({ scope: "request" }, facts.reason === "kill_switch" ? 1 : 0);
    this.shadowActive.set({ scope: "request" }, facts.action === "shadow_reject" ? 1 : 0);
    // Spec 10 "LLM reservation": what the allow reserved, from the decision info; the actual side is
    // counted at /v1/reconcile (reconcile.ts).
    if (facts.reserved) this.tokensConsumed.inc({ type: "reserved", policy, route }, facts.reserved);
  }

  bundleApplied(version: number, hash: string, facts: BundleFacts): void {
    this.facts = facts;
    this.configInfo.reset();
    this.configInfo.set({ version: String(version), hash }, 1);
    this.globalShadow.set(facts.globalShadow ? 1 : 0);
    this.killSwitchOverride.set(facts.killSwitchOverride ? 1 : 0);
  }

  /**
   * The Redis store's families (--redis only): read from the runner's own stats when scraped, so they
   * cannot drift from what the store logs (gateways/distributed README "Failure behaviour").
   */
  observeStore(stats: () => DistributedStats): void {
    new Gauge({
      name: "fairvisor_store_state",
      help: "1 for the Redis link's current state (connected or degraded); both 0 while the first connection is pending",
      labelNames: ["state"],
      registers: [this.registry],
      collect() {
        const state = stats().state;
        this.set({ state: "connected" }, state === "connected" ? 1 : 0);
        this.set({ state: "degraded" }, state === "degraded" ? 1 : 0);
      },
    });
    this.storeCounter(stats, "fairvisor_store_transitions_total", "Redis link transitions: to=degraded (outage began), to=recovered (resynced, exact again)", ["to"], (s) => [
      [{ to: "degraded" }, s.transitions.degraded],
      [{ to: "recovered" }, s.transitions.recovered],
    ]);
    this.storeCounter(stats, "fairvisor_store_decisions_total", "Decisions by where they were answered: redis (exact), local, fail_open, fail_closed", ["origin"], (s) =>
      (["redis", "local", "fail_open", "fail_closed"] as const).map((origin) => [{ origin }, s.decisions[origin]]),
    );
    this.storeCounter(stats, "fairvisor_store_conflicts_total", "Commits refused because a counter changed since it was read (the decision re-ran)", [], (s) => [[{}, s.conflicts]]);
    this.storeCounter(stats, "fairvisor_store_late_commits_total", "Commits that timed out (answered by the failure mode) and were applied by Redis afterwards", [], (s) => [[{}, s.lateCommits]]);
    this.storeCounter(stats, "fairvisor_store_refunds_queued_total", "Reconciles queued while Redis was unusable (run once it is back)", [], (s) => [[{}, s.refunds.queued]]);
  }

  routeOf(policy: string): string {
    return routeOf(this.facts, policy);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** A wasm counter shown under its own name, read when scraped. */
  private mirror(wasm: MetricsSource, name: string, help: string): void {
    new Counter({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.reset();
        const v = counterValue(wasm, name);
        if (v > 0n) this.inc(Number(v));
      },
    });
  }

  /** A counter whose values are the store's stats at scrape time (labels → value). */
  private storeCounter<L extends string>(
    stats: () => DistributedStats,
    name: string,
    help: string,
    labelNames: L[],
    values: (s: DistributedStats) => Array<[Partial<Record<L, string>>, number]>,
  ): void {
    new Counter({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [labels, v] of values(stats())) this.inc(labels, v);
      },
    });
  }

  private counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private gauge<L extends string>(name: string, help: string, labelNames: L[]): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }
}
