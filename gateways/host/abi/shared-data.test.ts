// Shared data through guests (test/fixtures/wasm/shared-counter.wat): values and cas reach the module, all
// workers share one store, and a real interleaving of two workers between get and set yields CasMismatch
// (DESIGN.md §3: "two workers' first writes can both succeed"; retry on CAS_MISMATCH).
import { describe, expect, it } from "vitest";
import { guest, u32At } from "../../../test/fixtures/wasm/guests.js";
import { ReentrantCallError } from "../errors.js";
import { ProxyWasmHost } from "../host.js";
import { InMemorySharedData } from "../shared-data.js";
import { WasmResult } from "./status.js";

const REQ: Array<[string, string]> = [[":method", "GET"], [":path", "/"]];

async function twoWorkers(store = new InMemorySharedData()) {
  const host = await ProxyWasmHost.create({ module: await guest("shared-counter"), workers: 2, store, vmId: "vm" });
  host.configure("");
  return { host, store };
}

function request(host: ProxyWasmHost, worker: number) {
  const s = host.worker(worker).newStream();
  const r = s.onRequestHeaders(REQ, true);
  s.finish();
  return r;
}

const counter = (store: InMemorySharedData) => Buffer.from(store.get("vm", "counter")!.value).readUInt32LE(0);

describe("shared data through the ABI (Envoy)", () => {
  it("creates the key, then hands value and cas to the module; all workers share it under the vm_id", async () => {
    const { host, store } = await twoWorkers();
    request(host, 0);
    expect(u32At(host, 0x200, 0)).toBe(WasmResult.NotFound);
    expect(u32At(host, 0x208, 0)).toBe(WasmResult.Ok);
    request(host, 1);
    expect(u32At(host, 0x200, 1)).toBe(WasmResult.Ok);
    expect(u32At(host, 0x204, 1)).toBe(store.get("vm", "counter")!.cas - 1);
    expect(counter(store)).toBe(2);
    expect(store.get("other", "counter")).toBeUndefined();
  });

  it("two first writers both succeed: creating a missing key ignores the cas", async () => {
    const { host, store } = await twoWorkers();
    let nested = false;
    store.beforeSet = () => {
      if (nested) return;
      nested = true;
      request(host, 1); // worker 1 runs its whole request between worker 0's get (NotFound) and set
    };
    request(host, 0);
    expect(u32At(host, 0x208, 1)).toBe(WasmResult.Ok);
    expect(u32At(host, 0x208, 0)).toBe(WasmResult.Ok);
    expect(counter(store)).toBe(1); // one increment lost: both wrote 1
  });

  it("a worker interleaved between another's get and set makes that set fail with CasMismatch", async () => {
    const { host, store } = await twoWorkers();
    request(host, 0); // the key exists now
    let nested = false;
    store.beforeSet = () => {
      if (nested) return;
      nested = true;
      request(host, 1);
    };
    request(host, 0);
    expect(u32At(host, 0x208, 1)).toBe(WasmResult.Ok);
    expect(u32At(host, 0x208, 0)).toBe(WasmResult.CasMismatch);
    expect(counter(store)).toBe(2);
    expect(host.worker(0).failed).toBe(false);
  });

  it("refuses a re-entrant call into the same VM with an error, and the VM carries on", async () => {
    const { host, store } = await twoWorkers();
    let caught: unknown = null;
    store.beforeSet = () => {
      store.beforeSet = undefined;
      try {
        host.worker(0).newStream();
      } catch (err) {
        caught = err;
      }
    };
    const r = request(host, 0);
    expect(caught).toBeInstanceOf(ReentrantCallError);
    expect(r.trapped).toBe(false);
    expect(u32At(host, 0x208, 0)).toBe(WasmResult.Ok);
    expect(host.worker(0).failed).toBe(false);
    expect(request(host, 0).localReply).toBeNull();
  });
});
