// One optimistic transaction: what a decision read (key → Redis version seen, 0 = absent) and what it wrote
// (key → bytes plus the local CAS the module saw for its own write). Keys are VersionedCache ids.

export interface PendingWrite {
  value: Uint8Array;
  cas: number;
}

let sequence = 0;
const INSTANCE = Math.random().toString(36).slice(2, 10);

export class Transaction {
  /** Unique across instances: random instance part + local sequence. A decision keeps it on every attempt. */
  id = `${INSTANCE}:${(sequence++).toString(36)}`;
  readonly reads = new Map<string, number>();
  readonly writes = new Map<string, PendingWrite>();
  /**
   * Set once the decision's callback has returned. Async context outlives it (a timer created during the
   * decision, e.g. the service's ticker, still carries this transaction): a later access must not land in
   * a transaction that is being or has been committed, so it counts as outside any transaction.
   */
  closed = false;

  /** Every key touched, each once, reads first in the order seen. */
  keys(): string[] {
    const out = [...this.reads.keys()];
    for (const k of this.writes.keys()) if (!this.reads.has(k)) out.push(k);
    return out;
  }

  get empty(): boolean {
    return this.reads.size === 0 && this.writes.size === 0;
  }
}
