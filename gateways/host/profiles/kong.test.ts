// The Kong profile (research/gateways.md 2a and section 0; DESIGN.md §3): strict CAS, shm_kv zones, string
// properties without the port, numeric plugin_root_id, no end_of_stream in headers callbacks, 500 and a fresh
// instance after a trap, unsupported proxy_get_log_level.
import { describe, expect, it } from "vitest";
import { compileWat, guest, u32At } from "../../../test/fixtures/wasm/guests.js";
import { lookupProperties } from "../../../test/fixtures/wasm/property-probe.js";
import { ProxyWasmHost } from "../host.js";
import { InMemorySharedData } from "../shared-data.js";
import { WasmResult } from "../abi/status.js";

const REQ: Array<[string, string]> = [[":method", "GET"], [":path", "/a?b=1"], [":authority", "kong.local"]];

function request(host: ProxyWasmHost, worker = 0) {
  const s = host.worker(worker).newStream({ sourceAddress: "198.51.100.4:40000" });
  const r = s.onRequestHeaders(REQ, true);
  s.finish();
  return r;
}

describe("Kong profile", () => {
  it("uses strict CAS by default: a second first-writer (cas 0) gets CasMismatch", async () => {
    const host = await ProxyWasmHost.create({ module: await guest("shared-counter"), profile: "kong", workers: 2, shmKvZones: ["*"] });
    host.configure("");
    const store = host.store as InMemorySharedData;
    expect(store.casRule).toBe("strict");
    let nested = false;
    store.beforeSet = () => {
      if (nested) return;
      nested = true;
      request(host, 1);
    };
    request(host, 0);
    expect(u32At(host, 0x208, 1)).toBe(WasmResult.Ok);
    expect(u32At(host, 0x208, 0)).toBe(WasmResult.CasMismatch); // on Envoy both succeed
    store.beforeSet = undefined;
    request(host, 0);
    expect(u32At(host, 0x208, 0)).toBe(WasmResult.Ok); // get → set(cas) works
  });

  it("traps shared-data access without a matching shm_kv zone, answers 500, and recycles the instance", async () => {
    const host = await ProxyWasmHost.create({ module: await guest("shared-counter"), profile: "kong", shmKvZones: ["limits"] });
    host.configure("");
    const r = request(host);
    expect(r.trapped).toBe(true);
    expect(r.localReply?.status).toBe(500);
    expect(host.worker(0).failed).toBe(true);
    // Next request: a fresh instance (empty memory), still no zone for "counter" → traps again.
    const again = request(host);
    expect(again.trapped).toBe(true);
  });

  it("after a trap the next request gets a fresh, configured instance", async () => {
    const host = await ProxyWasmHost.create({ module: await guest("trap"), profile: "kong", failurePolicy: "fail_open" });
    host.configure("");
    const s = host.worker(0).newStream();
    const r = s.onRequestHeaders([[":path", "/"], ["x-trap", "1"]], true);
    expect(r).toMatchObject({ trapped: true, localReply: { status: 500 } }); // Kong has no fail-open switch
    const ok = host.worker(0).newStream().onRequestHeaders([[":path", "/"]], true);
    expect(ok).toEqual({ verdict: "continue", localReply: null, trapped: false });
    expect(host.worker(0).failed).toBe(false);
    expect(u32At(host, 0x200)).toBe(1); // counters restarted in the new linear memory
  });

  it("exposes nginx-backed string properties: no port in source.address, numeric plugin_root_id", async () => {
    const r = await lookupProperties(
      ["source\0address", "source.address", "source\0port", "plugin_root_id", "plugin_vm_id", "request\0path", "request.headers.user-agent",
        "ngx.remote_addr"],
      { sourceAddress: "203.0.113.7:51234" },
      { profile: "kong", rootId: "my_root" },
    );
    expect(r.get("source\0address")!.text).toBe("203.0.113.7");
    expect(r.get("source.address")!.text).toBe("203.0.113.7");
    expect(r.get("source\0port")!.text).toBe("51234");
    expect(r.get("plugin_root_id")!.text).toBe("1");
    expect(r.get("plugin_vm_id")!.status).toBe(WasmResult.NotFound);
    expect(r.get("request\0path")!.text).toBe("/v1/chat?x=1");
    expect(r.get("request.headers.user-agent")!.text).toBe("t/1");
    expect(r.get("ngx.remote_addr")!.text).toBe("203.0.113.7");
  });

  it("never passes end_of_stream to headers callbacks, and has no proxy_get_log_level", async () => {
    const mod = await compileWat("eos", `(module
      (memory (export "memory") 1)
      (func (export "malloc") (param i32) (result i32) (i32.const 1024))
      (func (export "proxy_abi_version_0_2_1"))
      (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32) (i32.store (i32.const 0x200) (i32.add (local.get 2) (i32.const 10))) (i32.const 0))
      (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32) (i32.store (i32.const 0x204) (i32.add (local.get 2) (i32.const 10))) (i32.const 0)))`);
    for (const [profile, expected] of [["envoy", 11], ["kong", 10]] as const) {
      const host = await ProxyWasmHost.create({ module: mod, profile });
      const s = host.worker(0).newStream();
      s.onRequestHeaders(REQ, true);
      s.onResponseHeaders([[":status", "204"]], true);
      expect([u32At(host, 0x200), u32At(host, 0x204)]).toEqual([expected, expected]);
    }
    const logs = await ProxyWasmHost.create({ module: await guest("logs"), profile: "kong" });
    logs.configure("");
    expect(u32At(logs, 0x200)).toBe(WasmResult.Unimplemented);
  });
});
