// Redis key layout. Every key of one vm_id carries the same hash tag, `{<vmId>}`, so that one commit script
// can check and write every counter a decision touched in one atomic call: Redis Cluster routes a script
// only when all its KEYS hash to one slot, and only the text between the first `{` and `}` is hashed
// (Redis cluster spec, "Hash tags"; Limitador does the same per namespace in `limitador/src/storage/keys.rs`).
// The price: a deployment (vm_id) lives on one shard. Tagging per counter key would spread keys, but a
// decision that touches two rules could then not commit atomically, and exactness would be gone. To spread
// load over a cluster, give unrelated deployments (or tenants) different vm_ids.
//
//   <prefix>{<vmId>}:<counter key>   a hash: v = the module's bytes, n = version (0 = absent)
//   <prefix>{<vmId>}#seq             the version sequence of this vm_id (never expires)
//   <prefix>{<vmId>}!<counter key>   claim: the transaction that has the next turn on a contended key
//                                    (scripts.ts COMMIT; a string with a short TTL)
//
// Versions come from one INCR per vm_id rather than a per-key counter so that a key that expired and was
// created again never repeats a version an instance still holds in its cache (no ABA); it is Envoy's
// single global CAS counter (proxy-wasm-cpp-host src/shared_data.cc) moved into Redis.

export class KeyLayoutError extends Error {}

export class KeyLayout {
  private readonly tagged = new Map<string, string>();

  constructor(readonly prefix: string) {}

  /** The hash tag part: `<prefix>{<vmId>}`. Braces inside a vm_id would move the tag, so they are refused. */
  base(vmId: string): string {
    let b = this.tagged.get(vmId);
    if (b === undefined) {
      if (vmId.includes("{") || vmId.includes("}")) throw new KeyLayoutError(`vm_id must not contain braces: '${vmId}'`);
      b = `${this.prefix}{${vmId}}`;
      this.tagged.set(vmId, b);
    }
    return b;
  }

  counter(vmId: string, key: string): string {
    return `${this.base(vmId)}:${key}`;
  }

  claim(vmId: string, key: string): string {
    return `${this.base(vmId)}!${key}`;
  }

  sequence(vmId: string): string {
    return `${this.base(vmId)}#seq`;
  }
}
