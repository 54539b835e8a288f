// Process-wide shared data, namespaced by vm_id. Envoy rules (proxy-wasm-cpp-host src/shared_data.cc and
// src/shared_data.h; DESIGN.md §3; research/gateways.md 1.3):
//   - one CAS counter for the whole store, not one per key; it starts at 1 and skips 0 when it wraps;
//   - cas 0 writes unconditionally;
//   - a non-zero cas must equal the key's current cas, else CasMismatch;
//   - a write that creates a missing key ignores the cas (so two workers' first writes can both succeed).
// "strict" is Kong's rule (Kong/ngx_wasm_module src/common/shm/ngx_wa_shm_kv.c ngx_wa_shm_kv_set_locked;
// research/gateways.md section 0): the write happens only when cas equals the stored cas, a missing key
// counting as 0, so cas 0 means "create only" and returns CasMismatch when the key exists.
import { SharedDataStatus, type SharedDataEntry, type SharedDataStore } from "./types.js";

export type CasRule = "envoy" | "strict";

export interface InMemorySharedDataOptions {
  casRule?: CasRule;
  beforeSet?: (vmId: string, key: string) => void;
}

interface Slot {
  value: Uint8Array;
  cas: number;
}

export class InMemorySharedData implements SharedDataStore {
  readonly casRule: CasRule;
  /**
   * Test hook called right before a set is checked and applied. A test can run another worker's whole
   * request here to reproduce the interleaving of two Envoy worker threads between one's get and its set.
   */
  beforeSet: ((vmId: string, key: string) => void) | undefined;
  private readonly data = new Map<string, Map<string, Slot>>();
  private nextCas = 1;

  constructor(options: InMemorySharedDataOptions = {}) {
    this.casRule = options.casRule ?? "envoy";
    this.beforeSet = options.beforeSet;
  }

  get(vmId: string, key: string): SharedDataEntry | undefined {
    const slot = this.data.get(vmId)?.get(key);
    return slot === undefined ? undefined : { value: slot.value, cas: slot.cas };
  }

  set(vmId: string, key: string, value: Uint8Array, cas: number): SharedDataStatus {
    if (this.beforeSet !== undefined) this.beforeSet(vmId, key);
    let map = this.data.get(vmId);
    if (map === undefined) {
      map = new Map();
      this.data.set(vmId, map);
    }
    const slot = map.get(key);
    if (this.casRule === "strict") {
      if ((slot === undefined ? 0 : slot.cas) !== cas) return SharedDataStatus.CasMismatch;
    } else if (slot !== undefined && cas !== 0 && cas !== slot.cas) {
      return SharedDataStatus.CasMismatch;
    }
    const stored = { value: value.slice(), cas: this.takeCas() };
    map.set(key, stored);
    return SharedDataStatus.Ok;
  }

  /** Number of keys under a vm_id (tests, memory checks). */
  size(vmId: string): number {
    return this.data.get(vmId)?.size ?? 0;
  }

  private takeCas(): number {
    const cas = this.nextCas;
    this.nextCas = (this.nextCas + 1) >>> 0;
    if (this.nextCas === 0) this.nextCas = 1; // 0 is not a valid CAS value (shared_data.h nextCas)
    return cas;
  }
}
