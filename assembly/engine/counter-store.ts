// The engine's only view of counter state. Backed by proxy-wasm shared data in the filter
// (assembly/filter/host-store.ts) and by a Map in specs. Semantics follow Envoy's shared data
// (DESIGN.md section 3): read returns the value and a CAS token (0 when missing); a write with a
// non-zero CAS succeeds only if the token still matches; a write with CAS 0 on a missing key creates it.
// Limiters do read -> compute -> write(cas) and retry on CAS_MISMATCH, at most MAX_CAS_ATTEMPTS times.

export const enum StoreStatus {
  OK = 0,
  NOT_FOUND = 1,
  CAS_MISMATCH = 2,
  /** The store cannot be used (no shared data on this host, host error): limiters fail open. */
  UNAVAILABLE = 3,
}

/** Bound on read/compute/write rounds per counter update. */
export const MAX_CAS_ATTEMPTS: i32 = 32;

export abstract class CounterStore {
  /** Filled by read(): the stored bytes (null when NOT_FOUND) and the CAS token (0 when NOT_FOUND). */
  value: ArrayBuffer | null = null;
  cas: u32 = 0;

  abstract read(key: string): StoreStatus;
  abstract write(key: string, value: ArrayBuffer, cas: u32): StoreStatus;
}
