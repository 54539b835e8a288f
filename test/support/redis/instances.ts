// Several "instances" in one process, each with its own host, Redis connection, cache and runner, as
// separate replicas would have: they share nothing but the Redis server.
import { ProxyWasmHost } from "../../../gateways/host/index.js";
import type { HeaderList, HostOptions } from "../../../gateways/host/types.js";
import { createDistributedStore, distributedOptions, type DistributedOptions, type DistributedStore } from "../../../gateways/distributed/index.js";
import { MemoryLogger } from "../../../gateways/standalone/log.js";
import { fairvisorModule } from "../fairvisor-host.js";

export interface Instance {
  host: ProxyWasmHost;
  dist: DistributedStore;
  log: MemoryLogger;
}

export async function startInstance(
  url: string,
  bundle: unknown,
  overrides: Partial<DistributedOptions> = {},
  host: Partial<HostOptions> = {},
): Promise<Instance> {
  const log = new MemoryLogger();
  const dist = await createDistributedStore(distributedOptions(url, overrides), { log });
  const h = await ProxyWasmHost.create({ module: fairvisorModule(), store: dist.store, ...host });
  if (bundle !== undefined) {
    const result = h.configure(typeof bundle === "string" ? bundle : JSON.stringify(bundle));
    if (!result.ok) throw new Error("bundle refused: " + result.logs.map((l) => l.message).join("\n"));
  }
  return { host: h, dist, log };
}

/** One request as Envoy runs it, on a fresh stream: the status (429 = rejected by the filter). */
export function requestOnce(inst: Instance, headers: Record<string, string>, path = "/"): number {
  const stream = inst.host.worker(0).newStream({ sourceAddress: "127.0.0.1:40000" });
  try {
    const list: HeaderList = [[":method", "GET"], [":path", path], [":authority", "api.example.com"], ...Object.entries(headers)];
    const r = stream.onRequestHeaders(list, true);
    const reply = r.localReply ?? stream.localReply;
    if (reply) return reply.status;
    stream.onResponseHeaders([[":status", "200"]], true);
    return 200;
  } finally {
    stream.finish();
  }
}
