// SharedDataStore (gateways/host/types.ts) over a local cache of Redis values. The ABI's shared-data calls
// are synchronous and Redis is not, so the module never waits on Redis: a decision runs against the cache
// inside a Transaction that records every read (with the Redis version seen) and every write; the runner
// (decision-runner.ts) then commits the transaction with one script that checks the read versions. Within a
// transaction the host's CAS rules apply to the cache plus the transaction's own writes, so the module's
// read → write(cas) protocol (assembly/engine/counter-store.ts) behaves exactly as on Envoy (or Kong, with
// casRule "strict"; rules from gateways/host/shared-data.ts).
//
// The decision service's decider is async (a module may pause a stream for its own http call, and the
// stream is finished after an await), so the current transaction is found through AsyncLocalStorage: every
// host call runs synchronously inside the async context of the decision that drove the stream, and two
// decisions interleaving at their awaits never see each other's transaction.
//
// In `local` mode (failure mode `local`, Redis unreachable) every call goes to a separate in-memory store:
// the local counters never mix with the Redis cache.
import { AsyncLocalStorage } from "node:async_hooks";
import { InMemorySharedData, type CasRule } from "../host/shared-data.js";
import { SharedDataStatus, type SharedDataEntry, type SharedDataStore } from "../host/types.js";
import { Transaction } from "./transaction.js";
import { VersionedCache } from "./versioned-cache.js";

export interface RedisSharedDataOptions {
  casRule?: CasRule;
  /** Cache bound (keys). Default 100,000. */
  maxCachedKeys?: number;
}

export class RedisSharedData implements SharedDataStore {
  readonly cache: VersionedCache;
  /** The store used while degraded with failure mode `local`. */
  local: InMemorySharedData;
  /** Called when the first write outside any transaction is kept (the runner commits it soon after). */
  onDetachedWrite: (() => void) | null = null;
  readonly casRule: CasRule;
  private readonly context = new AsyncLocalStorage<Transaction | "local" | "discard">();
  /** Writes made outside any transaction (e.g. a callback the caller did not wrap); see takeDetached(). */
  private detached: Transaction | null = null;

  constructor(options: RedisSharedDataOptions = {}) {
    this.casRule = options.casRule ?? "envoy";
    this.cache = new VersionedCache(options.maxCachedKeys ?? 100_000);
    this.local = new InMemorySharedData({ casRule: this.casRule });
  }

  /** Runs `fn` (module callbacks, possibly across awaits) inside a new transaction; returns both. */
  async capture<T>(fn: () => T | Promise<T>, tx: Transaction = new Transaction()): Promise<{ value: T; tx: Transaction }> {
    try {
      const value = await this.context.run(tx, fn);
      return { value, tx };
    } finally {
      tx.closed = true;
    }
  }

  /** Runs `fn` against the local in-memory store only (failure mode `local`). */
  runLocal<T>(fn: () => T): T {
    return this.context.run("local", fn);
  }

  /** Runs `fn` with its shared-data writes thrown away (finishing the stream of a discarded attempt). */
  discard<T>(fn: () => T): T {
    return this.context.run("discard", fn);
  }

  get(vmId: string, key: string): SharedDataEntry | undefined {
    const ctx = this.current();
    if (ctx === "local") return this.local.get(vmId, key);
    const id = VersionedCache.id(vmId, key);
    const current = ctx instanceof Transaction ? ctx : this.detached;
    const own = current?.writes.get(id);
    if (own !== undefined) return { value: own.value, cas: own.cas };
    const cached = this.cache.get(id);
    if (ctx instanceof Transaction && !ctx.reads.has(id)) ctx.reads.set(id, cached?.version ?? 0);
    return cached === undefined ? undefined : { value: cached.value, cas: cached.cas };
  }

  set(vmId: string, key: string, value: Uint8Array, cas: number): SharedDataStatus {
    const ctx = this.current();
    if (ctx === "local") return this.local.set(vmId, key, value, cas);
    if (ctx === "discard") return SharedDataStatus.Ok;
    const id = VersionedCache.id(vmId, key);
    let tx = ctx instanceof Transaction ? ctx : null;
    if (tx === null) {
      // Outside a transaction nothing can be validated or re-run: keep the write for the caller's
      // non-rerunnable commit path (DistributedDecisionRunner.commitDetached).
      if (this.detached === null) {
        this.detached = new Transaction();
        this.onDetachedWrite?.();
      }
      tx = this.detached;
    }
    const own = tx.writes.get(id);
    const cached = own === undefined ? this.cache.get(id) : undefined;
    const currentCas = own?.cas ?? cached?.cas;
    if (this.casRule === "strict") {
      if ((currentCas ?? 0) !== cas) return SharedDataStatus.CasMismatch;
    } else if (currentCas !== undefined && cas !== 0 && cas !== currentCas) {
      return SharedDataStatus.CasMismatch;
    }
    // A cas-0 write to a key never read is blind (Envoy semantics): it is applied without validation.
    // Any write after a read is validated through the read set.
    tx.writes.set(id, { value: value.slice(), cas: this.cache.takeCas() });
    return SharedDataStatus.Ok;
  }

  private current(): Transaction | "local" | "discard" | undefined {
    const ctx = this.context.getStore();
    return ctx instanceof Transaction && ctx.closed ? undefined : ctx;
  }

  /** A fresh local store: after an outage Redis is authoritative again and the local counts are dropped. */
  resetLocal(): void {
    this.local = new InMemorySharedData({ casRule: this.casRule });
  }

  /** Writes made outside any transaction since the last call (null when none). */
  takeDetached(): Transaction | null {
    const d = this.detached;
    this.detached = null;
    return d;
  }

  /** After a successful commit: the written values are now what Redis holds, at these versions. */
  applyCommitted(tx: Transaction, versions: Map<string, number>): void {
    for (const [id, w] of tx.writes) {
      const v = versions.get(id);
      if (v !== undefined && v > 0) this.cache.put(id, v, w.value);
    }
  }

  /** Fresh values returned by a conflict or a fetch. */
  refresh(id: string, version: number, value: Uint8Array): void {
    this.cache.put(id, version, value);
  }
}
