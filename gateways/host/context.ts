// Host-side state of one proxy-wasm context (a root/plugin context or an HTTP stream context) inside one
// VM. Which maps and buffers are set at a given moment decides what the module may touch then, exactly as
// Envoy's Context keeps request_headers_, request_body_buffer_, temp_plugin_, http_call_response_ … and
// clears them when the phase ends (envoy source/extensions/common/wasm/context.cc, research/gateways.md 1.7).
import type { HeaderList, LocalReply, StreamInfo } from "./types.js";

/** A body being processed: the current chunk, or everything buffered since the module returned Pause. */
export interface BodyBuffer {
  bytes: Uint8Array;
}

export interface HttpCallResponse {
  headers: HeaderList;
  body: Uint8Array;
  trailers: HeaderList;
}

/** What a stream context lets the ABI do to its stream; implemented by HttpStreamImpl. */
export interface StreamControl {
  sendLocalReply(reply: LocalReply): void;
  continueStream(side: "request" | "response"): void;
  closeStream(side: "request" | "response"): void;
  /** proxy_done after on_done returned false: finish with on_log and on_delete. */
  finishDeferred(): void;
}

export class Context {
  /** Maps the module may read and modify now (Envoy getMap); null outside their phase. */
  requestHeaders: HeaderList | null = null;
  requestTrailers: HeaderList | null = null;
  responseHeaders: HeaderList | null = null;
  responseTrailers: HeaderList | null = null;
  /** on_log: maps are readable, not writable (Envoy access_log_phase_, getConstMap). */
  logPhase = false;
  logRequestHeaders: HeaderList | null = null;
  logResponseHeaders: HeaderList | null = null;
  logResponseTrailers: HeaderList | null = null;
  /** end_of_stream of the current body callback (Envoy end_of_stream_, lets on_*_body add trailers). */
  endOfStream = false;
  requestBody: BodyBuffer | null = null;
  responseBody: BodyBuffer | null = null;
  /** Connection facts and extra properties the caller gave for this stream. */
  info: StreamInfo | null = null;
  /** Values stored by proxy_set_property (Envoy keeps them in filter state as "wasm.<path>"). */
  filterState: Map<string, Uint8Array> | null = null;
  stream: StreamControl | null = null;
  /** on_done returned false; proxy_done will complete the teardown. */
  pendingDone = false;
  /** Root contexts only. */
  vmConfiguration: Uint8Array | null = null;
  pluginConfiguration: Uint8Array | null = null;
  httpCallResponse: HttpCallResponse | null = null;
  statusCode = 0;
  statusMessage = "";
  tickPeriodMs = 0;
  nextTickNanos = 0n;

  constructor(
    readonly id: number,
    /** Parent root context id; 0 for a root context (proxy_on_context_create's second argument). */
    readonly rootId: number,
  ) {}

  get isRoot(): boolean {
    return this.rootId === 0;
  }
}
