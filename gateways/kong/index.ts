// Kong JavaScript PDK plugin: runs build/fairvisor.wasm in the plugin-server process (gateways/kong/README.md).
import { loadWasmModule, resolveWasmPath } from "../cli/wasm-module.js";
import { FairvisorKongPlugin, type KongLog } from "./plugin.js";
import { EngineRegistry } from "./registry.js";
import type { FairvisorKongConfig } from "./types.js";

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

/** The process-wide registry (state is per plugin-server process). */
export function processRegistry(): EngineRegistry {
  registryOnce ??= new EngineRegistry({
    module: () => (moduleOnce ??= loadWasmModule(resolveWasmPath(process.env))),
    log: stderrLog,
  });
  return registryOnce;
}

/** Called by gateways/kong/plugin/fairvisor.cjs for each StartInstance. */
export function createPlugin(config: FairvisorKongConfig): FairvisorKongPlugin {
  return new FairvisorKongPlugin(config, processRegistry(), stderrLog);
}
