// build/fairvisor.wasm under the Envoy profile: source.address is "ip:port" and shared data is process-wide
// across worker threads (research/gateways.md 1.3, 1.5).
import { tokenBucketSuite } from "./support/gateways/profile-suite.js";

tokenBucketSuite({
  name: "envoy",
  options: { profile: "envoy", vmId: "fairvisor", rootId: "fairvisor" },
  peer: (ip, port) => `${ip}:${port}`,
  counters: { kind: "shared" },
});
