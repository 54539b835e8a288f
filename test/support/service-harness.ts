// Starts the real service (real node:http, real host, real build/fairvisor.wasm) for suites that span it:
// reverse proxy, admin, metrics, reconciliation. Each suite keeps its own list of running services.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../gateways/host/index.js";
import type { ServiceConfig } from "../../gateways/standalone/config.js";
import { MemoryLogger } from "../../gateways/standalone/log.js";
import { DecisionService } from "../../gateways/standalone/service.js";
import { loadWasmModule, resolveWasmPath } from "../../gateways/cli/wasm-module.js";

/** build/fairvisor.wasm, or FAIRVISOR_WASM (a work-in-progress build) when set. */
let compiled: Promise<WebAssembly.Module> | undefined;
function fairvisorModule(): Promise<WebAssembly.Module> {
  compiled ??= loadWasmModule(resolveWasmPath(process.env));
  return compiled;
}

const dir = mkdtempSync(join(tmpdir(), "fv-harness-"));
let fileNo = 0;

export interface Started {
  service: DecisionService;
  log: MemoryLogger;
  clock: ManualClock;
  base: string;
  file: string;
}

/** `systemClock`: the wasm's time is real time (throttle waits, which a tick ends, need it to move). */
export async function startService(bundle: string | null, config: Partial<ServiceConfig> = {}, systemClock = false): Promise<Started> {
  const file = join(dir, `policy-${++fileNo}.json`);
  if (bundle !== null) writeFileSync(file, bundle);
  const log = new MemoryLogger();
  const clock = new ManualClock(1_767_225_600_000_000_000n);
  const service = await DecisionService.start({
    config: {
      configFile: bundle === null ? "" : file,
      host: "127.0.0.1",
      port: 0,
      workers: 1,
      trustedProxies: [],
      denyStatus: 429,
      logLevel: "info",
      ...config,
    },
    module: await fairvisorModule(),
    log,
    clock: systemClock ? undefined : clock,
    watch: false,
  });
  return { service, log, clock, file, base: `http://127.0.0.1:${service.port}` };
}

export function tokenBucketBundle(version: number, opts: { id?: string; burst?: number; prefix?: string; shadow?: boolean } = {}): string {
  return JSON.stringify({
    bundle_version: version,
    policies: [
      {
        id: opts.id ?? "tb",
        spec: {
          selector: { pathPrefix: opts.prefix ?? "/api/" },
          mode: opts.shadow ? "shadow" : "enforce",
          rules: [
            {
              name: "per-key",
              limit_keys: ["header:x-api-key"],
              algorithm: "token_bucket",
              algorithm_config: { tokens_per_second: 1, burst: opts.burst ?? 2 },
            },
          ],
        },
      },
    ],
  });
}

export async function until(cond: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
