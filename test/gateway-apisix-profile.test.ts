// build/fairvisor.wasm under the APISIX (wasm-nginx-module) profile: shared data answers Unimplemented (12),
// so counters can only live in each nginx worker's VM memory (research/gateways.md section 3 and section 0,
// consequence 4; DESIGN.md section 2). The properties are nginx variables: the module reads remote_addr.
import { tokenBucketSuite } from "./support/gateways/profile-suite.js";

tokenBucketSuite({
  name: "apisix",
  options: { profile: "apisix", pluginName: "fairvisor" },
  peer: (ip, port) => `${ip}:${port}`,
  counters: { kind: "per-worker", reason: "APISIX has no shared data: each nginx worker's VM counts alone" },
});
