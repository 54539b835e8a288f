// LLM reservations of the decision service (issue 3 item 4): an allow that reserved tokens leaves its wasm
// stream open, and /v1/reconcile later feeds that stream the real usage, so the wasm refunds the unused part
// exactly as it does behind Envoy. The book is bounded in both time and size, because a gateway that never
// reconciles must not grow memory without end:
//   - after `ttlMs` an open stream is finished without a response: the wasm keeps the reservation charged
//     in full (a response without usage keeps the reservation, issue 3 item 2);
//   - past `cap` open streams, the oldest is finished the same way;
//   - settled ids are remembered for `ttlMs`, so a retried reconcile answers `already_reconciled`.
import type { HttpStream } from "../host/types.js";

export interface HeldReservation {
  stream: HttpStream;
  policy: string;
  route: string;
  /** Tokens the allow reserved (X-Fairvisor-Decision-Info); 0 when unknown. */
  reserved: number;
  expiresAt: number;
}

export interface ReservationBookOptions {
  ttlMs: number;
  cap?: number;
  now?: () => number;
  /** Told about each reservation finished unsettled (expired or evicted). */
  onExpired?: (id: string, held: HeldReservation, why: "expired" | "evicted") => void;
}

export const DEFAULT_RESERVATION_CAP = 10_000;

export type Lookup = { kind: "open"; held: HeldReservation } | { kind: "settled" } | { kind: "unknown" };

export class ReservationBook {
  /** Insertion order = expiry order (one TTL for all), so sweeping stops at the first live entry. */
  private readonly open = new Map<string, HeldReservation>();
  private readonly settled = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly cap: number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly opts: ReservationBookOptions) {
    this.ttlMs = opts.ttlMs;
    this.cap = opts.cap ?? DEFAULT_RESERVATION_CAP;
    this.now = opts.now ?? Date.now;
    const every = Math.min(Math.max(Math.floor(this.ttlMs / 4), 50), 30_000);
    this.timer = setInterval(() => this.sweep(), every);
    this.timer.unref();
  }

  get size(): number {
    return this.open.size;
  }

  hold(id: string, stream: HttpStream, policy: string, route: string, reserved = 0): void {
    this.sweep();
    // The wasm makes ids unique; a repeat would orphan the first stream, so that one is finished first.
    const previous = this.open.get(id);
    if (previous) this.expire(id, previous, "evicted");
    while (this.open.size >= this.cap) {
      const [oldId, oldest] = this.open.entries().next().value as [string, HeldReservation];
      this.expire(oldId, oldest, "evicted");
    }
    this.open.set(id, { stream, policy, route, reserved, expiresAt: this.now() + this.ttlMs });
  }

  /** Removes an open reservation for settling, or tells whether the id was already settled. */
  take(id: string): Lookup {
    this.sweep();
    const held = this.open.get(id);
    if (held) {
      this.open.delete(id);
      this.settled.set(id, this.now() + this.ttlMs);
      while (this.settled.size > this.cap) this.settled.delete(this.settled.keys().next().value as string);
      return { kind: "open", held };
    }
    return this.settled.has(id) ? { kind: "settled" } : { kind: "unknown" };
  }

  sweep(): void {
    const now = this.now();
    for (const [id, held] of this.open) {
      if (held.expiresAt > now) break;
      this.expire(id, held, "expired");
    }
    for (const [id, until] of this.settled) {
      if (until > now) break;
      this.settled.delete(id);
    }
  }

  /** Finishes every open stream unsettled (service stop) and stops the sweep. */
  close(): void {
    clearInterval(this.timer);
    for (const [id, held] of this.open) this.expire(id, held, "expired");
  }

  private expire(id: string, held: HeldReservation, why: "expired" | "evicted"): void {
    this.open.delete(id);
    // on_done/on_log/on_delete without a response body: the wasm keeps what it reserved.
    held.stream.finish();
    this.opts.onExpired?.(id, held, why);
  }
}
