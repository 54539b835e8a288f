// Spawned processes (decision service, kong-js-pluginserver) run the compiled code in dist/. `make test`
// builds it first; a bare `vitest run` gets it here, compiled when missing or older than a source file
// (tsc emits even when another part of the tree has type errors).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "..", "..", "..");

function newestTs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestTs(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Makes sure dist/ holds `outputs` (paths under dist/gateways) no older than gateways/**.ts. */
export function ensureDist(outputs: string[]): void {
  const files = outputs.map((o) => join(ROOT, "dist", "gateways", o));
  const sources = newestTs(join(ROOT, "gateways"));
  if (files.every((f) => existsSync(f) && statSync(f).mtimeMs >= sources)) return;
  spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.json")], { cwd: ROOT });
  for (const f of files) if (!existsSync(f)) throw new Error(`tsc did not emit ${f}`);
}
