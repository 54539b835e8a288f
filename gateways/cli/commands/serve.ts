// `fairvisor serve [flags]`: resolves the configuration, compiles the wasm, runs the decision service until
// SIGTERM/SIGINT. Startup problems print `fairvisor: <message>` and exit 1, as the original's entrypoint does
// (spec section 12).
import { ConfigError, resolveConfig, type ConfigFlags } from "../../standalone/config.js";
import { createJsonLogger } from "../../standalone/log.js";
import { DecisionService } from "../../standalone/service.js";
import { installSignalHandlers } from "../../standalone/signals.js";
import type { CliIo } from "../io.js";
import { loadWasmModule, resolveWasmPath, WasmLoadError } from "../wasm-module.js";

export async function serveCommand(flags: ConfigFlags, io: CliIo): Promise<number> {
  let service: DecisionService;
  try {
    const config = resolveConfig(flags, io.env);
    const module = await loadWasmModule(resolveWasmPath(io.env));
    const log = createJsonLogger((line) => io.stderr.write(line), config.logLevel);
    service = await DecisionService.start({ config, module, log });
  } catch (err) {
    const known = err instanceof ConfigError || err instanceof WasmLoadError;
    io.stderr.write(`fairvisor: ${known ? (err as Error).message : describeStartupError(err)}\n`);
    return 1;
  }
  const uninstall = io.handleSignals === false ? () => undefined : installSignalHandlers(service);
  io.onServing?.(service);
  await service.closed;
  uninstall();
  return 0;
}

function describeStartupError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e && e.code === "EADDRINUSE") return `cannot listen: address in use (${e.message})`;
  return err instanceof Error ? err.message : String(err);
}
