// Small helpers of the runner: deadlines, waits, and the one-vm_id rule of a commit.
import type { Transaction } from "./transaction.js";
import { VersionedCache } from "./versioned-cache.js";

/** A local key lock or a Redis claim was not obtained within the decision's budget. */
export class LockTimeout extends Error {}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function remaining(deadline: number): number {
  return Math.max(0, deadline - performance.now());
}

/** Waits for `p` at most `ms`, else rejects with LockTimeout. */
export function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new LockTimeout("key lock wait timed out")), ms);
    void p.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The one vm_id of a transaction, or null when it spans several (one script call must hold one hash tag). */
export function singleVm(tx: Transaction): string | null {
  let vm: string | null = null;
  for (const id of tx.keys()) {
    const v = VersionedCache.split(id)[0];
    if (vm === null) vm = v;
    else if (vm !== v) return null;
  }
  return vm;
}
