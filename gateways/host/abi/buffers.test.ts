// Body buffers (test/fixtures/wasm/body.wat) with Envoy's rules (envoy context.cc decodeData/getBuffer,
// Buffer::copyFrom; research/gateways.md 1.7): the chunk is the buffer during its callback, Pause buffers so
// the next call sees the whole, set_buffer_bytes prepends/appends/replaces, and outside its phase the body
// reads as empty and cannot be written.
import { describe, expect, it } from "vitest";
import { guest, u32At } from "../../../test/fixtures/wasm/guests.js";
import { ProxyWasmHost } from "../host.js";
import { WasmResult } from "./status.js";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

async function stream() {
  const host = await ProxyWasmHost.create({ module: await guest("body") });
  host.configure("");
  const s = host.worker(0).newStream();
  s.onRequestHeaders([[":method", "POST"], [":path", "/"]], false);
  return { host, s };
}

describe("body buffers (Envoy)", () => {
  it("reads the request body as empty before any body callback", async () => {
    const { host } = await stream();
    expect(u32At(host, 0x200)).toBe(WasmResult.Ok);
    expect(u32At(host, 0x204)).toBe(0);
  });

  it("accumulates chunks while the module pauses and forwards the modified whole on Continue", async () => {
    const { host, s } = await stream();
    const a = s.onRequestBody(enc("hello "), false);
    expect(a.verdict).toBe("pause");
    expect(a.body.length).toBe(0);
    const b = s.onRequestBody(enc("big "), false);
    expect(b.verdict).toBe("pause");
    const c = s.onRequestBody(enc("world"), true);
    expect(c.verdict).toBe("continue");
    expect(dec(c.body)).toBe("[hello big world]");
    expect([u32At(host, 0x2fc), u32At(host, 0x300), u32At(host, 0x304), u32At(host, 0x308)]).toEqual([3, 6, 10, 15]);
  });

  it("replaces the whole chunk with proxy_set_buffer_bytes(start 0, length = size)", async () => {
    const { s } = await stream();
    s.onRequestBody(enc("x"), true);
    s.onResponseHeaders([[":status", "200"]], false);
    const r = s.onResponseBody(enc("original response"), true);
    expect(r.verdict).toBe("continue");
    expect(dec(r.body)).toBe("REPLACED");
  });

  it("shows the request body as empty and read-only once its phase is over", async () => {
    const { host, s } = await stream();
    s.onRequestBody(enc("abc"), true);
    s.onResponseHeaders([[":status", "200"]], false);
    expect(u32At(host, 0x208)).toBe(WasmResult.Ok);
    expect(u32At(host, 0x20c)).toBe(0);
    expect(u32At(host, 0x210)).toBe(WasmResult.BadArgument);
  });
});
