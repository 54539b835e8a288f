// gateways/host: a proxy-wasm ABI 0.2.1 host for Node with Envoy semantics and Kong/APISIX profiles.
export { ProxyWasmHost } from "./host.js";
export { InMemorySharedData, type CasRule, type InMemorySharedDataOptions } from "./shared-data.js";
export { ManualClock, SystemClock } from "./clock.js";
export { ProcExit, ReentrantCallError } from "./errors.js";
export { serializePairs, parsePairs } from "./abi/pairs.js";
export type * from "./types.js";
export { SharedDataStatus } from "./types.js";
