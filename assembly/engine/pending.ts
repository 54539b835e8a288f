// The pending allow of spec 7 step 5.6 / 6: a warn or a throttle remembered while evaluation goes on,
// returned after all policies if nothing rejects. A later throttle replaces an earlier one; a warn is
// kept only when nothing is pending yet; so a throttle always beats a warn. Loop `warn` (decision 4)
// takes part like a cost-stage warn. Shadow policies never make anything pending (decision 2: shadow
// leaves no trace for the client, and a delay or a warning header would be one).

export const enum PendingKind {
  NONE = 0,
  WARN = 1,
  THROTTLE = 2,
}

/** Throttle delays are capped at 30 s (spec 8.2, 8.5, 9.3). */
export const MAX_DELAY_MS: f64 = 30000;

@final
export class PendingOutcome {
  kind: PendingKind = PendingKind.NONE;
  reason: string = "";
  /** `X-Fairvisor-Warning` value ("" = none: loop throttle has no warning). */
  warning: string = "";
  delayMs: f64 = 0;
  policyId: string = "";
  ruleName: string = "";

  clear(): void {
    this.kind = PendingKind.NONE;
    this.reason = "";
    this.warning = "";
    this.delayMs = 0;
    this.policyId = "";
    this.ruleName = "";
  }

  offerWarn(reason: string, warning: string, policyId: string, ruleName: string): void {
    if (this.kind != PendingKind.NONE) return;
    this.set(PendingKind.WARN, reason, warning, 0, policyId, ruleName);
  }

  offerThrottle(reason: string, warning: string, delayMs: f64, policyId: string, ruleName: string): void {
    this.set(PendingKind.THROTTLE, reason, warning, cappedDelay(delayMs), policyId, ruleName);
  }

  private set(kind: PendingKind, reason: string, warning: string, delayMs: f64, policyId: string, ruleName: string): void {
    this.kind = kind;
    this.reason = reason;
    this.warning = warning;
    this.delayMs = delayMs;
    this.policyId = policyId;
    this.ruleName = ruleName;
  }
}

/** min(delay, 30000), 0 for NaN or negative. */
export function cappedDelay(delayMs: f64): f64 {
  if (!(delayMs > 0)) return 0;
  return min(delayMs, MAX_DELAY_MS);
}
