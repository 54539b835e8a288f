// One optimistic transaction: what a decision read and what it wrote. A read expects either a Redis
// version (number; 0 = absent) or, when it saw the pending write of a local transaction not yet
// committed, that transaction's write id (string): the commit script checks the key's writer instead of
// its version, so the read is valid exactly when that earlier commit landed (group commit, README.md).
// Keys are VersionedCache ids.

export interface PendingWrite {
  value: Uint8Array;
  cas: number;
}

let sequence = 0;
const INSTANCE = Math.random().toString(36).slice(2, 10);

export type Expectation = number | string;

export class Transaction {
  /** The decision's id, unique across instances; every attempt of one decision carries the same (claims). */
  id = `${INSTANCE}:${(sequence++).toString(36)}`;
  /** This attempt's writes, unique across instances and attempts (never reused: no ABA on writer checks). */
  readonly writeId = `${INSTANCE}:w${(sequence++).toString(36)}`;
  readonly reads = new Map<string, Expectation>();
  readonly writes = new Map<string, PendingWrite>();
  /** Local transactions whose pending writes this one read: if one of them fails, so does this one. */
  readonly dependsOn = new Set<Transaction>();
  /** Keys to read from the cache only, ignoring pending local writes (claimed keys of commitOnce). */
  readonly fresh = new Set<string>();

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
