// Deployment options: the VM configuration (Envoy `vm_config.configuration`, read in proxy_on_vm_start) is
// a small JSON object, separate from the policy bundle (the plugin configuration):
//   {"trusted_proxies": ["10.0.0.0/8", "::1"], "trust_geo_headers": false, "shared_data_prefix": "",
//    "max_request_body_bytes": 1048576}
// - trusted_proxies: peers whose X-Forwarded-For is believed (project decision 13, like nginx real_ip).
// - trust_geo_headers: honour X-Country-Code / X-ASN / X-ASN-Type / X-Tor-Exit (decision 13).
// - shared_data_prefix: prepended to every counter key (Kong needs "<zone>/" keys, research/gateways.md 2a).
// - max_request_body_bytes: the largest request body buffered for an LLM decision (spec 8.3 reads at most
//   1 MiB); a larger body gets a 413 request_body_too_large (Envoy itself answers 413 past its buffer
//   limit, research/gateways.md 1.7). Default 1 MiB.
// - local_worker_count: on hosts without shared data (APISIX), counters live in each worker's VM; with N
//   declared workers every limit is divided by N so the workers together enforce about the bundle's limit
//   (research/gateways.md section 3). Default 1 (no division).
// - decision_info: add X-Fairvisor-Decision-Info (decision-info.ts) to every local reply and to the allow
//   headers, for a host that reports on decisions and strips it (the decision service). Default false, so
//   clients behind Envoy, Kong or APISIX see nothing new and the filter spends nothing on it.
// Kong and APISIX hand the module no VM configuration, so the same object may also arrive inside the plugin
// configuration as {"deployment": {...}, "bundle": ...} (assembly/filter/configuration.ts).
import { parseJson, JsonKind, JsonValue } from "../json";
import { Cidr, parseCidr } from "./ip-address";

export const DEFAULT_MAX_REQUEST_BODY_BYTES: u32 = 1048576;
/** Upper bound of max_request_body_bytes: a buffered body must fit comfortably in linear memory. */
const MAX_REQUEST_BODY_LIMIT: f64 = 64 * 1048576;

@final
export class Deployment {
  trustedProxies: Cidr[] = [];
  trustGeoHeaders: bool = false;
  sharedDataPrefix: string = "";
  maxRequestBodyBytes: u32 = DEFAULT_MAX_REQUEST_BODY_BYTES;
  localWorkerCount: i32 = 1;
  decisionInfo: bool = false;
  /** Problems found in the VM configuration; they are logged and the option is ignored. */
  warnings: string[] = [];
}

export function parseDeployment(text: string): Deployment {
  if (text.trim().length == 0) return new Deployment();
  const parsed = parseJson(text);
  const root = parsed.value;
  if (root === null) {
    const out = new Deployment();
    out.warnings.push("vm configuration must be a JSON object: " + parsed.error);
    return out;
  }
  return deploymentFrom(root);
}

export function deploymentFrom(root: JsonValue): Deployment {
  const out = new Deployment();
  if (root.kind != JsonKind.OBJECT) {
    out.warnings.push("deployment options must be a JSON object");
    return out;
  }
  const proxies = root.get("trusted_proxies");
  if (proxies !== null) {
    if (proxies.kind != JsonKind.ARRAY) {
      out.warnings.push("trusted_proxies must be an array of CIDR strings");
    } else {
      for (let i = 0; i < proxies.items.length; i++) {
        const item = proxies.items[i];
        const cidr = item.kind == JsonKind.STRING ? parseCidr(item.str) : null;
        if (cidr === null) {
          out.warnings.push("trusted_proxies[" + (i + 1).toString() + "] is not a CIDR");
        } else {
          out.trustedProxies.push(cidr);
        }
      }
    }
  }
  const geo = root.get("trust_geo_headers");
  if (geo !== null) {
    if (geo.kind == JsonKind.BOOL) out.trustGeoHeaders = geo.bool;
    else out.warnings.push("trust_geo_headers must be a boolean");
  }
  const prefix = root.get("shared_data_prefix");
  if (prefix !== null) {
    if (prefix.kind == JsonKind.STRING) out.sharedDataPrefix = prefix.str;
    else out.warnings.push("shared_data_prefix must be a string");
  }
  const bodyLimit = root.get("max_request_body_bytes");
  if (bodyLimit !== null) {
    const n = bodyLimit.kind == JsonKind.NUMBER ? bodyLimit.num : NaN;
    if (n >= 1 && n <= MAX_REQUEST_BODY_LIMIT && n == Math.floor(n)) out.maxRequestBodyBytes = <u32>n;
    else out.warnings.push("max_request_body_bytes must be an integer between 1 and 67108864");
  }
  const workers = root.get("local_worker_count");
  if (workers !== null) {
    const n = workers.kind == JsonKind.NUMBER ? workers.num : NaN;
    if (n >= 1 && n <= 1024 && n == Math.floor(n)) out.localWorkerCount = <i32>n;
    else out.warnings.push("local_worker_count must be an integer between 1 and 1024");
  }
  const info = root.get("decision_info");
  if (info !== null) {
    if (info.kind == JsonKind.BOOL) out.decisionInfo = info.bool;
    else out.warnings.push("decision_info must be a boolean");
  }
  return out;
}
