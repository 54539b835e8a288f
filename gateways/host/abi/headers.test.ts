// Header maps through a guest (test/fixtures/wasm/headers.wat): serialization round trip, byte size,
// lower-cased names, add/replace/remove, and Envoy's phase rules (envoy context.cc getMap/getConstMap).
import { describe, expect, it } from "vitest";
import { bytesAt, guest, stringAt, u32At } from "../../../test/fixtures/wasm/guests.js";
import { ProxyWasmHost } from "../host.js";
import { WasmResult } from "./status.js";
import { parsePairs, serializePairs } from "./pairs.js";

const request: Array<[string, string]> = [
  [":method", "GET"],
  [":path", "/v1/chat"],
  [":authority", "api.example.com"],
  ["X-Mixed-Case", "Value"],
  ["x-remove", "gone"],
  ["x-multi", "1"],
  ["x-multi", "2"],
];

async function run() {
  const host = await ProxyWasmHost.create({ module: await guest("headers") });
  host.configure("");
  const stream = host.worker(0).newStream();
  const result = stream.onRequestHeaders(request, false);
  return { host, stream, result };
}

describe("header maps (Envoy)", () => {
  it("passes the header count and serializes the map as the spec says, names lower-cased", async () => {
    const { host } = await run();
    expect(u32At(host, 0x200)).toBe(request.length);
    expect(u32At(host, 0x20c)).toBe(WasmResult.Ok);
    const lowered = request.map(([k, val]) => [k.toLowerCase(), val] as [string, string]);
    const bytes = bytesAt(host, u32At(host, 0x10), u32At(host, 0x14));
    expect(Buffer.from(bytes)).toEqual(Buffer.from(serializePairs(lowered)));
    expect(parsePairs(bytes, false)).toEqual(lowered);
  });

  it("get_header_map_size returns bytes (Envoy HeaderMap::byteSize: names + values), not a count", async () => {
    const { host } = await run();
    expect(u32At(host, 0x204)).toBe(WasmResult.Ok);
    const expected = request.reduce((n, [k, val]) => n + Buffer.byteLength(k) + Buffer.byteLength(val), 0);
    expect(u32At(host, 0x208)).toBe(expected);
    expect(u32At(host, 0x208)).not.toBe(request.length);
  });

  it("applies set_pairs (round trip), add, replace and remove to the request the caller forwards", async () => {
    const { host, stream, result } = await run();
    expect(result).toEqual({ verdict: "continue", localReply: null, trapped: false });
    expect(u32At(host, 0x210)).toBe(WasmResult.Ok);
    expect(u32At(host, 0x218)).toBe(WasmResult.Ok);
    expect(u32At(host, 0x21c)).toBe(WasmResult.Ok);
    expect(u32At(host, 0x220)).toBe(WasmResult.Ok);
    expect(stream.requestHeaders).toEqual([
      [":method", "GET"],
      [":path", "/rewritten"],
      [":authority", "api.example.com"],
      ["x-mixed-case", "Value"],
      ["x-multi", "1"],
      ["x-multi", "2"],
      ["x-added", "yes"],
    ]);
  });

  it("looks values up case-insensitively and answers NotFound for a missing name", async () => {
    const { host } = await run();
    expect(u32At(host, 0x214)).toBe(WasmResult.Ok);
    expect(stringAt(host, 0x18)).toBe("Value");
    expect(u32At(host, 0x224)).toBe(WasmResult.NotFound);
  });

  it("hides the request map outside its phase: value BadArgument, pairs empty, size BadArgument", async () => {
    const { host, stream } = await run();
    const r = stream.onResponseHeaders([[":status", "200"]], false);
    expect(r.verdict).toBe("continue");
    expect(u32At(host, 0x230)).toBe(WasmResult.BadArgument);
    expect(u32At(host, 0x234)).toBe(WasmResult.Ok);
    expect(u32At(host, 0x2c)).toBe(0);
    expect(u32At(host, 0x238)).toBe(WasmResult.Ok);
    expect(u32At(host, 0x23c)).toBe(WasmResult.BadArgument);
    expect(stream.responseHeaders).toEqual([[":status", "200"], ["x-added", "yes"]]);
  });

  it("lets on_log read the final maps but not change them", async () => {
    const { host, stream } = await run();
    stream.onResponseHeaders([[":status", "200"]], true);
    stream.finish();
    expect(u32At(host, 0x240)).toBe(WasmResult.Ok);
    expect(stringAt(host, 0x34)).toBe("/rewritten");
    expect(u32At(host, 0x244)).toBe(WasmResult.BadArgument);
    expect(u32At(host, 0x248)).toBe(WasmResult.NotFound);
    expect(u32At(host, 0x24c)).toBe(WasmResult.NotFound);
  });
});
