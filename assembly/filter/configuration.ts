// What the plugin configuration holds. Envoy gives the module two buffers (plugin configuration = the bundle,
// VM configuration = deployment options), but Kong and APISIX render only the plugin configuration
// (research/gateways.md 2a and 3; plugins/kong/README.md). So the plugin configuration is either the bundle
// itself (Fairvisor Edge compatible) or an envelope carrying both:
//   {"deployment": {"shared_data_prefix": "fairvisor/", "local_worker_count": 4}, "bundle": {...bundle...}}
// `bundle` may also be the bundle's JSON text as a string. A bundle never has a top-level "bundle" member
// (it is not in spec 2.1), and an envelope never has "bundle_version", so the two cannot be confused.
import { JsonKind, parseJson } from "../json";
import { LoadResult, loadBundle, loadParsedBundle } from "../policy";
import { Deployment, deploymentFrom } from "./deployment";

@final
export class Configuration {
  result: LoadResult = new LoadResult();
  /** Deployment options from the envelope, or null when the configuration is a bare bundle. */
  deployment: Deployment | null = null;
}

export function readConfiguration(text: string, nowSeconds: i64): Configuration {
  const out = new Configuration();
  if (text.length == 0) {
    out.result = loadBundle(text, nowSeconds);
    return out;
  }
  const parsed = parseJson(text);
  const root = parsed.value;
  if (root === null || root.kind != JsonKind.OBJECT || !root.has("bundle") || root.has("bundle_version")) {
    // Not an envelope: the loader parses again and reports JSON errors with their line and column.
    out.result = root === null ? loadBundle(text, nowSeconds) : loadParsedBundle(root, nowSeconds);
    return out;
  }
  const options = root.get("deployment");
  if (options !== null) out.deployment = deploymentFrom(options);
  const bundle = root.get("bundle");
  if (bundle === null) {
    out.result = loadBundle("", nowSeconds);
  } else if (bundle.kind == JsonKind.STRING) {
    out.result = loadBundle(bundle.str, nowSeconds);
  } else {
    out.result = loadParsedBundle(bundle, nowSeconds);
  }
  return out;
}
