// Entry point of the `fairvisor` command. The first word picks the command (spec section 13: none → usage,
// exit 3; unknown → `Error: unknown command: <x>` + usage, exit 3); commander parses each command's
// arguments and flags. Returns the exit code instead of exiting, so tests call it in-process.
import { Command, CommanderError } from "commander";
import type { ConfigFlags } from "../standalone/config.js";
import { connectCommand, type ConnectFlags } from "./commands/connect.js";
import { initCommand } from "./commands/init.js";
import { logsCommand, type LogsFlags } from "./commands/logs.js";
import { serveCommand } from "./commands/serve.js";
import { statusCommand } from "./commands/status.js";
import { testCommand, type TestFlags } from "./commands/test.js";
import { validateCommand } from "./commands/validate.js";
import { versionCommand } from "./commands/version.js";
import { processIo, type CliIo } from "./io.js";
import { HELP, USAGE } from "./usage.js";

const COMMANDS = new Set(["init", "validate", "test", "serve", "status", "logs", "connect", "version", "help"]);

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
    .command("init")
    .description("write a starter policy.json and edge.env.example")
    .option("--template <name>", "api, llm or webhook", "api")
    .option("--force", "overwrite an existing policy.json")
    .action((flags: { template?: string; force?: boolean }) => setExit(initCommand(flags, io)));
  program
    .command("test")
    .description("replay requests through the wasm with a virtual clock")
    .argument("[file]", "bundle file")
    .option("--requests <file>", "JSON array or JSON lines of requests")
    .option("--format <format>", "table or json", "table")
    .option("--compare <file>", "second bundle: list the requests whose verdict differs")
    .action(async (file: string | undefined, flags: TestFlags) => setExit(await testCommand(file, flags, io)));
  program
    .command("status")
    .description("readiness, bundle version and decisions of a running service")
    .option("--edge-url <url>", "service URL (FAIRVISOR_EDGE_URL, default http://localhost:8080)")
    .option("--format <format>", "table or json", "table")
    .action(async (flags: { edgeUrl?: string; format?: string }) => setExit(await statusCommand(flags, io)));
  program
    .command("logs")
    .description("filter the service's JSON log lines")
    .argument("[file]", "log file (default stdin)")
    .option("--action <action>", "keep lines with this action")
    .option("--reason <reason>", "keep lines with this reason")
    .option("--follow", "keep reading the file as it grows")
    .action(async (file: string | undefined, flags: LogsFlags) => setExit(await logsCommand(file, flags, io)));
  program
    .command("connect")
    .description("push a bundle to a service's admin API, or pull one from a URL")
    .option("--push <file>", "bundle to PUT to /v1/admin/bundle")
    .option("--pull <url>", "bundle URL to download and validate")
    .option("--edge-url <url>", "service URL for --push (FAIRVISOR_EDGE_URL)")
    .option("--token <token>", "admin token for --push (FAIRVISOR_ADMIN_TOKEN)")
    .option("--output <file>", "where --pull writes (policy.json)")
    .action(async (flags: ConnectFlags) => setExit(await connectCommand(flags, io)));
  program
    .command("serve")
    .description("run the decision service")
    .option("--config <file>", "policy bundle (FAIRVISOR_CONFIG_FILE)")
    .option("--port <n>", "listen port (8080)")
    .option("--host <addr>", "listen address (0.0.0.0)")
    .option("--workers <n>", "wasm VM instances (1)")
    .option("--trusted-proxies <cidrs>", "comma list of CIDRs (FAIRVISOR_TRUSTED_PROXIES)")
    .option("--deny-status <code>", "429, 403 or 401 (FAIRVISOR_DENY_STATUS)")
    .option("--redis <url>", "counters in Redis, shared by every instance (FAIRVISOR_REDIS_URL)")
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
