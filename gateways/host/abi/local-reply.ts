// proxy_send_local_response (proxy-wasm/spec v0.2.1; envoy context.cc Context::sendLocalResponse;
// research/gateways.md 1.6): status, details, body, serialized extra headers and a gRPC status. Envoy queues
// the reply until the VM call returns and makes the current callback stop iterating (exports.cc
// stopNextIteration). Spaces in details become "_" (StringUtil::replaceAllEmptySpace); a gRPC status outside
// 0..16 (SDKs pass -1) means none. On a context without a stream (a root context) nothing is sent.
import type { LocalReply } from "../types.js";
import type { AbiHost } from "./abi-host.js";
import { parsePairs } from "./pairs.js";
import { WasmResult } from "./status.js";

export function localReplyImports(h: AbiHost) {
  const mem = h.mem;
  return {
    proxy_send_local_response(
      status: number, detailsPtr: number, detailsSize: number, bodyPtr: number, bodySize: number,
      headersPtr: number, headersSize: number, grpcStatus: number,
    ): number {
      const details = mem.string(detailsPtr, detailsSize);
      const body = mem.copy(bodyPtr, bodySize);
      const headerBytes = mem.view(headersPtr, headersSize);
      if (details === null || body === null || headerBytes === null) return WasmResult.InvalidMemoryAccess;
      const reply: LocalReply = {
        status: status >>> 0,
        details: details.replace(/[ \t\n\v\f\r]/g, "_"),
        body,
        headers: parsePairs(headerBytes, true),
        grpcStatus: grpcStatus >= 0 && grpcStatus <= 16 ? grpcStatus : -1,
      };
      const ctx = h.active();
      const stream = ctx?.stream ?? null;
      if (stream !== null) h.afterCall(() => stream.sendLocalReply(reply));
      h.stopIteration();
      return WasmResult.Ok;
    },
  };
}
