// Local per-key FIFO: free keys are granted at once, a waiter gets its keys in arrival order, and two
// waiters that want overlapping key sets in different orders never deadlock.
import { describe, expect, it } from "vitest";
import { KeyLocks } from "./key-lock.js";

describe("KeyLocks", () => {
  it("grants in arrival order, all keys or none", async () => {
    const locks = new KeyLocks();
    const order: string[] = [];
    const a = locks.acquire(["x", "y"]);
    const b = locks.acquire(["y", "x"]);
    const c = locks.acquire(["x"]);
    expect([a.ready, b.ready, c.ready]).toEqual([true, false, false]);
    void b.granted.then(() => order.push("b"));
    void c.granted.then(() => order.push("c"));
    a.release();
    await Promise.resolve();
    expect(order).toEqual(["b"]);
    b.release();
    await Promise.resolve();
    expect(order).toEqual(["b", "c"]);
    c.release();
    expect(locks.busyKeys).toBe(0);
  });

  it("a waiter that gives up leaves the queue without blocking the next", async () => {
    const locks = new KeyLocks();
    const a = locks.acquire(["k"]);
    const b = locks.acquire(["k"]);
    const c = locks.acquire(["k"]);
    b.release(); // timed out while waiting
    let granted = false;
    void c.granted.then(() => (granted = true));
    a.release();
    await Promise.resolve();
    expect(granted).toBe(true);
    expect(c.covers(["k"])).toBe(true);
    c.release();
    c.release(); // idempotent
    expect(locks.busyKeys).toBe(0);
  });
});
