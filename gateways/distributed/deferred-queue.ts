// Effects that could not reach Redis, waiting for it to come back (bounded; DistributedDecisionRunner
// .commitOnce): a reconcile that had not run yet (run later through the claim path), or the re-runnable
// replay of one that had. Drained in order on recovery; an item that keeps losing is dropped after
// MAX_DRAIN_ROUNDS drains, and everything dropped or refused is logged as lost: never silently.
import type { CommitOnceOptions, CommitOnceResult } from "./decision-runner.js";
import type { DistributedLogger, DistributedStats } from "./types.js";
import { sleep } from "./timing.js";

const MAX_DRAIN_ROUNDS = 5;

interface Deferred {
  fn: () => unknown;
  options: CommitOnceOptions;
  /** True for a replay (re-runnable: goes through run), false for a callback not yet run (goes through commitOnce). */
  isReplay: boolean;
  rounds: number;
}

/** What the queue needs from the runner. */
export interface QueueRunner {
  readonly usable: boolean;
  /** Re-runnable path; true when committed on Redis. */
  runOnce(fn: () => unknown): Promise<boolean>;
  commitOnce(fn: () => unknown, options: CommitOnceOptions): Promise<CommitOnceResult>;
}

export class DeferredQueue {
  private readonly items: Deferred[] = [];
  private draining = false;

  constructor(
    private readonly runner: QueueRunner,
    private readonly max: number,
    private readonly stats: DistributedStats,
    private readonly log: DistributedLogger,
  ) {}

  get size(): number {
    return this.items.length;
  }

  /** Queues `fn` (a callback not yet run when `deferrable`, else its replay), or logs it as lost. */
  deferOrLose(fn: () => unknown, options: CommitOnceOptions, reason: string, isReplay: boolean): CommitOnceResult {
    const label = options.label ?? "";
    if (!isReplay && !options.deferrable) {
      if (options.replay === undefined) return this.lose(label, reason);
      return this.deferOrLose(options.replay, { ...options, keys: undefined }, reason, true);
    }
    if (this.items.length >= this.max) return this.lose(label, "queue_full");
    this.items.push({ fn, options, isReplay, rounds: 0 });
    this.stats.refunds.queued++;
    this.log.log("warn", "redis_refund_queued", { label, reason, queued: this.items.length });
    if (this.runner.usable) queueMicrotask(() => void this.drain());
    return "queued";
  }

  lose(label: string, reason: string): CommitOnceResult {
    this.stats.refunds.lost++;
    this.log.log("error", "redis_refund_lost", { label, reason });
    return "lost";
  }

  /** Runs the queue in order once Redis is back; stops at the first outage. */
  async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.items.length > 0 && this.runner.usable) {
        const item = this.items.shift() as Deferred;
        let done: boolean;
        if (item.isReplay) done = await this.runner.runOnce(item.fn);
        else {
          // Not deferrable a second time: once it has run, only its replay can be retried.
          const r = await this.runner.commitOnce(item.fn, { ...item.options, deferrable: false });
          // "lost" was logged there; "queued" means its replay took its place in the queue.
          if (r === "lost" || r === "queued") continue;
          done = true;
        }
        if (done) {
          this.stats.refunds.replayed++;
          continue;
        }
        if (++item.rounds >= MAX_DRAIN_ROUNDS) {
          this.lose(item.options.label ?? "", "replay_failed");
          continue;
        }
        this.items.unshift(item);
        if (!this.runner.usable) break;
        await sleep(5);
      }
    } finally {
      this.draining = false;
    }
  }
}
