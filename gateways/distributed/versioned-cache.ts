// The instance's local copy of Redis state: for each key, the bytes and the Redis version they had when
// this instance last saw them, plus a local CAS number for the module (the ABI's u32 cas; Redis versions are
// not u32). A cached value may be stale: that is fine, because every decision's read versions are checked by
// the commit script and a stale read only costs a retry. Bounded: past `maxEntries` the least recently used
// entry is dropped (an unknown key reads as absent, version 0, and is corrected by the first commit).

export interface CachedValue {
  value: Uint8Array;
  /** Redis version, 0 = absent. */
  version: number;
  /** Local CAS handed to the module (Envoy rules: one counter, starts at 1, skips 0). */
  cas: number;
}

export class VersionedCache {
  private readonly entries = new Map<string, CachedValue>();
  private nextCas = 1;

  constructor(private readonly maxEntries: number) {}

  /** Composite key of a vm_id and a module key (\0 cannot appear in a vm_id). */
  static id(vmId: string, key: string): string {
    return `${vmId}\u0000${key}`;
  }

  static split(id: string): [vmId: string, key: string] {
    const i = id.indexOf("\u0000");
    return [id.slice(0, i), id.slice(i + 1)];
  }

  get(id: string): CachedValue | undefined {
    const e = this.entries.get(id);
    if (e !== undefined) {
      // Re-insert: Map keeps insertion order, so the first key is always the least recently used.
      this.entries.delete(id);
      this.entries.set(id, e);
    }
    return e;
  }

  /** Version this instance believes is current (0 = absent or unknown). */
  version(id: string): number {
    return this.entries.get(id)?.version ?? 0;
  }

  /** Stores what Redis holds (or will hold) under `id`; version 0 means absent and removes the entry. */
  put(id: string, version: number, value: Uint8Array): void {
    const current = this.entries.get(id);
    // A late reply must not roll the cache back to an older version.
    if (current !== undefined && version !== 0 && current.version > version) return;
    this.entries.delete(id);
    if (version === 0) return;
    this.entries.set(id, { value, version, cas: this.takeCas() });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** Forget everything (resync after an outage: the next commits re-validate every key). */
  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  takeCas(): number {
    const cas = this.nextCas;
    this.nextCas = (this.nextCas + 1) >>> 0;
    if (this.nextCas === 0) this.nextCas = 1;
    return cas;
  }
}
