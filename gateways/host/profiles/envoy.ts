// The Envoy profile: the reference behaviour (DESIGN.md §3; research/gateways.md section 1).
//   - shared data: process-wide, namespaced by vm_id, Envoy CAS rule (cas 0 writes unconditionally);
//   - properties: "\0"-separated paths; source.address is "ip:port" (downstreamRemoteAddress()->asStringView());
//     integers are 8-byte little-endian; plugin_name / plugin_root_id / plugin_vm_id from the configuration
//     (envoy context.cc findValue, getProperty; attributes.rst; research/gateways.md 1.5);
//   - a failed VM: 503, empty body, details wasm_fail_stream, gRPC Unavailable (context.cc failStream);
//     FAIL_OPEN lets traffic through (research/gateways.md 1.8);
//   - proxy_http_call needs a known cluster; every other import of ABI 0.2.1 is implemented.
import { WasmResult } from "../abi/status.js";
import { GRPC_UNAVAILABLE } from "../abi/enums.js";
import { serializePairs } from "../abi/pairs.js";
import type { Context } from "../context.js";
import type { HostProfile, PluginFacts, PropertyValue } from "./profile.js";
import { extraProperty, headerJoined, header, splitAddress, visibleRequestHeaders } from "./request-facts.js";

function requestProperty(field: string | undefined, sub: string | undefined, ctx: Context): PropertyValue | undefined {
  const headers = visibleRequestHeaders(ctx);
  if (headers === null || field === undefined) return undefined;
  switch (field) {
    case "path":
      return header(headers, ":path");
    case "url_path": {
      const p = header(headers, ":path");
      if (p === undefined) return undefined;
      const q = p.indexOf("?");
      return q < 0 ? p : p.slice(0, q);
    }
    case "query": {
      const p = header(headers, ":path");
      if (p === undefined) return undefined;
      const q = p.indexOf("?");
      return q < 0 ? "" : p.slice(q + 1);
    }
    case "host":
      return header(headers, ":authority") ?? header(headers, "host");
    case "scheme":
      return header(headers, ":scheme");
    case "method":
      return header(headers, ":method");
    case "referer":
      return header(headers, "referer");
    case "useragent":
      return header(headers, "user-agent");
    case "id":
      return header(headers, "x-request-id");
    case "headers":
      // request.headers is a map (serialized as pairs); request.headers.<name> one header, values joined.
      return sub === undefined ? serializePairs(headers) : headerJoined(headers, sub.toLowerCase());
    default:
      return undefined;
  }
}

function addressProperty(address: string | undefined, field: string | undefined): PropertyValue | undefined {
  if (address === undefined) return undefined;
  if (field === "address") return address;
  if (field === "port") {
    const port = splitAddress(address)[1];
    return port === undefined || !/^\d+$/.test(port) ? undefined : BigInt(port);
  }
  return undefined;
}

export function envoyProperty(path: string, ctx: Context, facts: PluginFacts): PropertyValue | undefined {
  const segs = path.split("\u0000");
  const top = segs[0];
  if (segs.length === 1) {
    if (top === "plugin_name") return facts.pluginName;
    if (top === "plugin_root_id") return facts.rootIdName;
    if (top === "plugin_vm_id") return facts.vmId;
  }
  let value: PropertyValue | undefined;
  if (top === "request") value = requestProperty(segs[1], segs[2], ctx);
  else if (top === "source" && segs.length === 2) value = addressProperty(ctx.info?.sourceAddress, segs[1]);
  else if (top === "destination" && segs.length === 2) value = addressProperty(ctx.info?.destinationAddress, segs[1]);
  if (value !== undefined) return value;
  // Anything else the gateway knows (connection.id, response.code …) arrives in StreamInfo.properties.
  value = extraProperty(ctx, segs.join("."));
  if (value !== undefined) return value;
  // Values the module stored with proxy_set_property (filter state "wasm.<name>", top-level name only).
  return segs.length === 1 ? ctx.filterState?.get(top) : undefined;
}

/** Envoy Context::setProperty: stream contexts only (root contexts have no stream info → NotFound). */
export function filterStateSet(path: string, value: Uint8Array, ctx: Context): number {
  if (ctx.isRoot) return WasmResult.NotFound;
  (ctx.filterState ??= new Map()).set(path, value);
  return WasmResult.Ok;
}

export const envoyProfile: HostProfile = {
  name: "envoy",
  casRule: "envoy",
  sharedData: true,
  sharedDataRefusal: () => null,
  sharedQueues: true,
  queueReadyCallbacks: true,
  ticks: true,
  logLevelQuery: true,
  doneCall: true,
  getProperty: envoyProperty,
  setProperty: filterStateSet,
  headersEndOfStream: (eos) => eos,
  bodyCallbacks: () => true,
  upstreamAccepted: (_upstream, known) => known,
  trapReply: () => ({ status: 503, details: "wasm_fail_stream", body: new Uint8Array(0), headers: [], grpcStatus: GRPC_UNAVAILABLE }),
  recycleOnTrap: false,
  failOpenSupported: true,
};
