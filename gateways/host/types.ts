// The public contract of the TypeScript proxy-wasm host (gateways/host). Every Node-based gateway
// (decision service, reverse proxy, Kong JS plugin, Lambda/GCP/Azure shims) and every end-to-end test
// drives build/fairvisor.wasm through exactly these types. Envoy is the reference behaviour
// (../shared/DESIGN.md section 3, ../shared/research/gateways.md sections 0 and 1).

/** A header list in order; names as given (the host lower-cases names when it stores them, as Envoy does). */
export type HeaderList = Array<[string, string]>;

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "critical";

export interface LogLine {
  level: LogLevel;
  message: string;
  /** Index of the worker (VM instance) that logged it. */
  worker: number;
  /** proxy-wasm context id that was active, 0 when none. */
  contextId: number;
}

/** Time source for `proxy_get_current_time_nanoseconds` and ticks. Tests use ManualClock. */
export interface Clock {
  nowNanos(): bigint;
}

/** Result of proxy_get_shared_data as the ABI defines it. */
export interface SharedDataEntry {
  value: Uint8Array;
  cas: number;
}

/** proxy-wasm WasmResult codes used by shared data (PW-SPEC / proxy-wasm-rust-sdk types.rs). */
export const enum SharedDataStatus {
  Ok = 0,
  NotFound = 1,
  CasMismatch = 8,
  Unimplemented = 12,
}

/**
 * Process-wide shared data, one instance shared by all workers of a host (and by several hosts when
 * passed in). Envoy rules by default (proxy-wasm-cpp-host src/shared_data.cc): one global CAS counter
 * that skips 0; cas 0 writes unconditionally; a non-zero cas must equal the stored one; creating a
 * missing key ignores cas. Profiles may impose other rules (Kong: strict, cas 0 = create only).
 * Later a Redis-backed store implements the same interface (issue 6).
 */
export interface SharedDataStore {
  get(vmId: string, key: string): SharedDataEntry | undefined;
  set(vmId: string, key: string, value: Uint8Array, cas: number): SharedDataStatus;
}

export type FailurePolicy = "fail_closed" | "fail_open";

export interface HostOptions {
  /** Compiled module or its bytes (build/fairvisor.wasm). */
  module: WebAssembly.Module | Uint8Array;
  /** Number of VM instances ("worker threads"), each with its own linear memory. Default 1. */
  workers?: number;
  /** Host profile; default "envoy". */
  profile?: "envoy" | "kong" | "apisix";
  /** Shared data store; default a new in-memory store with the profile's CAS rules. */
  store?: SharedDataStore;
  /** Default: the system clock. */
  clock?: Clock;
  /** What a trapped VM does to streams: 503 wasm_fail_stream (default) or pass-through. */
  failurePolicy?: FailurePolicy;
  /** VM_CONFIGURATION buffer handed to proxy_on_vm_start (deployment options as JSON). */
  vmConfiguration?: string | Uint8Array;
  /** Envoy's vm_id: namespace of shared data. Default "fairvisor". */
  vmId?: string;
  /** Envoy's plugin name and root_id (properties plugin_name, plugin_root_id). */
  pluginName?: string;
  rootId?: string;
  /** Receives every proxy_log line (after the level filter). */
  onLog?: (line: LogLine) => void;
  /** proxy_get_log_level answer and filter. Default "info". */
  logLevel?: LogLevel;
  /**
   * Kong profile only (added by gateways/host): shm_kv zones configured in kong.conf. "*" is the default zone
   * (nginx_wasm_shm_kv), a name is nginx_wasm_shm_kv_<name> used as "<name>/<key>". Without a matching zone
   * every shared-data access traps, as on Kong. Default: none.
   */
  shmKvZones?: string[];
  /**
   * Performs proxy_http_call (added by gateways/host). `upstream` is the module's cluster name (Envoy) or
   * host[:port] (Kong/APISIX). Without it every proxy_http_call returns BadArgument, as Envoy does for an
   * unknown cluster. A rejection or a timeout reaches the module as a failed call (0 headers).
   */
  httpCall?: (
    upstream: string,
    headers: HeaderList,
    body: Uint8Array,
    timeoutMs: number,
  ) => Promise<{ headers: HeaderList; body: Uint8Array; trailers?: HeaderList }>;
}

export interface ConfigureResult {
  /** What proxy_on_configure returned on every worker (all must accept). */
  ok: boolean;
  /** Log lines emitted during the configure calls. */
  logs: LogLine[];
  /** Workers whose VM is failed after this call (skipped, or trapped while configuring / retiring the old root). */
  failedWorkers?: number[];
}

export interface LocalReply {
  status: number;
  /** Response code details (Envoy replaces spaces with "_"). */
  details: string;
  body: Uint8Array;
  headers: HeaderList;
  grpcStatus: number;
}

/** Filter status after a stream callback, as the ABI numbers them. */
export type FilterVerdict = "continue" | "pause" | "continue_and_end_stream" | "stop_all_buffer" | "stop_all_watermark";

export interface CallbackResult {
  verdict: FilterVerdict;
  /** Set when the module called proxy_send_local_response during (or before) this callback. */
  localReply: LocalReply | null;
  /** The VM trapped during this callback (failure policy applied to localReply). */
  trapped: boolean;
}

/** Connection/request facts the host exposes as properties (Envoy attribute names). */
export interface StreamInfo {
  /** `source.address`, "ip:port" on Envoy. */
  sourceAddress?: string;
  destinationAddress?: string;
  /** Extra properties by dotted path, e.g. {"request.id": "abc"}; values as strings or bytes. */
  properties?: Record<string, string | Uint8Array>;
}

/**
 * Something the module did to a stream outside the caller's own callback, e.g. from
 * proxy_on_http_call_response: resume a paused side (`body` holds what was buffered while paused and must now
 * go on the wire), close (reset) a side, or send a local reply.
 */
export type StreamEvent =
  | { kind: "continue"; side: "request" | "response"; body: Uint8Array }
  | { kind: "close"; side: "request" | "response" }
  | { kind: "local_reply"; reply: LocalReply };

export interface HttpStream {
  readonly contextId: number;
  /** Current request / response header maps, including changes the module made. */
  readonly requestHeaders: HeaderList;
  readonly responseHeaders: HeaderList;
  /** The local reply, once the module sent one. */
  readonly localReply: LocalReply | null;

  onRequestHeaders(headers: HeaderList, endOfStream: boolean): CallbackResult;
  /** One data frame. Returns the bytes to forward (the module may replace them) in `body`. */
  onRequestBody(chunk: Uint8Array, endOfStream: boolean): CallbackResult & { body: Uint8Array };
  onResponseHeaders(headers: HeaderList, endOfStream: boolean): CallbackResult;
  onResponseBody(chunk: Uint8Array, endOfStream: boolean): CallbackResult & { body: Uint8Array };
  /** End of the stream: proxy_on_done, proxy_on_log, proxy_on_delete (Envoy order). Idempotent. */
  finish(): void;
  /** Trailers (added by gateways/host; the module can only touch them in these callbacks). */
  onRequestTrailers?(trailers: HeaderList): CallbackResult;
  onResponseTrailers?(trailers: HeaderList): CallbackResult;
  /** Set by the caller to learn about StreamEvents (added by gateways/host). */
  onEvent?: (event: StreamEvent) => void;
}

export interface Worker {
  readonly index: number;
  /** True once the VM trapped; with fail_closed every later stream gets 503 wasm_fail_stream. */
  readonly failed: boolean;
  newStream(info?: StreamInfo): HttpStream;
}
