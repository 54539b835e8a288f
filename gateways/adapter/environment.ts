// What a function instance reads from its environment at cold start: the wasm module and the bundle.
// Both are loaded once per instance (module scope promise), never per request.
//   FAIRVISOR_BUNDLE        the bundle JSON itself (fits Lambda's 4 KB env limit for small bundles)
//   FAIRVISOR_CONFIG_FILE   a path to the bundle JSON (shipped in the deployment package or a mounted volume)
//   FAIRVISOR_WASM          another build of the module (default build/fairvisor.wasm in the package)
import { readFile } from "node:fs/promises";
import { loadWasmModule, resolveWasmPath } from "../cli/wasm-module.js";
import { createJsonLogger, type Logger } from "../standalone/log.js";
import { FairvisorEngine } from "./engine.js";
import { createDistributedStore, distributedOptionsFromEnv, type DistributedStore } from "../distributed/index.js";
import type { LogLevel } from "../host/types.js";

export class ConfigurationError extends Error {}

/** The bundle text from FAIRVISOR_BUNDLE, else the file named by FAIRVISOR_CONFIG_FILE. */
export async function bundleFromEnv(env: NodeJS.ProcessEnv): Promise<string> {
  const inline = env.FAIRVISOR_BUNDLE;
  if (inline !== undefined && inline.trim() !== "") return inline;
  const file = env.FAIRVISOR_CONFIG_FILE;
  if (file === undefined || file === "") {
    throw new ConfigurationError("set FAIRVISOR_BUNDLE (bundle JSON) or FAIRVISOR_CONFIG_FILE (path to it)");
  }
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    throw new ConfigurationError(`cannot read FAIRVISOR_CONFIG_FILE ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

let compiled: Promise<WebAssembly.Module> | undefined;

/** Compiles build/fairvisor.wasm (or FAIRVISOR_WASM) once per process. */
export function loadFairvisorModule(env: NodeJS.ProcessEnv = process.env): Promise<WebAssembly.Module> {
  compiled ??= loadWasmModule(resolveWasmPath(env));
  return compiled;
}

/** JSON lines on stdout: Lambda, Cloud Functions and Azure Functions all collect stdout as logs. */
export function platformLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  const level = (env.FAIRVISOR_LOG_LEVEL ?? "info") as LogLevel;
  return createJsonLogger((line) => process.stdout.write(line), level);
}

/**
 * The engine of this instance, built from the environment on first use and then reused: the cold start
 * pays for compiling the module and loading the bundle, warm invocations only decide. A failed start is not
 * cached, so the next invocation retries (and fails loudly again if the configuration is still wrong).
 */
export function engineFromEnv(platform: string, env: NodeJS.ProcessEnv = process.env, logger?: Logger): () => Promise<FairvisorEngine> {
  let engine: Promise<FairvisorEngine> | undefined;
  return () => {
    engine ??= (async () => {
      const log = logger ?? platformLogger(env);
      // FAIRVISOR_REDIS_*: the same variables as `fairvisor serve` (distributed/config.ts); a bad value throws here.
      const redis = distributedOptionsFromEnv(env);
      // Once per container, connecting while the module compiles. The cold start's first decision waits
      // for the connection at most the decision timeout; past it the link keeps connecting in the
      // background and decisions meanwhile take the failure mode (as when Redis is down).
      const store: Promise<DistributedStore | null> = redis ? createDistributedStore(redis, { log, connectWithinMs: redis.timeoutMs }) : Promise.resolve(null);
      try {
        const [module, bundle, distributed] = await Promise.all([loadFairvisorModule(env), bundleFromEnv(env), store]);
        return await FairvisorEngine.create({ module, bundle, platform, log, distributed });
      } catch (err) {
        // The failed start is retried by the next invocation with a new store: release this one.
        await store.then((s) => s?.close(), () => undefined);
        throw err;
      }
    })().catch((err: unknown) => {
      engine = undefined;
      throw err;
    });
    return engine;
  };
}
