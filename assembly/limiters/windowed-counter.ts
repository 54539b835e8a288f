// A counter that belongs to one time window: value plus the epoch second it expires at, stored as a
// PairState. Cost budgets (spec 8.2), the LLM daily counter (8.3) and the breaker's per-minute spend
// (8.6) are all "add to the counter of this window, unless that goes over a limit". The key already
// names the window, so an old window is never read again; the expiry is stored so that a later sweep
// can drop dead keys: proxy-wasm shared data has no TTL (DESIGN.md section 2, memory bound: later issue).
// A value read after its expiry counts as 0.
//
// Store protocol (engine/counter-store.ts): read → compute → write(cas) → retry on CAS_MISMATCH, at most
// MAX_CAS_ATTEMPTS rounds. Going over the limit writes nothing, which is how "the rejected request is
// not charged" (spec 8.2) holds without an undo that another worker could interleave with.

import { CounterStore, MAX_CAS_ATTEMPTS, StoreStatus } from "../engine/counter-store";
import { PairState } from "./pair-state";

@final
export class CounterUpdate {
  /** The counter after the update, or what it would have been when `over`. */
  value: f64 = 0;
  /** value > limit: nothing was written. */
  over: bool = false;
  /** Store unavailable or CAS retries exhausted: nothing is known (callers fail open). */
  failed: bool = false;
  casRetries: i32 = 0;
}

const scratch = new PairState();

/**
 * Adds `delta` (may be negative: refunds, never below 0) to the counter under `key`, unless the result
 * exceeds `limit` (pass Infinity for none). `expiresAt` is stored with a value that changes.
 */
export function addToCounter(
  store: CounterStore,
  key: string,
  delta: f64,
  limit: f64,
  expiresAt: f64,
  nowSeconds: f64,
  out: CounterUpdate,
): void {
  out.value = 0;
  out.over = false;
  out.failed = false;
  out.casRetries = 0;
  if (isNaN(delta)) delta = 0;
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const status = store.read(key);
    let cas: u32 = 0;
    let current: f64 = 0;
    if (status == StoreStatus.OK) {
      cas = store.cas;
      if (scratch.decode(store.value) && scratch.second > nowSeconds) current = max(0.0, scratch.first);
    } else if (status != StoreStatus.NOT_FOUND) {
      out.failed = true;
      return;
    }
    const next = max(0.0, current + delta);
    out.value = next;
    if (next > limit) {
      out.over = true;
      return;
    }
    if (next == current) return; // nothing to write (a refund of an empty counter, a zero delta)
    const written = store.write(key, PairState.of(next, expiresAt), cas);
    if (written == StoreStatus.OK) return;
    if (written == StoreStatus.CAS_MISMATCH) {
      out.casRetries++;
      continue;
    }
    out.failed = true;
    return;
  }
  out.failed = true;
}

/** The live value of the counter under `key` (0 when missing, malformed or expired; NaN when the store fails). */
export function readCounter(store: CounterStore, key: string, nowSeconds: f64): f64 {
  const status = store.read(key);
  if (status == StoreStatus.NOT_FOUND) return 0;
  if (status != StoreStatus.OK) return NaN;
  if (scratch.decode(store.value) && scratch.second > nowSeconds) return max(0.0, scratch.first);
  return 0;
}
