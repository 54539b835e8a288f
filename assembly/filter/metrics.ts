// Counters the module reports through proxy_define_metric (Envoy shows them as `wasmcustom.<name>`).
// Defined once per VM in proxy_on_vm_start; a host without metrics (APISIX) just refuses the ids.
import { defineMetric, incrementMetric, NO_METRIC } from "./host-calls";

let allowed: u32 = NO_METRIC;
let rejected: u32 = NO_METRIC;
let shadowWouldReject: u32 = NO_METRIC;
let casRetries: u32 = NO_METRIC;
let storeErrors: u32 = NO_METRIC;
let bundleLoads: u32 = NO_METRIC;
let bundleRefusals: u32 = NO_METRIC;

export function defineMetrics(): void {
  allowed = defineMetric(0, "fairvisor_decisions_allow_total");
  rejected = defineMetric(0, "fairvisor_decisions_reject_total");
  shadowWouldReject = defineMetric(0, "fairvisor_decisions_shadow_would_reject_total");
  casRetries = defineMetric(0, "fairvisor_cas_retries_total");
  storeErrors = defineMetric(0, "fairvisor_store_errors_total");
  bundleLoads = defineMetric(0, "fairvisor_bundle_loads_total");
  bundleRefusals = defineMetric(0, "fairvisor_bundle_refusals_total");
}

export function countDecision(reject: bool, wouldReject: bool, retries: i32, errors: i32): void {
  incrementMetric(reject ? rejected : allowed, 1);
  if (wouldReject) incrementMetric(shadowWouldReject, 1);
  if (retries > 0) incrementMetric(casRetries, retries);
  if (errors > 0) incrementMetric(storeErrors, errors);
}

export function countBundleLoad(ok: bool): void {
  incrementMetric(ok ? bundleLoads : bundleRefusals, 1);
}
