// The store the module sees during a transaction: the host's CAS rules over cache + own writes, the read
// set with Redis versions (absent = 0), blind cas-0 writes, discarded and local contexts.
import { describe, expect, it } from "vitest";
import { SharedDataStatus } from "../host/types.js";
import { RedisSharedData } from "./redis-shared-data.js";
import { Transaction } from "./transaction.js";
import { VersionedCache } from "./versioned-cache.js";

const bytes = (...b: number[]) => new Uint8Array(b);
const id = (key: string) => VersionedCache.id("vm", key);

describe("RedisSharedData", () => {
  it("records reads with the version seen and applies Envoy CAS rules to the transaction's view", async () => {
    const s = new RedisSharedData();
    s.refresh(id("a"), 7, bytes(1));
    const { tx } = await s.capture(() => {
      const a = s.get("vm", "a")!;
      expect(a.value).toEqual(bytes(1));
      expect(s.get("vm", "missing")).toBeUndefined();
      expect(s.set("vm", "a", bytes(2), a.cas + 1)).toBe(SharedDataStatus.CasMismatch);
      expect(s.set("vm", "a", bytes(2), a.cas)).toBe(SharedDataStatus.Ok);
      // The transaction reads its own write, with a new cas.
      const again = s.get("vm", "a")!;
      expect([again.value, again.cas === a.cas]).toEqual([bytes(2), false]);
      expect(s.set("vm", "blind", bytes(9), 0)).toBe(SharedDataStatus.Ok);
    });
    expect([...tx.reads]).toEqual([
      [id("a"), 7],
      [id("missing"), 0],
    ]);
    expect([...tx.writes.keys()]).toEqual([id("a"), id("blind")]);
    expect(tx.keys()).toEqual([id("a"), id("missing"), id("blind")]);
    // Nothing reached the cache before the commit.
    expect(s.cache.get(id("a"))?.value).toEqual(bytes(1));
    s.applyCommitted(tx, new Map([[id("a"), 8], [id("missing"), 0], [id("blind"), 9]]));
    expect([s.cache.version(id("a")), s.cache.version(id("blind"))]).toEqual([8, 9]);
  });

  it("strict (Kong) rule: cas 0 creates only", async () => {
    const s = new RedisSharedData({ casRule: "strict" });
    s.refresh(id("a"), 3, bytes(1));
    await s.capture(() => {
      expect(s.set("vm", "a", bytes(2), 0)).toBe(SharedDataStatus.CasMismatch);
      expect(s.set("vm", "new", bytes(2), 0)).toBe(SharedDataStatus.Ok);
    });
  });

  it("transactions of interleaved async decisions stay apart", async () => {
    const s = new RedisSharedData();
    const tick = () => new Promise((r) => setTimeout(r, 1));
    const [one, two] = await Promise.all([
      s.capture(async () => {
        s.set("vm", "x", bytes(1), 0);
        await tick();
        s.set("vm", "y", bytes(1), 0);
      }),
      s.capture(async () => {
        await tick();
        s.set("vm", "z", bytes(1), 0);
      }),
    ]);
    expect([...one.tx.writes.keys()]).toEqual([id("x"), id("y")]);
    expect([...two.tx.writes.keys()]).toEqual([id("z")]);
  });

  it("discard drops writes; local mode uses its own store; a write outside any context is kept aside", () => {
    const s = new RedisSharedData();
    let told = 0;
    s.onDetachedWrite = () => told++;
    expect(s.discard(() => s.set("vm", "d", bytes(1), 0))).toBe(SharedDataStatus.Ok);
    s.runLocal(() => s.set("vm", "l", bytes(5), 0));
    expect(s.runLocal(() => s.get("vm", "l"))?.value).toEqual(bytes(5));
    expect(s.get("vm", "l")).toBeUndefined();
    s.set("vm", "u", bytes(3), 0);
    s.set("vm", "v", bytes(4), 0);
    expect(told).toBe(1);
    const detached = s.takeDetached() as Transaction;
    expect([...detached.writes.keys()]).toEqual([id("u"), id("v")]);
    expect(s.takeDetached()).toBeNull();
    s.resetLocal();
    expect(s.runLocal(() => s.get("vm", "l"))).toBeUndefined();
  });

  it("a timer started inside a decision that fires after it returned writes outside the transaction", async () => {
    const s = new RedisSharedData();
    let fired!: () => void;
    const late = new Promise<void>((r) => (fired = r));
    const { tx } = await s.capture(() => {
      s.set("vm", "in", bytes(1), 0);
      // The async context (this transaction) follows the timer, as it follows the service's ticker.
      setTimeout(() => {
        s.set("vm", "late", bytes(2), 0);
        fired();
      }, 5);
    });
    await late;
    expect([...tx.writes.keys()]).toEqual([id("in")]);
    expect([...(s.takeDetached() as Transaction).writes.keys()]).toEqual([id("late")]);
  });
});
