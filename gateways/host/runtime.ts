// Everything the workers of one host share: names, clock, stores, metrics, options. Built once by
// ProxyWasmHost.create; each VM reads it.
import type { MetricsRegistry } from "./metrics-registry.js";
import type { HostProfile } from "./profiles/profile.js";
import type { SharedQueues } from "./shared-queues.js";
import type { Clock, FailurePolicy, HeaderList, LogLine, SharedDataStore } from "./types.js";

export type HttpCallFn = (
  upstream: string,
  headers: HeaderList,
  body: Uint8Array,
  timeoutMs: number,
) => Promise<{ headers: HeaderList; body: Uint8Array; trailers?: HeaderList }>;

export interface HostRuntime {
  readonly profile: HostProfile;
  readonly vmId: string;
  readonly pluginName: string;
  readonly rootIdName: string;
  readonly clock: Clock;
  readonly store: SharedDataStore;
  readonly queues: SharedQueues;
  readonly metrics: MetricsRegistry;
  readonly httpCall: HttpCallFn | undefined;
  /** Minimum proxy_log level delivered (0 trace … 5 critical). */
  readonly logLevel: number;
  readonly failurePolicy: FailurePolicy;
  readonly vmConfiguration: Uint8Array;
  /** Delivers one accepted log line to onLog and to any collector (configure). */
  emitLog(line: LogLine): void;
}
