// The Kong profile: Kong Gateway 3.4-3.9 with ngx_wasm_module (research/gateways.md 2a and section 0).
//   - shared data lives in shm_kv zones shared by all nginx workers; CAS is strict (cas 0 = create only,
//     CasMismatch when the key exists: ngx_wa_shm_kv.c ngx_wa_shm_kv_set_locked). A key "zone/rest" uses
//     zone `zone` when it is configured (nginx_wasm_shm_kv_<zone>), else the default zone "*"
//     (nginx_wasm_shm_kv); with neither, every access traps ("could not resolve namespace",
//     ngx_proxy_wasm_host.c). The zones come from HostOptions.shmKvZones;
//   - properties: Envoy-like names mapped to nginx variables, all strings; source.address is $remote_addr
//     (no port); plugin_root_id is the numeric root context id; plugin_vm_id is not supported; ngx.<var>
//     reads an nginx variable; "." and "\0" both separate segments;
//   - headers callbacks never see end_of_stream; proxy_get_log_level, proxy_done and on_queue_ready are
//     not implemented; a trap fails the request with 500 and the next request gets a fresh instance
//     (t/03-proxy_wasm/007-on_http_instance_isolation.t); there is no fail-open switch;
//   - proxy_http_call takes host[:port] (ngx_wasm_module resolves it).
import { WasmResult } from "../abi/status.js";
import type { Context } from "../context.js";
import { nginxVariable } from "./nginx-vars.js";
import type { HostProfile, PluginFacts, PropertyValue } from "./profile.js";
import { extraProperty, headerJoined, splitAddress, visibleRequestHeaders } from "./request-facts.js";
import { filterStateSet } from "./envoy.js";

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;

function kongProperty(path: string, ctx: Context, facts: PluginFacts): PropertyValue | undefined {
  const dotted = path.replace(/\u0000/g, ".");
  switch (dotted) {
    case "plugin_name":
      return facts.pluginName;
    case "plugin_root_id":
      return String(facts.rootContextId);
    case "source.address":
      return nginxVariable("remote_addr", ctx);
    case "source.port":
      return nginxVariable("remote_port", ctx);
    case "destination.address":
      return nginxVariable("server_addr", ctx);
    case "destination.port":
      return nginxVariable("server_port", ctx);
    case "request.path":
      return nginxVariable("request_uri", ctx);
    case "request.method":
      return nginxVariable("request_method", ctx);
    case "request.scheme":
      return nginxVariable("scheme", ctx);
    case "request.host":
      return nginxVariable("host", ctx);
  }
  if (dotted.startsWith("request.headers.")) {
    const headers = visibleRequestHeaders(ctx);
    return headers === null ? undefined : headerJoined(headers, dotted.slice(16).toLowerCase());
  }
  if (dotted.startsWith("ngx.")) return nginxVariable(dotted.slice(4), ctx);
  const extra = extraProperty(ctx, dotted);
  if (extra !== undefined) return typeof extra === "string" ? extra : Buffer.from(extra).toString("utf8");
  return undefined;
}

export function kongProfile(shmKvZones: readonly string[]): HostProfile {
  const zones = new Set(shmKvZones);
  return {
    name: "kong",
    casRule: "strict",
    sharedData: true,
    sharedDataRefusal(key: string): string | null {
      const slash = key.indexOf("/");
      if (slash > 0 && zones.has(key.slice(0, slash))) return null;
      if (zones.has("*")) return null;
      return `could not resolve namespace of shared data key "${key}" (no matching shm_kv zone)`;
    },
    sharedQueues: true,
    queueReadyCallbacks: false,
    ticks: true,
    logLevelQuery: false,
    doneCall: false,
    getProperty: kongProperty,
    setProperty: (path, value, ctx) => (path.startsWith("ngx.") || path.startsWith("kong.") ? filterStateSet(path, value, ctx) : WasmResult.NotFound),
    bodyCallbacks: () => true,
    headersEndOfStream: () => false,
    upstreamAccepted: (upstream) => HOST_PORT.test(upstream) && splitAddress(upstream)[0] !== "",
    trapReply: () => ({ status: 500, details: "", body: new Uint8Array(0), headers: [], grpcStatus: -1 }),
    recycleOnTrap: true,
    failOpenSupported: false,
  };
}
