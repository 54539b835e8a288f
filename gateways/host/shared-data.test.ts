// InMemorySharedData rules. Envoy: proxy-wasm-cpp-host src/shared_data.cc/.h (DESIGN.md §3).
// Kong ("strict"): ngx_wasm_module ngx_wa_shm_kv_set_locked (research/gateways.md section 0).
import { describe, expect, it } from "vitest";
import { InMemorySharedData } from "./shared-data.js";
import { SharedDataStatus } from "./types.js";

const v = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

describe("InMemorySharedData, Envoy rules", () => {
  it("uses one global CAS counter, starting at 1, shared by every key and vm_id", () => {
    const s = new InMemorySharedData();
    s.set("vm", "a", v("1"), 0);
    s.set("vm", "b", v("1"), 0);
    s.set("other", "a", v("1"), 0);
    expect(s.get("vm", "a")!.cas).toBe(1);
    expect(s.get("vm", "b")!.cas).toBe(2);
    expect(s.get("other", "a")!.cas).toBe(3);
  });

  it("writes unconditionally with cas 0", () => {
    const s = new InMemorySharedData();
    s.set("vm", "k", v("1"), 0);
    expect(s.set("vm", "k", v("2"), 0)).toBe(SharedDataStatus.Ok);
    expect(text(s.get("vm", "k")!.value)).toBe("2");
  });

  it("needs a matching non-zero cas and bumps it on every write", () => {
    const s = new InMemorySharedData();
    s.set("vm", "k", v("1"), 0);
    const { cas } = s.get("vm", "k")!;
    expect(s.set("vm", "k", v("2"), cas + 100)).toBe(SharedDataStatus.CasMismatch);
    expect(text(s.get("vm", "k")!.value)).toBe("1");
    expect(s.set("vm", "k", v("2"), cas)).toBe(SharedDataStatus.Ok);
    expect(s.get("vm", "k")!.cas).not.toBe(cas);
    expect(s.set("vm", "k", v("3"), cas)).toBe(SharedDataStatus.CasMismatch);
  });

  it("ignores the cas when the key does not exist yet (both first writers succeed)", () => {
    const s = new InMemorySharedData();
    expect(s.set("vm", "k", v("a"), 12345)).toBe(SharedDataStatus.Ok);
    expect(s.set("vm", "k2", v("x"), 0)).toBe(SharedDataStatus.Ok);
    expect(s.get("vm", "missing")).toBeUndefined();
  });

  it("namespaces keys by vm_id", () => {
    const s = new InMemorySharedData();
    s.set("one", "k", v("1"), 0);
    expect(s.get("two", "k")).toBeUndefined();
  });

  it("skips 0 when the CAS counter wraps", () => {
    const s = new InMemorySharedData();
    (s as unknown as { nextCas: number }).nextCas = 0xffffffff;
    s.set("vm", "a", v("1"), 0);
    s.set("vm", "b", v("1"), 0);
    expect(s.get("vm", "a")!.cas).toBe(0xffffffff);
    expect(s.get("vm", "b")!.cas).toBe(1);
  });

  it("keeps its own copy of the value", () => {
    const s = new InMemorySharedData();
    const bytes = v("abc");
    s.set("vm", "k", bytes, 0);
    bytes[0] = 0x7a;
    expect(text(s.get("vm", "k")!.value)).toBe("abc");
  });

  it("calls beforeSet right before a set is checked", () => {
    const s = new InMemorySharedData();
    s.set("vm", "k", v("1"), 0);
    const { cas } = s.get("vm", "k")!;
    s.beforeSet = () => {
      s.beforeSet = undefined;
      s.set("vm", "k", v("other"), 0);
    };
    expect(s.set("vm", "k", v("mine"), cas)).toBe(SharedDataStatus.CasMismatch);
    expect(text(s.get("vm", "k")!.value)).toBe("other");
  });
});

describe("InMemorySharedData, strict (Kong) rules", () => {
  it("treats cas 0 as create-only", () => {
    const s = new InMemorySharedData({ casRule: "strict" });
    expect(s.set("vm", "k", v("1"), 0)).toBe(SharedDataStatus.Ok);
    expect(s.set("vm", "k", v("2"), 0)).toBe(SharedDataStatus.CasMismatch);
    expect(text(s.get("vm", "k")!.value)).toBe("1");
  });

  it("refuses to create a missing key with a non-zero cas, and needs the exact cas to update", () => {
    const s = new InMemorySharedData({ casRule: "strict" });
    expect(s.set("vm", "k", v("1"), 7)).toBe(SharedDataStatus.CasMismatch);
    s.set("vm", "k", v("1"), 0);
    const { cas } = s.get("vm", "k")!;
    expect(s.set("vm", "k", v("2"), cas)).toBe(SharedDataStatus.Ok);
  });
});
