// `fairvisor version` (spec section 13): `fairvisor 0.1.0`, exit 0.
import type { CliIo } from "../io.js";
import { packageVersion } from "../package-root.js";

export function versionCommand(io: CliIo): number {
  io.stdout.write(`fairvisor ${packageVersion()}\n`);
  return 0;
}
