// Kong JavaScript PDK plugin: runs build/fairvisor.wasm in the plugin-server process (gateways/kong/README.md).
import { loadWasmModule, resolveWasmPath } from "../cli/wasm-module.js";
import { FairvisorKongPlugin, type KongLog } from "./plugin.js";
import { EngineRegistry } from "./registry.js";
import type { FairvisorKongConfig } from "./types.js";
import { createDistributedStore, distributedOptionsFromEnv, redactUrl, type DistributedStore } from "../distributed/index.js";

export { FairvisorKongPlugin, bundleText, vmConfigurationOf, type KongLog } from "./plugin.js";
export { EngineRegistry, type RegistryOptions } from "./registry.js";
export { applyDecision, headerList, requestFromPdk } from "./handler.js";
export type { FairvisorKongConfig, KongHeaderMap, KongPdk } from "./types.js";

/** JSON lines on stderr: Kong logs the plugin server's output; stdout must stay clean for --dump-all-plugins. */
export const stderrLog: KongLog = (level, event, fields) => {
  process.stderr.write(JSON.stringify({ level, event, ...fields }) + "\n");
};

let moduleOnce: Promise<WebAssembly.Module> | undefined;
let registryOnce: EngineRegistry | undefined;
let storeOnce: Promise<DistributedStore | null> | undefined;

/**
 * The process's Redis store when FAIRVISOR_REDIS_URL is set (same variables as `fairvisor serve`), created
 * once; null otherwise. plugin/fairvisor.cjs calls it at start-up, so the connection (and its log line)
 * does not wait for the first request. A bad setting rejects, and every request then fails (Kong: 500)
 * rather than silently counting per process.
 */
export function processStore(env: NodeJS.ProcessEnv = process.env): Promise<DistributedStore | null> {
  storeOnce ??= (async () => {
    const options = distributedOptionsFromEnv(env);
    if (options === null) return null;
    const store = await createDistributedStore(options, { log: { log: (level, event, fields = {}) => stderrLog(level, event, fields) } });
    stderrLog("info", "kong_state_redis", {
      target: redactUrl(options.url),
      mode: options.mode,
      failure_mode: options.failureMode,
      timeout_ms: options.timeoutMs,
      prefix: options.prefix,
      msg: "fairvisor counters live in Redis: shared by every plugin server and decision service on it",
    });
    return store;
  })();
  storeOnce.catch((err: Error) => stderrLog("error", "kong_redis_config_invalid", { err: err.message }));
  return storeOnce;
}

/** The process-wide registry (state is per plugin-server process, or in Redis with FAIRVISOR_REDIS_URL). */
export function processRegistry(): EngineRegistry {
  registryOnce ??= new EngineRegistry({
    module: () => (moduleOnce ??= loadWasmModule(resolveWasmPath(process.env))),
    log: stderrLog,
    distributed: () => processStore(),
  });
  return registryOnce;
}

/** Called by gateways/kong/plugin/fairvisor.cjs for each StartInstance. */
export function createPlugin(config: FairvisorKongConfig): FairvisorKongPlugin {
  return new FairvisorKongPlugin(config, processRegistry(), stderrLog);
}
