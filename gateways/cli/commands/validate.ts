// `fairvisor validate <file|->` (spec section 13). The bundle goes through the real wasm's
// proxy_on_configure in a throw-away host, so the CLI refuses exactly what every gateway refuses; the
// verdict is the module's load_report line. Exit 0 valid, 1 invalid or unreadable, 3 usage.
import { readFile } from "node:fs/promises";
import { ProxyWasmHost } from "../../host/index.js";
import { loadReportFrom } from "../../standalone/load-report.js";
import { readAll, type CliIo } from "../io.js";
import { loadWasmModule, resolveWasmPath } from "../wasm-module.js";

const JSON_ERROR_PREFIX = "json_parse_error";

export async function validateCommand(target: string | undefined, io: CliIo): Promise<number> {
  if (target === undefined || target === "") {
    io.stderr.write("Error: Usage: fairvisor validate <file|->\n");
    return 3;
  }
  let text: string;
  try {
    text = target === "-" ? await readAll(io.stdin) : await readFile(target, "utf8");
  } catch {
    io.stderr.write(`Error: Cannot read file: ${target}\n`);
    return 1;
  }
  let host: ProxyWasmHost;
  try {
    const module = await loadWasmModule(resolveWasmPath(io.env));
    host = await ProxyWasmHost.create({ module, workers: 1, onLog: () => undefined });
  } catch (err) {
    io.stderr.write(`Error: ${(err as Error).message}\n`);
    return 1;
  }
  const configured = host.configure(text);
  const report = loadReportFrom(configured.logs, configured.ok);
  if (!report.ok) {
    io.stderr.write(`Error: ${describeFatal(report.error)}\n`);
    return 1;
  }
  if (report.errors.length > 0) {
    for (const err of report.errors) io.stderr.write(`Error: ${err}\n`);
    return 1;
  }
  io.stdout.write(`Valid: ${report.rawPolicies} policies, ${report.rawRules} rules\n`);
  return 0;
}

/** `json_parse_error: <detail>` reads as the original CLI's `Invalid JSON: <detail>`. */
function describeFatal(error: string): string {
  if (!error.startsWith(JSON_ERROR_PREFIX)) return error;
  const detail = error.slice(JSON_ERROR_PREFIX.length).replace(/^:\s*/, "");
  return `Invalid JSON: ${detail}`;
}
