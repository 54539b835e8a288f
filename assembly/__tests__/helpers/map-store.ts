// A CounterStore over a Map with Envoy's shared-data CAS semantics (DESIGN.md section 3,
// proxy-wasm-cpp-host src/shared_data.cc): one global CAS counter that skips 0; a write with cas 0
// writes unconditionally; a non-zero cas must equal the key's current cas. Specs can inject
// CAS mismatches (the next N writes fail as if another worker wrote first) and unavailability.

import { CounterStore, StoreStatus } from "../../engine/counter-store";

export class MapStore extends CounterStore {
  private data: Map<string, ArrayBuffer> = new Map();
  private casOf: Map<string, u32> = new Map();
  private nextCas: u32 = 0;
  /** The next `pendingMismatches` writes with a non-zero cas fail with CAS_MISMATCH. */
  pendingMismatches: i32 = 0;
  /** Every read and write answers UNAVAILABLE. */
  unavailable: bool = false;
  /** Reads and writes of keys starting with this prefix answer UNAVAILABLE ("" = none). */
  unavailablePrefix: string = "";
  reads: i32 = 0;
  writes: i32 = 0;
  mismatches: i32 = 0;

  read(key: string): StoreStatus {
    this.reads++;
    if (this.down(key)) return StoreStatus.UNAVAILABLE;
    if (!this.data.has(key)) {
      this.value = null;
      this.cas = 0;
      return StoreStatus.NOT_FOUND;
    }
    this.value = this.data.get(key);
    this.cas = this.casOf.get(key);
    return StoreStatus.OK;
  }

  write(key: string, value: ArrayBuffer, cas: u32): StoreStatus {
    this.writes++;
    if (this.down(key)) return StoreStatus.UNAVAILABLE;
    if (cas != 0 && this.pendingMismatches > 0) {
      this.pendingMismatches--;
      this.mismatches++;
      // Another worker wrote in between: the stored cas moves on.
      this.casOf.set(key, this.bump());
      return StoreStatus.CAS_MISMATCH;
    }
    if (cas != 0 && this.data.has(key) && this.casOf.get(key) != cas) {
      this.mismatches++;
      return StoreStatus.CAS_MISMATCH;
    }
    this.data.set(key, value);
    this.casOf.set(key, this.bump());
    return StoreStatus.OK;
  }

  private down(key: string): bool {
    return this.unavailable || (this.unavailablePrefix.length > 0 && key.startsWith(this.unavailablePrefix));
  }

  has(key: string): bool {
    return this.data.has(key);
  }

  /** Stored bytes of `key` (empty buffer when missing). */
  raw(key: string): ArrayBuffer {
    return this.data.has(key) ? this.data.get(key) : new ArrayBuffer(0);
  }

  /** Writes bytes directly (for malformed-value specs). */
  put(key: string, value: ArrayBuffer): void {
    this.data.set(key, value);
    this.casOf.set(key, this.bump());
  }

  get size(): i32 {
    return this.data.size;
  }

  /** Stored keys, sorted. */
  keys(): string[] {
    const k = this.data.keys();
    k.sort();
    return k;
  }

  private bump(): u32 {
    this.nextCas++;
    if (this.nextCas == 0) this.nextCas = 1; // the counter skips 0
    return this.nextCas;
  }
}
