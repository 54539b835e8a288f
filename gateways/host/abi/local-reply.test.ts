// proxy_send_local_response (test/fixtures/wasm/local-reply.wat): the reply is recorded with Envoy's rules
// (details spaces → "_", grpc_status -1 = none, headers lower-cased), the callback stops even though the
// module returned Continue, and only done/log/delete reach the module afterwards (research/gateways.md 1.6).
import { describe, expect, it } from "vitest";
import { guest, u32At } from "../../../test/fixtures/wasm/guests.js";
import { ProxyWasmHost } from "../host.js";
import { WasmResult } from "./status.js";

describe("local reply (Envoy)", () => {
  it("records status, details, body, headers and gRPC status, and stops the stream", async () => {
    const host = await ProxyWasmHost.create({ module: await guest("local-reply") });
    host.configure("");
    const stream = host.worker(0).newStream();
    const r = stream.onRequestHeaders([[":path", "/"]], true);
    expect(u32At(host, 0x210)).toBe(WasmResult.Ok);
    expect(r.trapped).toBe(false);
    expect(r.verdict).toBe("stop_all_watermark");
    expect(r.localReply).not.toBeNull();
    const reply = r.localReply!;
    expect(reply.status).toBe(429);
    expect(reply.details).toBe("rate_limited");
    expect(Buffer.from(reply.body).toString()).toBe('{"error":"limited"}');
    expect(reply.headers).toEqual([["retry-after", "7"]]);
    expect(reply.grpcStatus).toBe(-1);
    expect(stream.localReply).toEqual(reply);
  });

  it("delivers no later stream callback, but still done, log and delete", async () => {
    const host = await ProxyWasmHost.create({ module: await guest("local-reply") });
    host.configure("");
    const stream = host.worker(0).newStream();
    const first = stream.onRequestHeaders([[":path", "/"]], false);
    const body = stream.onRequestBody(new TextEncoder().encode("ignored"), true);
    const resp = stream.onResponseHeaders([[":status", "200"]], true);
    expect(body.localReply).toEqual(first.localReply);
    expect(body.body.length).toBe(0);
    expect(resp.localReply).toEqual(first.localReply);
    expect(u32At(host, 0x200)).toBe(0);
    stream.finish();
    stream.finish();
    expect([u32At(host, 0x204), u32At(host, 0x208), u32At(host, 0x20c)]).toEqual([1, 1, 1]);
  });
});
