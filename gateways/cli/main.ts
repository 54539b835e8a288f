// Entry point of the `fairvisor` command. The first word picks the command (spec section 13: none → usage,
// exit 3; unknown → `Error: unknown command: <x>` + usage, exit 3); commander parses each command's
// arguments and flags. Returns the exit code instead of exiting, so tests call it in-process.
import { Command, CommanderError } from "commander";
import type { ConfigFlags } from "../standalone/config.js";
import { serveCommand } from "./commands/serve.js";
import { validateCommand } from "./commands/validate.js";
import { versionCommand } from "./commands/version.js";
import { processIo, type CliIo } from "./io.js";
import { HELP, USAGE } from "./usage.js";

const COMMANDS = new Set(["validate", "serve", "version", "help"]);

/** argv without the node and script paths (process.argv.slice(2)). */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const name = argv[0];
  if (name === undefined) {
    io.stderr.write(USAGE);
    return 3;
  }
  if (name === "--help" || name === "-h") {
    io.stdout.write(HELP);
    return 0;
  }
  if (!COMMANDS.has(name)) {
    io.stderr.write(`Error: unknown command: ${name}\n${USAGE}`);
    return 3;
  }
  let exitCode = 0;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    // --help printed by commander is a success; any parse error is a usage error.
    if (err.exitCode === 0) return 0;
    io.stderr.write(`Error: ${err.message.replace(/^error:\s*/, "")}\n`);
    return 3;
  }
  return exitCode;
}

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command("fairvisor")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      // Errors are printed once, in our own `Error: ...` form, by main().
      writeErr: () => undefined,
    });

  program
    .command("validate")
    .description("check a policy bundle with the wasm the gateways run")
    .argument("[file]", "bundle file, or - for stdin")
    .action(async (file: string | undefined) => setExit(await validateCommand(file, io)));

  program
    .command("serve")
    .description("run the decision service")
    .option("--config <file>", "policy bundle (FAIRVISOR_CONFIG_FILE)")
    .option("--port <n>", "listen port (8080)")
    .option("--host <addr>", "listen address (0.0.0.0)")
    .option("--workers <n>", "wasm VM instances (1)")
    .option("--trusted-proxies <cidrs>", "comma list of CIDRs (FAIRVISOR_TRUSTED_PROXIES)")
    .option("--deny-status <code>", "429, 403 or 401 (FAIRVISOR_DENY_STATUS)")
    .action(async (flags: ConfigFlags) => setExit(await serveCommand(flags, io)));

  program
    .command("version")
    .description("print the version")
    .action(() => setExit(versionCommand(io)));

  program
    .command("help")
    .description("show the command list")
    .action(() => {
      io.stdout.write(HELP);
      setExit(0);
    });

  return program;
}
