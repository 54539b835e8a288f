// Root context state: the compiled bundle of one plugin configuration. The root parses, streams only use
// (STYLE.md, `on_configure` keeps the parsed config). A refused bundle leaves the previous engine of this root
// in place (last good bundle keeps enforcing; envoyproxy/ratelimit SetConfig does the same), and in Envoy the
// host itself also keeps the old plugin when on_configure returns false (research/gateways.md 1.2).
import { Bundle, divideLimits, LoadResult } from "../policy";
import { Engine, EngineOptions } from "../engine";
import { Deployment } from "./deployment";
import { hostLog, LogLevel } from "./host-calls";
import { jsonNumber, jsonString, jsonStringArray } from "./json-text";
import { StreamingRules } from "./streaming-rules";

@final
export class RootState {
  engine: Engine | null = null;
  bundle: Bundle | null = null;
  /** Streaming settings of the LLM rules of `bundle` (spec 8.7), for the response side. */
  streaming: StreamingRules = new StreamingRules();
  constructor(public id: u32) {}
}

function countRules(bundle: Bundle): i32 {
  let rules = 0;
  for (let i = 0; i < bundle.policies.length; i++) rules += unchecked(bundle.policies[i]).rules.length;
  return rules;
}

/**
 * The one line every host reads to learn what happened to a bundle (the decision service, the CLI's
 * `validate` and the tests parse it): `load_report {"ok":...}`.
 */
export function loadReport(result: LoadResult): string {
  const bundle = result.bundle;
  if (bundle === null) {
    return "load_report {\"ok\":false,\"version\":0,\"policies\":0,\"rules\":0,\"raw_policies\":0,\"raw_rules\":0,\"errors\":" +
      jsonStringArray(result.policyErrors) + ",\"error\":" + jsonString(result.fatalError) + "}";
  }
  return "load_report {\"ok\":true,\"version\":" + jsonNumber(bundle.version) +
    ",\"policies\":" + bundle.policies.length.toString() +
    ",\"rules\":" + countRules(bundle).toString() +
    ",\"raw_policies\":" + bundle.rawPolicyCount.toString() +
    ",\"raw_rules\":" + bundle.rawRuleCount.toString() +
    ",\"errors\":" + jsonStringArray(result.policyErrors) + ",\"error\":\"\"}";
}

/**
 * Applies a loaded configuration to `root`; returns false when the bundle is refused (the root keeps its
 * previous engine). `localWorkers` > 1 divides every limit across workers that cannot share counters
 * (assembly/policy/divide-limits.ts).
 */
export function configureRoot(root: RootState, result: LoadResult, deployment: Deployment, localWorkers: i32): bool {
  // Each dropped policy is logged as the reference does (spec 2.2).
  for (let i = 0; i < result.policyErrors.length; i++) {
    hostLog(LogLevel.ERROR, "load_from_string validation_error=" + unchecked(result.policyErrors[i]));
  }
  const bundle = result.bundle;
  if (bundle === null) {
    hostLog(LogLevel.ERROR, loadReport(result));
    return false;
  }
  if (localWorkers > 1) {
    divideLimits(bundle, localWorkers);
    hostLog(LogLevel.WARN, "limits_divided_per_worker workers=" + localWorkers.toString());
  }
  const options = new EngineOptions();
  options.trustGeoHeaders = deployment.trustGeoHeaders;
  root.engine = new Engine(bundle, options);
  root.bundle = bundle;
  root.streaming = StreamingRules.of(bundle);
  hostLog(LogLevel.INFO, loadReport(result));
  return true;
}
