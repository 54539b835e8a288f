// Locates and compiles build/fairvisor.wasm. Both `validate` and `serve` run the real module, so every host
// refuses exactly the bundles the gateways refuse. FAIRVISOR_WASM points at another build (a debug build).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { packageRoot } from "./package-root.js";

export function resolveWasmPath(env: NodeJS.ProcessEnv): string {
  const override = env.FAIRVISOR_WASM;
  return override ? override : join(packageRoot(), "build", "fairvisor.wasm");
}

export class WasmLoadError extends Error {}

export async function loadWasmModule(path: string): Promise<WebAssembly.Module> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new WasmLoadError(`cannot read wasm module ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return await WebAssembly.compile(new Uint8Array(bytes));
  } catch (err) {
    throw new WasmLoadError(`cannot compile wasm module ${path}: ${(err as Error).message}`);
  }
}
