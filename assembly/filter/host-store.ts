// CounterStore over proxy-wasm shared data. The engine does read -> compute -> write(cas) and retries on
// CAS_MISMATCH (assembly/engine/counter-store.ts); this file only maps host statuses to store statuses.
// Host rules (DESIGN.md section 3): Envoy writes cas 0 unconditionally and creates missing keys whatever the
// cas; Kong treats cas 0 as "create only" and a missing key as cas 0, so always writing back the cas we read
// (0 when NOT_FOUND) is correct on both. APISIX has no shared data (status 12): the store reports
// UNAVAILABLE and the caller falls back (issue 5 adds per-worker state there).
import { CounterStore, StoreStatus } from "../engine/counter-store";
import { getSharedData, HostStatus, lastStatus, setSharedData, sharedCas } from "./host-calls";

@final
export class HostCounterStore extends CounterStore {
  constructor(private prefix: string) {
    super();
  }

  private encodeKey(key: string): ArrayBuffer {
    return String.UTF8.encode(this.prefix.length == 0 ? key : this.prefix + key);
  }

  read(key: string): StoreStatus {
    const value = getSharedData(this.encodeKey(key));
    this.value = value;
    this.cas = sharedCas;
    if (value !== null) return StoreStatus.OK;
    return lastStatus == HostStatus.NOT_FOUND ? StoreStatus.NOT_FOUND : StoreStatus.UNAVAILABLE;
  }

  write(key: string, value: ArrayBuffer, cas: u32): StoreStatus {
    const status = setSharedData(this.encodeKey(key), value, cas);
    if (status == HostStatus.OK) return StoreStatus.OK;
    if (status == HostStatus.CAS_MISMATCH) return StoreStatus.CAS_MISMATCH;
    return StoreStatus.UNAVAILABLE;
  }
}
