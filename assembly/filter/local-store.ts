// Counters kept in this VM's own memory, for hosts without proxy-wasm shared data (APISIX's
// wasm-nginx-module answers Unimplemented, research/gateways.md sections 0 and 3). Same contract as shared
// data with Kong's strict CAS rule (a missing key has CAS 0 and cas 0 means "create only"), so the
// limiters' read/compute/write loop is exact inside the worker.
// Memory is bounded: past MAX_KEYS the map is cleared and a warning logged. A cleared bucket restarts full,
// which can admit up to one extra burst per key right after the clear; the cap is far above what one
// worker tracks in normal use.
import { CounterStore, StoreStatus } from "../engine/counter-store";
import { hostLog, LogLevel } from "./host-calls";

const MAX_KEYS: i32 = 100_000;

@final
class LocalEntry {
  constructor(public value: ArrayBuffer, public cas: u32) {}
}

@final
export class LocalCounterStore extends CounterStore {
  private entries: Map<string, LocalEntry> = new Map();
  private nextCas: u32 = 1;

  read(key: string): StoreStatus {
    if (!this.entries.has(key)) {
      this.value = null;
      this.cas = 0;
      return StoreStatus.NOT_FOUND;
    }
    const entry = this.entries.get(key);
    this.value = entry.value;
    this.cas = entry.cas;
    return StoreStatus.OK;
  }

  write(key: string, value: ArrayBuffer, cas: u32): StoreStatus {
    const exists = this.entries.has(key);
    const current: u32 = exists ? this.entries.get(key).cas : 0;
    if (current != cas) return StoreStatus.CAS_MISMATCH;
    if (!exists && this.entries.size >= MAX_KEYS) {
      hostLog(LogLevel.WARN, "local_counter_store_full keys=" + MAX_KEYS.toString() + " cleared");
      this.entries.clear();
    }
    const next = this.nextCas;
    this.nextCas = next == u32.MAX_VALUE ? 1 : next + 1;
    // Our own copy: the caller may reuse its buffer.
    this.entries.set(key, new LocalEntry(value.slice(0), next));
    return StoreStatus.OK;
  }
}
