// The wasm's own counters (assembly/filter/metrics.ts defines them with proxy_define_metric), read from the
// host's registry. The host is single-threaded JavaScript and a stream callback runs synchronously, so the
// change of a counter across one callback belongs to that stream alone.

/** The part of ProxyWasmHost this needs. */
export interface MetricsSource {
  metrics(): Map<string, { type: string; value: bigint }>;
}

export const SHADOW_WOULD_REJECT = "fairvisor_decisions_shadow_would_reject_total";
export const CAS_RETRIES = "fairvisor_cas_retries_total";
export const STORE_ERRORS = "fairvisor_store_errors_total";

export function counterValue(source: MetricsSource, name: string): bigint {
  return source.metrics().get(name)?.value ?? 0n;
}
