// The APISIX profile: wasm-nginx-module inside APISIX-Runtime (research/gateways.md section 3 and 0).
//   - no shared data, shared queues or ticks: those imports return Unimplemented (12);
//   - a property path is an nginx variable name (remote_addr, request_uri, http_x_api_key …); Envoy paths
//     such as source.address are not found; plugin_root_id is the plugin name (special case for the
//     AssemblyScript SDK); proxy_set_property sets a variable;
//   - body callbacks run only after the module set wasm_process_req_body / wasm_process_resp_body (from the
//     headers callback); APISIX reads the whole request body and delivers it once with end_of_stream;
//   - a failure in the request callbacks makes the plugin answer 503; proxy_get_log_level and proxy_done
//     are not implemented; proxy_http_call takes host[:port].
import { WasmResult } from "../abi/status.js";
import type { Context } from "../context.js";
import { filterStateSet } from "./envoy.js";
import { nginxVariable } from "./nginx-vars.js";
import type { HostProfile, PluginFacts, PropertyValue } from "./profile.js";

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;

function apisixProperty(path: string, ctx: Context, facts: PluginFacts): PropertyValue | undefined {
  if (path === "plugin_root_id") return facts.pluginName;
  if (path.includes("\u0000") || path.includes(".")) return undefined;
  return nginxVariable(path.toLowerCase(), ctx);
}

function flagSet(ctx: Context, name: string): boolean {
  const v = ctx.filterState?.get(name);
  return v !== undefined && v.length > 0;
}

export const apisixProfile: HostProfile = {
  name: "apisix",
  casRule: "envoy",
  sharedData: false,
  sharedDataRefusal: () => null,
  sharedQueues: false,
  queueReadyCallbacks: false,
  ticks: false,
  logLevelQuery: false,
  doneCall: false,
  getProperty: apisixProperty,
  setProperty: (path: string, value: Uint8Array, ctx: Context) =>
    path.includes("\u0000") ? WasmResult.NotFound : filterStateSet(path.toLowerCase(), value, ctx),
  bodyCallbacks: (side, ctx) => flagSet(ctx, side === "request" ? "wasm_process_req_body" : "wasm_process_resp_body"),
  headersEndOfStream: (eos) => eos,
  upstreamAccepted: (upstream) => HOST_PORT.test(upstream),
  trapReply: () => ({ status: 503, details: "", body: new Uint8Array(0), headers: [], grpcStatus: -1 }),
  recycleOnTrap: false,
  failOpenSupported: false,
};
