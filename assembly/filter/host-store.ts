// CounterStore over proxy-wasm shared data. The engine does read -> compute -> write(cas) and retries on
// CAS_MISMATCH (assembly/engine/counter-store.ts); this file only maps host statuses to store statuses.
// Host rules (DESIGN.md section 3): Envoy writes cas 0 unconditionally and creates missing keys whatever the
// cas; Kong treats cas 0 as "create only" and a missing key as cas 0, so always writing back the cas we read
// (0 when NOT_FOUND) is correct on both.
// APISIX has no shared data (Unimplemented, status 12; research/gateways.md section 3): the first such answer
// switches this VM for good to a LocalCounterStore, logs `shared_data_unavailable` once, and the request that
// found out is counted there rather than failed open (test/gateway-apisix-profile.test.ts).
import { CounterStore, StoreStatus } from "../engine/counter-store";
import { getSharedData, HostStatus, hostLog, lastStatus, LogLevel, setSharedData, sharedCas } from "./host-calls";
import { LocalCounterStore } from "./local-store";

const PROBE_KEY = "fairvisor.shared_data_probe";

@final
export class HostCounterStore extends CounterStore {
  private local: LocalCounterStore | null = null;

  constructor(private prefix: string) {
    super();
  }

  /** True once this VM keeps its counters in its own memory. */
  isLocal(): bool {
    return this.local !== null;
  }

  /**
   * Asks the host whether shared data exists, without waiting for the first request. Only called when the
   * deployment declares local workers: on Kong without a matching shm_kv zone a shared-data call traps
   * (research/gateways.md 2a), and by default we leave that to the first request as before.
   */
  probe(): bool {
    getSharedData(this.encodeKey(PROBE_KEY));
    if (lastStatus == HostStatus.UNIMPLEMENTED) this.switchToLocal();
    return this.isLocal();
  }

  private switchToLocal(): LocalCounterStore {
    const existing = this.local;
    if (existing !== null) return existing;
    hostLog(LogLevel.WARN, "shared_data_unavailable: this host has no proxy-wasm shared data; counters are kept per worker (VM)");
    const created = new LocalCounterStore();
    this.local = created;
    return created;
  }

  private encodeKey(key: string): ArrayBuffer {
    return String.UTF8.encode(this.prefix.length == 0 ? key : this.prefix + key);
  }

  private readLocal(local: LocalCounterStore, key: string): StoreStatus {
    const status = local.read(key);
    this.value = local.value;
    this.cas = local.cas;
    return status;
  }

  read(key: string): StoreStatus {
    const local = this.local;
    if (local !== null) return this.readLocal(local, key);
    const value = getSharedData(this.encodeKey(key));
    if (value !== null) {
      this.value = value;
      this.cas = sharedCas;
      return StoreStatus.OK;
    }
    if (lastStatus == HostStatus.UNIMPLEMENTED) return this.readLocal(this.switchToLocal(), key);
    this.value = null;
    this.cas = 0;
    return lastStatus == HostStatus.NOT_FOUND ? StoreStatus.NOT_FOUND : StoreStatus.UNAVAILABLE;
  }

  write(key: string, value: ArrayBuffer, cas: u32): StoreStatus {
    const local = this.local;
    if (local !== null) return local.write(key, value, cas);
    const status = setSharedData(this.encodeKey(key), value, cas);
    if (status == HostStatus.OK) return StoreStatus.OK;
    if (status == HostStatus.CAS_MISMATCH) return StoreStatus.CAS_MISMATCH;
    if (status == HostStatus.UNIMPLEMENTED) return this.switchToLocal().write(key, value, cas);
    return StoreStatus.UNAVAILABLE;
  }
}
