// The wasm hosts of one plugin-server process. State is per process (README "State"): every Kong plugin
// entity (`__plugin_id`) gets one ProxyWasmHost running build/fairvisor.wasm, and all of them keep their
// counters in one in-memory shared-data store, namespaced by the config's `vm_id` as Envoy namespaces by vm_id
// (research/gateways.md 1.3). A config change of the same plugin entity reconfigures its host, so counters
// survive it (the module keeps the last good bundle when a new one is refused); a new StartInstance with the
// same config (Kong's "no plugin instance" recovery, research 2b) finds the same host. With
// FAIRVISOR_REDIS_URL the counters live in Redis instead (gateways/distributed): one store per process,
// shared by every plugin entity (namespaced by the plugin's `vm_id`, default "fairvisor" like the decision service), and every
// decision is one transaction through DistributedDecider, exactly as in the decision service.
import { ProxyWasmHost, InMemorySharedData } from "../host/index.js";
import type { Clock, LogLine } from "../host/types.js";
import { Decider, type DecisionOutcome } from "../standalone/decider.js";
import type { DecisionInput } from "../standalone/types.js";
import { DistributedDecider, type AsyncDecider, type DistributedStore } from "../distributed/index.js";

export interface RegistryOptions {
  /** Compiled build/fairvisor.wasm. */
  module: () => Promise<WebAssembly.Module>;
  /** Where wasm log lines and load failures go. */
  log: (level: string, event: string, fields: Record<string, unknown>) => void;
  clock?: Clock;
  /** The process's Redis store, created once (null: the in-memory store). Default: none. */
  distributed?: () => Promise<DistributedStore | null>;
}

/** Default counter namespace, the same as the decision service's. */
export const DEFAULT_VM_ID = "fairvisor";

interface Entry {
  vmConfiguration: string;
  vmId: string;
  host: ProxyWasmHost;
  decider: AsyncDecider;
  /** Bundle text last offered to the module (accepted or not). */
  bundleText: string | null;
}

export class EngineRegistry {
  private readonly store = new InMemorySharedData();
  private readonly entries = new Map<string, Promise<Entry>>();

  constructor(private readonly options: RegistryOptions) {}

  /** The decider for one plugin entity, created or reconfigured to match `bundleText` and `vmConfiguration`. */
  async deciderFor(pluginId: string, vmConfiguration: string, bundleText: string | null, vmId = DEFAULT_VM_ID): Promise<AsyncDecider> {
    // Look up and insert without an await in between, so concurrent first requests share one host.
    let pending = this.entries.get(pluginId);
    if (!pending) {
      pending = this.create(pluginId, vmConfiguration, vmId);
      this.entries.set(pluginId, pending);
    }
    let entry = await pending;
    if (entry.vmConfiguration !== vmConfiguration || entry.vmId !== vmId) {
      // trusted_proxies or vm_id changed: a new VM (VM configuration is read once, at start).
      pending = this.create(pluginId, vmConfiguration, vmId);
      this.entries.set(pluginId, pending);
      entry = await pending;
    }
    if (entry.bundleText !== bundleText && bundleText !== null) {
      entry.bundleText = bundleText;
      const result = entry.host.configure(bundleText);
      if (!result.ok) {
        const messages = result.logs.map((l) => l.message);
        this.options.log("error", "kong_bundle_refused", { plugin_id: pluginId, logs: messages });
      }
    }
    return entry.decider;
  }

  private async create(pluginId: string, vmConfiguration: string, vmId: string): Promise<Entry> {
    const distributed = (await this.options.distributed?.()) ?? null;
    const host = await ProxyWasmHost.create({
      module: await this.options.module(),
      store: distributed?.store ?? this.store,
      // The counters' namespace, as Envoy's vm_id: "fairvisor" by default, the same as `fairvisor serve`, so a
      // Kong node and a decision service on one Redis share buckets; set `vm_id` to keep entities apart.
      vmId,
      pluginName: "fairvisor",
      vmConfiguration,
      clock: this.options.clock,
      onLog: (line: LogLine) => {
        if (line.level === "trace" || line.level === "debug") return;
        this.options.log(line.level, "wasm_log", { plugin_id: pluginId, msg: line.message });
      },
    });
    const local = new Decider(host, 429);
    // This plugin has no response phase (plugin.ts): an LLM allow's open stream ends with its decision.
    // Finishing it inside decide() keeps that inside the Redis transaction, so it is never a blind write.
    const finishing: AsyncDecider = {
      async decide(input: DecisionInput, body: Uint8Array | null): Promise<DecisionOutcome> {
        const outcome = await local.decide(input, body);
        outcome.openStream?.finish();
        return { ...outcome, openStream: null };
      },
    };
    const decider = distributed ? new DistributedDecider(finishing, distributed.runner) : finishing;
    return { vmConfiguration, vmId, host, decider, bundleText: null };
  }
}
