// The proxy-wasm entry points (ABI 0.2.1). We dispatch contexts ourselves instead of using the SDK's
// RootContext/Context classes; README.md "SDK work-arounds" says why. Every entry point tolerates unknown ids: a host
// calling us with an id we do not know gets a neutral answer, never a trap (a trap fails the whole VM,
// DESIGN.md section 3).
import { BufferType, getBuffer, hostLog, LogLevel, nowNanos } from "./host-calls";
import { Deployment, parseDeployment } from "./deployment";
import { HostCounterStore } from "./host-store";
import { configureRoot, RootState } from "./root";
import { readConfiguration } from "./configuration";
import {
  onRequestBody, onRequestHeaders, onRequestTrailers, onResponseBody, onResponseHeaders, onStreamDone, StreamState,
} from "./http";
import { countBundleLoad, defineMetrics } from "./metrics";
import { initReservationIds } from "./reservation-id";
import { StreamingRules } from "./streaming-rules";
import { onRootDone, onThrottleTick } from "./throttle";
import { Engine } from "../engine";

let deployment = new Deployment();
let store = new HostCounterStore("");
const roots = new Map<u32, RootState>();
const streams = new Map<u32, StreamState>();
/** Engine of the most recent accepted configuration, for streams whose root we never saw configured. */
let latestEngine: Engine | null = null;
let latestStreaming: StreamingRules = new StreamingRules();

export function proxy_abi_version_0_2_1(): void {}

/** Takes deployment options (VM configuration, or a configuration envelope on Kong/APISIX). */
function applyDeployment(next: Deployment): void {
  for (let i = 0; i < next.warnings.length; i++) {
    hostLog(LogLevel.WARN, "deployment " + unchecked(next.warnings[i]));
  }
  // A new prefix means other keys; the same prefix keeps the store (and a per-worker fallback's counters).
  if (next.sharedDataPrefix != deployment.sharedDataPrefix) store = new HostCounterStore(next.sharedDataPrefix);
  deployment = next;
}

export function proxy_on_vm_start(root_context_id: u32, vm_configuration_size: u32): u32 {
  defineMetrics();
  initReservationIds(nowNanos());
  if (vm_configuration_size > 0) {
    const bytes = getBuffer(BufferType.VM_CONFIGURATION, 0, vm_configuration_size);
    if (bytes !== null) {
      applyDeployment(parseDeployment(String.UTF8.decode(bytes)));
    }
  }
  return 1;
}

export function proxy_validate_configuration(root_context_id: u32, configuration_size: u32): u32 {
  return 1;
}

export function proxy_on_configure(root_context_id: u32, configuration_size: u32): u32 {
  let root: RootState;
  if (roots.has(root_context_id)) {
    root = roots.get(root_context_id);
  } else {
    root = new RootState(root_context_id);
    roots.set(root_context_id, root);
  }
  const bytes = configuration_size > 0 ? getBuffer(BufferType.PLUGIN_CONFIGURATION, 0, configuration_size) : null;
  const text = bytes === null ? "" : String.UTF8.decode(bytes);
  const now = nowNanos();
  const configuration = readConfiguration(text, <i64>(now / 1_000_000_000));
  const envelope = configuration.deployment;
  if (envelope !== null && configuration.result.bundle !== null) applyDeployment(envelope);
  // Limits are divided only where counters really are per worker (assembly/filter/host-store.ts probe).
  const localWorkers = deployment.localWorkerCount > 1 && store.probe() ? deployment.localWorkerCount : 1;
  const ok = configureRoot(root, configuration.result, deployment, localWorkers);
  countBundleLoad(ok);
  if (ok) {
    latestEngine = root.engine;
    latestStreaming = root.streaming;
  }
  return ok ? 1 : 0;
}

export function proxy_on_context_create(context_id: u32, root_context_id: u32): void {
  if (root_context_id == 0) {
    if (!roots.has(context_id)) roots.set(context_id, new RootState(context_id));
    return;
  }
  let engine: Engine | null = latestEngine;
  let streaming = latestStreaming;
  if (roots.has(root_context_id)) {
    const root = roots.get(root_context_id);
    const rootEngine = root.engine;
    if (rootEngine !== null) {
      engine = rootEngine;
      streaming = root.streaming;
    }
  }
  streams.set(context_id, new StreamState(context_id, root_context_id, engine, streaming));
}

export function proxy_on_request_headers(context_id: u32, headers: u32, end_of_stream: u32): i32 {
  if (!streams.has(context_id)) return 0;
  return onRequestHeaders(streams.get(context_id), deployment, store, end_of_stream != 0);
}

export function proxy_on_request_body(context_id: u32, body_buffer_length: u32, end_of_stream: u32): i32 {
  if (!streams.has(context_id)) return 0;
  return onRequestBody(streams.get(context_id), deployment, store, body_buffer_length, end_of_stream != 0);
}

export function proxy_on_request_trailers(context_id: u32, trailers: u32): i32 {
  if (!streams.has(context_id)) return 0;
  return onRequestTrailers(streams.get(context_id), store);
}

export function proxy_on_response_headers(context_id: u32, headers: u32, end_of_stream: u32): i32 {
  if (!streams.has(context_id)) return 0;
  return onResponseHeaders(streams.get(context_id), store, end_of_stream != 0);
}

export function proxy_on_response_body(context_id: u32, body_buffer_length: u32, end_of_stream: u32): i32 {
  if (!streams.has(context_id)) return 0;
  return onResponseBody(streams.get(context_id), store, body_buffer_length, end_of_stream != 0);
}

export function proxy_on_response_trailers(context_id: u32, trailers: u32): i32 {
  return 0;
}

/**
 * Root or stream: always done at once (README.md "SDK work-arounds": the SDK traps here for root contexts). A stream
 * whose response never completed keeps its LLM reservations (llm-response.ts); a retired root releases
 * the throttled requests its ticks were to wake (throttle.ts).
 */
export function proxy_on_done(context_id: u32): u32 {
  if (streams.has(context_id)) onStreamDone(streams.get(context_id));
  else if (roots.has(context_id)) onRootDone(context_id);
  return 1;
}

export function proxy_on_log(context_id: u32): void {}

export function proxy_on_delete(context_id: u32): void {
  if (streams.has(context_id)) {
    streams.delete(context_id);
    return;
  }
  if (roots.has(context_id)) roots.delete(context_id);
}

export function proxy_on_tick(root_context_id: u32): void {
  onThrottleTick(root_context_id, nowNanos());
}

export function proxy_on_queue_ready(root_context_id: u32, token: u32): void {}

export function proxy_on_http_call_response(context_id: u32, token: u32, headers: u32, body_size: u32, trailers: u32): void {}

export function proxy_on_foreign_function(root_context_id: u32, function_id: u32, data_size: u32): void {}
