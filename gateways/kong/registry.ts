// The wasm hosts of one plugin-server process. State is per process (README "State"): every Kong plugin
// entity (`__plugin_id`) gets one ProxyWasmHost running build/fairvisor.wasm, and all of them keep their
// counters in one in-memory shared-data store, namespaced by plugin id as Envoy namespaces by vm_id
// (research/gateways.md 1.3). A config change of the same plugin entity reconfigures its host, so counters
// survive it (the module keeps the last good bundle when a new one is refused); a new StartInstance with the
// same config (Kong's "no plugin instance" recovery, research 2b) finds the same host. A Redis store that
// spans processes and nodes comes later (DESIGN.md section 2).
import { ProxyWasmHost, InMemorySharedData } from "../host/index.js";
import type { Clock, LogLine } from "../host/types.js";
import { Decider } from "../standalone/decider.js";

export interface RegistryOptions {
  /** Compiled build/fairvisor.wasm. */
  module: () => Promise<WebAssembly.Module>;
  /** Where wasm log lines and load failures go. */
  log: (level: string, event: string, fields: Record<string, unknown>) => void;
  clock?: Clock;
}

interface Entry {
  vmConfiguration: string;
  host: ProxyWasmHost;
  decider: Decider;
  /** Bundle text last offered to the module (accepted or not). */
  bundleText: string | null;
}

export class EngineRegistry {
  private readonly store = new InMemorySharedData();
  private readonly entries = new Map<string, Promise<Entry>>();

  constructor(private readonly options: RegistryOptions) {}

  /** The decider for one plugin entity, created or reconfigured to match `bundleText` and `vmConfiguration`. */
  async deciderFor(pluginId: string, vmConfiguration: string, bundleText: string | null): Promise<Decider> {
    // Look up and insert without an await in between, so concurrent first requests share one host.
    let pending = this.entries.get(pluginId);
    if (!pending) {
      pending = this.create(pluginId, vmConfiguration);
      this.entries.set(pluginId, pending);
    }
    let entry = await pending;
    if (entry.vmConfiguration !== vmConfiguration) {
      // trusted_proxies changed: a new VM (VM configuration is read once, at start), same counters.
      pending = this.create(pluginId, vmConfiguration);
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

  private async create(pluginId: string, vmConfiguration: string): Promise<Entry> {
    const host = await ProxyWasmHost.create({
      module: await this.options.module(),
      store: this.store,
      vmId: pluginId,
      pluginName: "fairvisor",
      vmConfiguration,
      clock: this.options.clock,
      onLog: (line: LogLine) => {
        if (line.level === "trace" || line.level === "debug") return;
        this.options.log(line.level, "wasm_log", { plugin_id: pluginId, msg: line.message });
      },
    });
    return { vmConfiguration, host, decider: new Decider(host, 429), bundleText: null };
  }
}
