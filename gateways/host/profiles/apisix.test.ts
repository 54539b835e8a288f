// The APISIX profile (research/gateways.md section 3 and 0; DESIGN.md §3): no shared data or ticks
// (Unimplemented), nginx-variable properties, body callbacks only after wasm_process_req_body is set.
import { describe, expect, it } from "vitest";
import { compileWat, guest, u32At } from "../../../test/fixtures/wasm/guests.js";
import { lookupProperties } from "../../../test/fixtures/wasm/property-probe.js";
import { ProxyWasmHost } from "../host.js";
import { WasmResult } from "../abi/status.js";

describe("APISIX profile", () => {
  it("answers Unimplemented for shared data and ticks", async () => {
    const shared = await ProxyWasmHost.create({ module: await guest("shared-counter"), profile: "apisix" });
    shared.configure("");
    const r = shared.worker(0).newStream().onRequestHeaders([[":path", "/"]], true);
    expect(r.trapped).toBe(false);
    expect(u32At(shared, 0x200)).toBe(WasmResult.Unimplemented);
    expect(u32At(shared, 0x208)).toBe(WasmResult.Unimplemented);
    const tick = await ProxyWasmHost.create({ module: await guest("tick"), profile: "apisix" });
    expect(u32At(tick, 0x200)).toBe(WasmResult.Unimplemented);
  });

  it("looks properties up as nginx variables; Envoy paths are not found; plugin_root_id is the plugin name", async () => {
    const r = await lookupProperties(
      ["remote_addr", "remote_port", "request_uri", "uri", "args", "http_x_api_key", "request_method", "host", "plugin_root_id",
        "source\0address", "my_key"],
      { sourceAddress: "203.0.113.7:51234" },
      { profile: "apisix", pluginName: "llm_budget" },
    );
    expect(r.get("remote_addr")!.text).toBe("203.0.113.7");
    expect(r.get("remote_port")!.text).toBe("51234");
    expect(r.get("request_uri")!.text).toBe("/v1/chat?x=1");
    expect(r.get("uri")!.text).toBe("/v1/chat");
    expect(r.get("args")!.text).toBe("x=1");
    expect(r.get("http_x_api_key")!.text).toBe("k1");
    expect(r.get("request_method")!.text).toBe("POST");
    expect(r.get("host")!.text).toBe("api.example.com");
    expect(r.get("plugin_root_id")!.text).toBe("llm_budget");
    expect(r.get("source\0address")!.status).toBe(WasmResult.NotFound);
    expect(r.get("my_key")!.text).toBe("v1"); // proxy_set_property sets a variable
  });

  it("calls on_request_body only after the module set wasm_process_req_body", async () => {
    const mod = await compileWat("apisix-body", `(module
      (import "env" "proxy_set_property" (func $set (param i32 i32 i32 i32) (result i32)))
      (import "env" "proxy_get_header_map_value" (func $get (param i32 i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 0x800) "wasm_process_req_body")
      (data (i32.const 0x820) "1")
      (data (i32.const 0x830) "x-inspect")
      (func (export "malloc") (param i32) (result i32) (i32.const 4096))
      (func (export "proxy_abi_version_0_2_1"))
      (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
        (if (i32.eqz (call $get (i32.const 0) (i32.const 0x830) (i32.const 9) (i32.const 0x10) (i32.const 0x14)))
          (then (drop (call $set (i32.const 0x800) (i32.const 21) (i32.const 0x820) (i32.const 1)))))
        (i32.const 0))
      (func (export "proxy_on_request_body") (param i32 i32 i32) (result i32)
        (i32.store (i32.const 0x200) (i32.add (i32.load (i32.const 0x200)) (i32.const 1))) (i32.const 0)))`);
    const host = await ProxyWasmHost.create({ module: mod, profile: "apisix" });
    const plain = host.worker(0).newStream();
    plain.onRequestHeaders([[":path", "/"]], false);
    expect(new TextDecoder().decode(plain.onRequestBody(new TextEncoder().encode("body"), true).body)).toBe("body");
    expect(u32At(host, 0x200)).toBe(0);
    const inspected = host.worker(0).newStream();
    inspected.onRequestHeaders([[":path", "/"], ["x-inspect", "1"]], false);
    inspected.onRequestBody(new TextEncoder().encode("body"), true);
    expect(u32At(host, 0x200)).toBe(1);
  });
});
