// What differs between the proxies that load our module, as data the ABI layer consults
// (DESIGN.md §3, research/gateways.md section 0). abi/ asks for capabilities and rules; it never checks a
// profile's name. One object per profile: envoy.ts, kong.ts, apisix.ts.
import type { Context } from "../context.js";
import type { LocalReply } from "../types.js";

/** A property value as the host serializes it: strings and bytes raw, integers as 8-byte little-endian. */
export type PropertyValue = string | Uint8Array | bigint;

/** Plugin facts a profile may expose as properties. */
export interface PluginFacts {
  readonly pluginName: string;
  readonly rootIdName: string;
  readonly vmId: string;
  /** Numeric id of the root context that owns the asking context. */
  readonly rootContextId: number;
}

export interface HostProfile {
  readonly name: "envoy" | "kong" | "apisix";
  /** Rule of the default in-memory shared data store. */
  readonly casRule: "envoy" | "strict";
  /** proxy_get/set_shared_data exist; false → Unimplemented (APISIX). */
  readonly sharedData: boolean;
  /**
   * Key check before a shared-data access: returns a refusal message to trap the VM (Kong without a matching
   * shm_kv zone), or null to proceed.
   */
  sharedDataRefusal(key: string): string | null;
  readonly sharedQueues: boolean;
  /** proxy_on_queue_ready is dispatched (Kong: not yet implemented). */
  readonly queueReadyCallbacks: boolean;
  readonly ticks: boolean;
  /** proxy_get_log_level is implemented (Kong: no). */
  readonly logLevelQuery: boolean;
  /** proxy_done is implemented (Kong: no). */
  readonly doneCall: boolean;
  /** Value of a property path ("\0"-separated segments as the module sent them); undefined → NotFound. */
  getProperty(path: string, ctx: Context, facts: PluginFacts): PropertyValue | undefined;
  /** proxy_set_property; returns a WasmResult number. */
  setProperty(path: string, value: Uint8Array, ctx: Context): number;
  /** Body callbacks reach the module (APISIX: only after it set wasm_process_req_body / _resp_body). */
  bodyCallbacks(side: "request" | "response", ctx: Context): boolean;
  /** end_of_stream passed to the headers callbacks (Kong always passes false). */
  headersEndOfStream(endOfStream: boolean): boolean;
  /** proxy_http_call's upstream argument is acceptable (Envoy: a known cluster; others: host[:port]). */
  upstreamAccepted(upstream: string, known: boolean): boolean;
  /** The reply a stream gets when the VM has failed, with failure policy fail_closed. */
  trapReply(): LocalReply;
  /** After a trap, replace the instance with a fresh one for the next stream (Kong) instead of failing forever. */
  readonly recycleOnTrap: boolean;
  /** The failure policy option may let traffic through (Envoy FAIL_OPEN); false → always closed. */
  readonly failOpenSupported: boolean;
}
