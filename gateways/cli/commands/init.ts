// `fairvisor init [--template=api|llm|webhook] [--force]` (spec 13): writes policy.json and
// edge.env.example into the current directory. Unknown template: exit 3; an existing policy.json is kept
// unless --force (the original overwrote it silently); a write failure: exit 1.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CliIo } from "../io.js";
import { EDGE_ENV_EXAMPLE, TEMPLATES } from "../templates/index.js";

export function initCommand(opts: { template?: string; force?: boolean }, io: CliIo): number {
  const name = opts.template ?? "api";
  const template = TEMPLATES[name];
  if (!template) {
    io.stderr.write(`Error: unknown template: ${name}\n`);
    return 3;
  }
  const dir = io.cwd ?? process.cwd();
  const policy = join(dir, "policy.json");
  if (existsSync(policy) && !opts.force) {
    io.stderr.write("Error: policy.json already exists (use --force to overwrite)\n");
    return 1;
  }
  try {
    writeFileSync(policy, JSON.stringify(template, null, 2) + "\n");
    writeFileSync(join(dir, "edge.env.example"), EDGE_ENV_EXAMPLE);
  } catch (err) {
    io.stderr.write(`Error: cannot write: ${(err as Error).message}\n`);
    return 1;
  }
  io.stdout.write("Created policy.json and edge.env.example\n");
  return 0;
}
