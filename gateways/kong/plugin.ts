// The Kong plugin instance: one per StartInstance (research/gateways.md 2b). It resolves its bundle once
// (`bundle` JSON text or `bundle_path`), then each access event asks the process's wasm host for a decision.
import { readFile } from "node:fs/promises";
import { applyDecision, requestFromPdk } from "./handler.js";
import type { EngineRegistry } from "./registry.js";
import type { FairvisorKongConfig, KongPdk } from "./types.js";

export type KongLog = (level: string, event: string, fields: Record<string, unknown>) => void;

/** The bundle text from the plugin config; exactly one of `bundle` and `bundle_path` must be set. */
export async function bundleText(config: FairvisorKongConfig): Promise<string> {
  const inline = typeof config.bundle === "string" && config.bundle.length > 0 ? config.bundle : null;
  const path = typeof config.bundle_path === "string" && config.bundle_path.length > 0 ? config.bundle_path : null;
  if (inline !== null && path !== null) throw new Error("set either bundle or bundle_path, not both");
  if (inline !== null) return inline;
  if (path !== null) return readFile(path, "utf8");
  throw new Error("bundle or bundle_path is required");
}

/** Deployment options for the module (README "Deployment options for the module"). */
export function vmConfigurationOf(config: FairvisorKongConfig): string {
  return JSON.stringify({ trusted_proxies: Array.isArray(config.trusted_proxies) ? config.trusted_proxies : [] });
}

export class FairvisorKongPlugin {
  private readonly bundle: Promise<string | null>;
  private readonly pluginId: string;

  constructor(
    private readonly config: FairvisorKongConfig,
    private readonly registry: EngineRegistry,
    log: KongLog,
  ) {
    this.pluginId = typeof config.__plugin_id === "string" && config.__plugin_id ? config.__plugin_id : "fairvisor";
    // Without a bundle the module answers 503 no_bundle_loaded (spec 9.3), so a broken config fails closed.
    this.bundle = bundleText(config).catch((err: Error) => {
      log("error", "kong_bundle_unavailable", { plugin_id: this.pluginId, err: err.message });
      return null;
    });
  }

  async access(kong: KongPdk): Promise<void> {
    const vmId = typeof this.config.vm_id === "string" && this.config.vm_id ? this.config.vm_id : undefined;
    const decider = await this.registry.deciderFor(this.pluginId, vmConfigurationOf(this.config), await this.bundle, vmId);
    const input = await requestFromPdk(kong);
    // An LLM allow leaves the stream open for a later usage report; this plugin has no response phase
    // (README: a `response` handler breaks SSE), so the reservation stands and the registry's decider
    // ends the stream with the decision (registry.ts).
    const outcome = await decider.decide(input, null);
    await applyDecision(kong, outcome.answer);
  }
}
