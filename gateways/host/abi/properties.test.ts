// Properties through a guest (test/fixtures/wasm/properties.wat). Envoy: "\0"-separated paths, source.address
// "ip:port", integers as 8-byte little-endian, plugin_* from the configuration, StreamInfo.properties by
// dotted key, proxy_set_property round trip (DESIGN.md §3; research/gateways.md 1.5).
import { describe, expect, it } from "vitest";
import { lookupProperties } from "../../../test/fixtures/wasm/property-probe.js";
import type { StreamInfo } from "../types.js";
import { WasmResult } from "./status.js";

const info: StreamInfo = {
  sourceAddress: "203.0.113.7:51234",
  destinationAddress: "10.0.0.2:8080",
  properties: { "connection.id": "42", "x.custom": new Uint8Array([1, 2, 3]) },
};

describe("properties (Envoy)", () => {
  it("resolves \\0-separated paths; source.address keeps the port; source.port is an 8-byte LE int", async () => {
    const r = await lookupProperties(["source\0address", "source\0port", "destination\0address", "destination\0port"], info);
    expect(r.get("source\0address")).toMatchObject({ status: WasmResult.Ok, text: "203.0.113.7:51234" });
    const port = r.get("source\0port")!;
    expect(port.status).toBe(WasmResult.Ok);
    expect(port.bytes.length).toBe(8);
    expect(Buffer.from(port.bytes).readBigInt64LE(0)).toBe(51234n);
    expect(r.get("destination\0address")!.text).toBe("10.0.0.2:8080");
    expect(Buffer.from(r.get("destination\0port")!.bytes).readBigInt64LE(0)).toBe(8080n);
  });

  it("does not accept dots as separators", async () => {
    const r = await lookupProperties(["source.address", "request.path"], info);
    expect(r.get("source.address")!.status).toBe(WasmResult.NotFound);
    expect(r.get("request.path")!.status).toBe(WasmResult.NotFound);
  });

  it("derives request.* from the request headers", async () => {
    const r = await lookupProperties(
      ["request\0path", "request\0url_path", "request\0query", "request\0method", "request\0host", "request\0scheme", "request\0useragent",
        "request\0headers\0x-api-key"],
      info,
    );
    expect(r.get("request\0path")!.text).toBe("/v1/chat?x=1");
    expect(r.get("request\0url_path")!.text).toBe("/v1/chat");
    expect(r.get("request\0query")!.text).toBe("x=1");
    expect(r.get("request\0method")!.text).toBe("POST");
    expect(r.get("request\0host")!.text).toBe("api.example.com");
    expect(r.get("request\0scheme")!.text).toBe("https");
    expect(r.get("request\0useragent")!.text).toBe("t/1");
    expect(r.get("request\0headers\0x-api-key")!.text).toBe("k1");
  });

  it("answers plugin_name, plugin_root_id and plugin_vm_id from the options", async () => {
    const r = await lookupProperties(["plugin_name", "plugin_root_id", "plugin_vm_id"], info, {
      pluginName: "llm-budget",
      rootId: "llm_budget",
      vmId: "vm-a",
    });
    expect(r.get("plugin_name")!.text).toBe("llm-budget");
    expect(r.get("plugin_root_id")!.text).toBe("llm_budget");
    expect(r.get("plugin_vm_id")!.text).toBe("vm-a");
  });

  it("maps StreamInfo.properties dotted keys to \\0 paths, returns set_property values, and NotFound otherwise", async () => {
    const r = await lookupProperties(["connection\0id", "x\0custom", "my_key", "nope", "remote_addr"], info);
    expect(r.get("connection\0id")!.text).toBe("42");
    expect([...r.get("x\0custom")!.bytes]).toEqual([1, 2, 3]);
    expect(r.get("(set my_key)")!.status).toBe(WasmResult.Ok);
    expect(r.get("my_key")!.text).toBe("v1");
    expect(r.get("nope")!.status).toBe(WasmResult.NotFound);
    expect(r.get("remote_addr")!.status).toBe(WasmResult.NotFound);
  });
});
