// DistributedDecisionRunner: one decision = one optimistic transaction over Redis (README.md "The bridge").
//   1. run the decision's module callbacks against the local cache, recording reads and writes
//      (RedisSharedData.capture); the caller's `attempt` opens a FRESH stream each time;
//   2. hold the touched keys in this instance (key-lock.ts) — if another local decision held them, wait and
//      go back to 1 against the now fresher cache;
//   3. commit with one script that checks every read version and only then applies the writes (scripts.ts);
//      a read-only decision commits too (validation only), so no decision rests on a stale value;
//   4. on conflict the script returned the current values: refresh the cache, dispose of the attempt (its
//      open stream is finished with its writes thrown away) and go back to 1, at most maxAttempts times;
//      on a timeout or a dead connection, or when too many commits are in flight, the configured failure
//      mode answers (fail_open, fail_closed or local).
// Callbacks that cannot be re-run (response-phase refunds, reconcile) take commitOnce(): see there.
import { RedisLink, LinkError } from "./redis-link.js";
import type { RedisSharedData } from "./redis-shared-data.js";
import { KeyLocks, type KeyLock } from "./key-lock.js";
import { Transaction } from "./transaction.js";
import type { DistributedLogger, DistributedOptions } from "./types.js";
import { VersionedCache } from "./versioned-cache.js";
import { DeferredQueue } from "./deferred-queue.js";
import { LockTimeout, remaining, singleVm, sleep, withTimeout } from "./timing.js";

export type Origin = "redis" | "local" | "fail_open" | "fail_closed";

export type RunOutcome<T> =
  | { origin: "redis"; value: T; attempts: number; keys: Array<[vmId: string, key: string]> }
  | { origin: "local"; value: T; attempts: number }
  | { origin: "fail_open" | "fail_closed"; reason: string };

export interface RunOptions<T> {
  /** Releases what a discarded attempt holds (e.g. finishes its open stream); its writes are dropped. */
  dispose?: (value: T) => void;
}

export interface CommitOnceOptions {
  /**
   * Keys (vm_id, module key) the callback will touch, e.g. those of its reservation (DistributedDecider
   * remembers them): they are claimed in Redis and read fresh before the callback runs, so its commit
   * cannot lose on them.
   */
  keys?: Array<[vmId: string, key: string]>;
  /** The same effect through a FRESH callback, if the module offers one; used when the commit still conflicts. */
  replay?: () => unknown;
  /**
   * The callback has not touched anything outside the store yet and may run later: when Redis is down it is
   * queued (bounded) and run through this path once Redis is back, instead of being lost.
   */
  deferrable?: boolean;
  /** Where the request phase was decided: a refund goes where its reservation was made. Default "redis". */
  origin?: Origin;
  /** For logs (e.g. the reservation id). */
  label?: string;
}

export type CommitOnceResult = "committed" | "replayed" | "queued" | "local" | "skipped" | "lost";

type RedisAttempt<T> =
  | { ok: true; value: T; attempts: number; keys: string[] }
  | { ok: false; reason: "unavailable" | "timeout" | "shed" | "contention" | "multi_vm" };

/** Wait after losing to another transaction's claim: about one commit of theirs; grows with each loss. */
const BLOCKED_BACKOFF_MS = 1;
const MAX_BLOCKED_BACKOFF_MS = 5;

export class DistributedDecisionRunner {
  private readonly locks = new KeyLocks();
  private readonly deferred: DeferredQueue;

  constructor(
    readonly store: RedisSharedData,
    readonly link: RedisLink,
    private readonly opts: DistributedOptions,
    private readonly log: DistributedLogger,
  ) {
    link.onRecover = () => {
      store.cache.clear();
      store.resetLocal();
    };
    this.deferred = new DeferredQueue(
      {
        get usable() {
          return link.usable;
        },
        runOnce: async (fn) => (await this.runOnRedis(fn)).ok,
        commitOnce: (fn, o) => this.commitOnce(fn, o),
      },
      opts.maxQueuedRefunds,
      link.stats,
      log,
    );
    link.onRecovered = () => void this.deferred.drain();
    store.onDetachedWrite = () => queueMicrotask(() => void this.commitDetached());
  }

  get stats() {
    return this.link.stats;
  }

  get options(): DistributedOptions {
    return this.opts;
  }

  /** Callbacks waiting for Redis. */
  get queued(): number {
    return this.deferred.size;
  }

  /** Runs a re-runnable decision; `attempt` must open a fresh stream and drive it. */
  async run<T>(attempt: () => T | Promise<T>, options: RunOptions<T> = {}): Promise<RunOutcome<T>> {
    const r = await this.runOnRedis(attempt, options.dispose);
    if (r.ok) {
      this.stats.decisions.redis++;
      return { origin: "redis", value: r.value, attempts: r.attempts, keys: r.keys.map(VersionedCache.split) };
    }
    switch (this.opts.failureMode) {
      case "fail_open":
        this.stats.decisions.fail_open++;
        return { origin: "fail_open", reason: r.reason };
      case "fail_closed":
        this.stats.decisions.fail_closed++;
        return { origin: "fail_closed", reason: r.reason };
      case "local":
        this.stats.decisions.local++;
        return { origin: "local", value: await this.store.runLocal(attempt), attempts: 1 };
    }
  }

  /**
   * A callback that cannot be re-run (it drives a live stream: response-phase usage and refunds). Its
   * keys are held locally and claimed in Redis (scripts.ts CLAIM), read fresh, then the callback runs once
   * and its writes commit under the same claim. If that still fails — a key outside `keys` changed, or
   * Redis is down — the effect goes through `replay` (re-runnable), or the callback is queued (bounded) for
   * when Redis is back if `deferrable`; only when none of that is possible is it logged as lost.
   * A refund is therefore never lost silently.
   */
  async commitOnce(fn: () => unknown, options: CommitOnceOptions = {}): Promise<CommitOnceResult> {
    const origin = options.origin ?? "redis";
    const label = options.label ?? "";
    if (origin === "fail_open" || origin === "fail_closed") {
      await this.store.discard(fn); // nothing was counted for this request
      return "skipped";
    }
    if (origin === "local") {
      await this.store.runLocal(fn);
      this.stats.refunds.local++;
      return "local";
    }
    if (!this.link.usable) return this.deferred.deferOrLose(fn, options, "redis_unavailable", false);

    const deadline = performance.now() + this.opts.timeoutMs;
    const tx = new Transaction();
    const claimIds = (options.keys ?? []).map(([vm, key]) => VersionedCache.id(vm, key));
    let held: KeyLock | null = null;
    let ran = false;
    try {
      if (claimIds.length > 0) {
        held = this.locks.acquire(claimIds);
        if (!held.ready) await withTimeout(held.granted, remaining(deadline));
        await this.claim(options.keys ?? [], tx.id, deadline);
      }
      ran = true;
      await this.store.capture(fn, tx);
      if (tx.writes.size === 0) {
        this.releaseClaims(options.keys ?? [], tx.id);
        return "committed";
      }
      if (held === null || !held.covers(tx.keys())) {
        held?.release();
        held = this.locks.acquire(tx.keys());
        if (!held.ready) await withTimeout(held.granted, remaining(deadline));
      }
      const vmId = singleVm(tx);
      if (vmId !== null) {
        const result = await this.link.commit(vmId, tx, this.budget(deadline), this.fullBudget(deadline));
        if (result.ok) {
          this.store.applyCommitted(tx, result.versions);
          this.stats.refunds.committed++;
          return "committed";
        }
        this.stats.conflicts++;
        for (const s of result.stale) this.store.refresh(s.id, s.version, s.value);
      }
    } catch (err) {
      if (!(err instanceof LinkError) && !(err instanceof LockTimeout)) throw err;
      if (!ran) return this.deferred.deferOrLose(fn, options, err instanceof LinkError ? err.reason : "lock_timeout", false);
    } finally {
      held?.release();
    }
    // The callback ran and its commit failed: only a replay can still apply the effect.
    if (options.replay === undefined) return this.deferred.lose(label, "commit_failed_without_replay");
    const replay = options.replay;
    const r = await this.runOnRedis(replay);
    if (r.ok) {
      this.stats.refunds.replayed++;
      return "replayed";
    }
    return this.deferred.deferOrLose(replay, { ...options, keys: undefined }, r.reason, true);
  }

  /** Stops the link (pending commits fail into their failure mode). */
  async close(): Promise<void> {
    await this.link.close();
  }

  private async runOnRedis<T>(attempt: () => T | Promise<T>, dispose?: (value: T) => void): Promise<RedisAttempt<T>> {
    if (!this.link.usable) return { ok: false, reason: "unavailable" };
    // The budget covers the Redis part: it starts when the first run returns, so a decision the module
    // held on purpose (a throttle waits for its tick inside the callback) still gets the whole budget.
    let deadline = Infinity;
    let held: KeyLock | null = null;
    let conflicts = 0;
    let runs = 0;
    let txId: string | null = null;
    const discard = (value: T) => {
      if (dispose) this.store.discard(() => dispose(value));
    };
    try {
      for (;;) {
        const tx = new Transaction();
        // Every attempt of one decision commits under the same id, so a claim it won stays its own.
        if (txId === null) txId = tx.id;
        else tx.id = txId;
        const { value } = await this.store.capture(attempt, tx);
        runs++;
        if (deadline === Infinity) deadline = performance.now() + this.opts.timeoutMs;
        if (tx.empty) return { ok: true, value, attempts: runs, keys: [] };
        const keys = tx.keys();
        if (held === null || !held.covers(keys)) {
          held?.release();
          held = this.locks.acquire(keys);
          if (!held.ready) {
            // Another local decision is committing these keys: wait, then run again on its result.
            discard(value);
            await withTimeout(held.granted, remaining(deadline));
            continue;
          }
        }
        const vmId = singleVm(tx);
        if (vmId === null) {
          discard(value);
          return { ok: false, reason: "multi_vm" };
        }
        if (this.link.pending >= this.opts.maxPendingCommits) {
          // Bounded: a slow Redis must not pile up commits (and memory) without end.
          discard(value);
          this.stats.shed++;
          return { ok: false, reason: "shed" };
        }
        let result;
        try {
          result = await this.link.commit(vmId, tx, this.budget(deadline), this.fullBudget(deadline));
        } catch (err) {
          discard(value);
          throw err;
        }
        if (result.ok) {
          this.store.applyCommitted(tx, result.versions);
          return { ok: true, value, attempts: runs, keys };
        }
        discard(value);
        this.stats.conflicts++;
        for (const s of result.stale) this.store.refresh(s.id, s.version, s.value);
        if (++conflicts >= this.opts.maxAttempts) {
          this.stats.exhausted++;
          return { ok: false, reason: "contention" };
        }
        if (remaining(deadline) <= 0) return { ok: false, reason: "timeout" };
        // Another instance's transaction has the next turn on a key: give it time to commit rather than
        // burn attempts (and CPU on every instance) re-running against a key that is certain to refuse.
        if (result.blocked) await sleep(Math.min(BLOCKED_BACKOFF_MS * conflicts, MAX_BLOCKED_BACKOFF_MS, remaining(deadline)));
      }
    } catch (err) {
      if (err instanceof LinkError) return { ok: false, reason: err.reason === "timeout" ? "timeout" : "unavailable" };
      if (err instanceof LockTimeout) return { ok: false, reason: "timeout" };
      throw err;
    } finally {
      held?.release();
    }
  }

  private releaseClaims(keys: Array<[string, string]>, txId: string): void {
    const byVm = new Map<string, string[]>();
    for (const [vm, key] of keys) byVm.set(vm, [...(byVm.get(vm) ?? []), key]);
    for (const [vm, ks] of byVm) this.link.releaseClaims(vm, ks, txId);
  }

  /** Claims keys in Redis (retrying while another transaction holds one) and refreshes the cache. */
  private async claim(keys: Array<[string, string]>, txId: string, deadline: number): Promise<void> {
    const byVm = new Map<string, string[]>();
    for (const [vm, key] of keys) byVm.set(vm, [...(byVm.get(vm) ?? []), key]);
    for (const [vm, ks] of byVm) {
      for (;;) {
        const got = await this.link.claim(vm, ks, txId, this.budget(deadline));
        if (got !== null) {
          for (const f of got) this.store.refresh(VersionedCache.id(vm, f.key), f.version, f.value);
          break;
        }
        if (remaining(deadline) <= 0) throw new LockTimeout("claim wait timed out");
        await new Promise((r) => setTimeout(r, 1));
      }
    }
  }

  /** Time left for a Redis call: what remains of the budget, at least 1 ms. */
  private budget(deadline: number): number {
    return Math.max(1, remaining(deadline));
  }

  /** A timeout means "Redis is slow" only when the call had (nearly) the whole budget. */
  private fullBudget(deadline: number): boolean {
    return remaining(deadline) >= this.opts.timeoutMs * 0.8;
  }

  /** Writes the module made outside any transaction: applied blind (Envoy cas-0 semantics) and counted. */
  private async commitDetached(): Promise<void> {
    const tx = this.store.takeDetached();
    if (tx === null) return;
    this.stats.unwrappedWrites += tx.writes.size;
    this.log.log("warn", "redis_unwrapped_write", { keys: tx.writes.size });
    const vmId = singleVm(tx);
    if (vmId === null || !this.link.usable) return void this.deferred.lose("unwrapped_write", "redis_unavailable");
    try {
      const result = await this.link.commit(vmId, tx, this.opts.timeoutMs);
      if (result.ok) this.store.applyCommitted(tx, result.versions);
    } catch {
      this.deferred.lose("unwrapped_write", "redis_unavailable");
    }
  }
}

