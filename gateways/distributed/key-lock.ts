// Per-key FIFO serialization inside one instance. Two decisions of the same instance on the same key would
// both read version v and one of them would lose its commit for nothing; instead the second waits for the
// first commit to settle and then runs against the fresh cache. So a hot key costs one commit round trip
// per decision per instance, and cross-instance conflicts involve at most one transaction per instance.
// A waiter queues on all its keys at once, synchronously, so every key's queue follows the same global
// order and two waiters can never hold each other's keys (no deadlock).

export interface KeyLock {
  /** True when every key was free at acquire time (no wait). */
  readonly ready: boolean;
  /** Resolves once every key is held. */
  readonly granted: Promise<void>;
  covers(keys: string[]): boolean;
  /** Gives the keys (held or queued) up; idempotent. */
  release(): void;
}

interface Waiter {
  keys: string[];
  missing: number;
  grant: () => void;
  released: boolean;
}

export class KeyLocks {
  private readonly queues = new Map<string, Waiter[]>();

  acquire(keys: string[]): KeyLock {
    let grant!: () => void;
    const granted = new Promise<void>((resolve) => (grant = resolve));
    const w: Waiter = { keys: [...new Set(keys)], missing: 0, grant, released: false };
    for (const k of w.keys) {
      const q = this.queues.get(k);
      if (q === undefined) this.queues.set(k, [w]);
      else {
        q.push(w);
        w.missing++;
      }
    }
    const ready = w.missing === 0;
    if (ready) grant();
    const held = new Set(w.keys);
    return {
      ready,
      granted,
      covers: (ks) => ks.every((k) => held.has(k)),
      release: () => this.release(w),
    };
  }

  /** Keys with a holder or waiters (tests). */
  get busyKeys(): number {
    return this.queues.size;
  }

  private release(w: Waiter): void {
    if (w.released) return;
    w.released = true;
    for (const k of w.keys) {
      const q = this.queues.get(k);
      if (q === undefined) continue;
      const i = q.indexOf(w);
      if (i < 0) continue;
      q.splice(i, 1);
      if (q.length === 0) {
        this.queues.delete(k);
        continue;
      }
      // Only the head of a queue holds the key: the next waiter gets it when the head leaves.
      if (i === 0) {
        const next = q[0];
        next.missing--;
        if (next.missing === 0) next.grant();
      }
    }
  }
}
