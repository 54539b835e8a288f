// proxy_http_call (test/fixtures/wasm/http-call.wat), as Envoy does it (envoy context.cc httpCall,
// onHttpCallSuccess/Failure; research/gateways.md 1.4): required pseudo-headers, unknown cluster without an
// httpCall function, the response delivered later on the caller's root context, the stream resumed with
// proxy_set_effective_context + proxy_continue_stream.
import { describe, expect, it } from "vitest";
import { guest, stringAt, u32At } from "../../../test/fixtures/wasm/guests.js";
import { ProxyWasmHost } from "../host.js";
import type { HeaderList, StreamEvent } from "../types.js";
import { WasmResult } from "./status.js";

const REQ: HeaderList = [[":method", "POST"], [":path", "/v1/chat"], [":authority", "api"]];

function nextEvent(stream: { onEvent?: (e: StreamEvent) => void }): Promise<StreamEvent> {
  return new Promise((resolve) => {
    stream.onEvent = resolve;
  });
}

describe("proxy_http_call (Envoy)", () => {
  it("is BadArgument without an httpCall function (unknown cluster)", async () => {
    const host = await ProxyWasmHost.create({ module: await guest("http-call") });
    const r = host.worker(0).newStream().onRequestHeaders(REQ, true);
    expect(u32At(host, 0x208)).toBe(WasmResult.BadArgument);
    expect(r.verdict).toBe("pause");
  });

  it("needs :method, :path and :authority; delivers the response on the root context; the module resumes the stream", async () => {
    const seen: Array<{ upstream: string; headers: HeaderList; timeoutMs: number }> = [];
    const host = await ProxyWasmHost.create({
      module: await guest("http-call"),
      httpCall: async (upstream, headers, _body, timeoutMs) => {
        seen.push({ upstream, headers, timeoutMs });
        return { headers: [[":status", "200"], ["X-Decision", "allow"]], body: new TextEncoder().encode("ok!") };
      },
    });
    host.configure("");
    const stream = host.worker(0).newStream();
    const resumed = nextEvent(stream);
    const r = stream.onRequestHeaders(REQ, false);
    expect(r.verdict).toBe("pause");
    expect(u32At(host, 0x22c)).toBe(WasmResult.BadArgument);
    expect(u32At(host, 0x208)).toBe(WasmResult.Ok);
    expect(u32At(host, 0x204)).toBe(4);
    expect(u32At(host, 0x20c)).toBe(0); // nothing delivered synchronously

    const event = await resumed;
    expect(event).toEqual({ kind: "continue", side: "request", body: new Uint8Array(0) });
    expect(seen).toEqual([{ upstream: "decision", headers: [[":method", "GET"], [":path", "/check"], [":authority", "decision"]], timeoutMs: 250 }]);
    expect(u32At(host, 0x20c)).toBe(1); // the root context id, not the stream's
    expect(u32At(host, 0x210)).toBe(4);
    expect(u32At(host, 0x214)).toBe(2);
    expect(u32At(host, 0x218)).toBe(3);
    expect(u32At(host, 0x21c)).toBe(WasmResult.Ok);
    expect(stringAt(host, 0x10)).toBe("200");
    expect(u32At(host, 0x220)).toBe(WasmResult.Ok);
    expect(stringAt(host, 0x18)).toBe("ok!");
    expect(u32At(host, 0x224)).toBe(WasmResult.Ok);
    expect(u32At(host, 0x228)).toBe(WasmResult.Ok);
  });

  it("reports a failed or timed-out call as zero headers", async () => {
    const host = await ProxyWasmHost.create({
      module: await guest("http-call"),
      httpCall: () => new Promise(() => {}), // never answers: the 250 ms timeout fires
    });
    host.configure("");
    const stream = host.worker(0).newStream();
    const resumed = nextEvent(stream);
    stream.onRequestHeaders(REQ, false);
    await resumed;
    expect(u32At(host, 0x214)).toBe(0);
    expect(u32At(host, 0x218)).toBe(0);
    expect(u32At(host, 0x21c)).toBe(WasmResult.BadArgument); // no response headers map
    expect(u32At(host, 0x220)).toBe(WasmResult.NotFound);
  });
});
