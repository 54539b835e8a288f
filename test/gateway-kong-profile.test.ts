// build/fairvisor.wasm under the Kong (ngx_wasm_module) profile: strict CAS, shared data only inside a
// configured shm_kv zone (keys "<zone>/<key>", so the module is given shared_data_prefix), a bare
// source.address ($remote_addr) and a numeric plugin_root_id (research/gateways.md 2a and section 0).
import { tokenBucketSuite } from "./support/gateways/profile-suite.js";

tokenBucketSuite({
  name: "kong",
  options: { profile: "kong", shmKvZones: ["fairvisor"], vmConfiguration: JSON.stringify({ shared_data_prefix: "fairvisor/" }) },
  peer: (ip) => ip,
  counters: { kind: "shared" },
});
