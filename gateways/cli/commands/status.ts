// `fairvisor status [--edge-url=URL] [--format=table|json]` (spec 13): GET /readyz and /metrics of a running
// service. The policy version comes from fairvisor_config_info{version} (the original looked for a metric
// that does not exist and always printed `unknown`), decisions are the sum of fairvisor_decisions_total.
// Exit 0, or 2 with `Error: Edge not reachable at <url>` when nothing answers.
import type { CliIo } from "../io.js";

const TIMEOUT_MS = 5000;

export async function statusCommand(flags: { edgeUrl?: string; format?: string }, io: CliIo): Promise<number> {
  const base = (flags.edgeUrl ?? io.env.FAIRVISOR_EDGE_URL ?? "http://localhost:8080").replace(/\/$/, "");
  const format = flags.format ?? "table";
  if (format !== "table" && format !== "json") {
    io.stderr.write(`Error: --format must be table or json, got '${format}'\n`);
    return 3;
  }
  let ready: boolean;
  let metrics = "";
  try {
    const r = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    ready = r.status === 200;
    await r.body?.cancel();
    const m = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (m.ok) metrics = await m.text();
  } catch {
    io.stderr.write(`Error: Edge not reachable at ${base}\n`);
    return 2;
  }
  const version = /^fairvisor_config_info\{[^}]*version="([^"]*)"/m.exec(metrics)?.[1] ?? "unknown";
  const samples = metrics.split("\n").filter((l) => l.startsWith("fairvisor_decisions_total"));
  const decisions = samples.length === 0 && !metrics ? "unknown" : String(samples.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(" ") + 1)), 0));
  const source = /^fairvisor_saas_calls_total/m.test(metrics) ? (/^fairvisor_saas_reachable 1$/m.test(metrics) ? "reachable" : "unreachable") : "none";
  if (format === "json") {
    io.stdout.write(JSON.stringify({ status: ready ? "ready" : "not ready", policy_version: version, bundle_source: source, decisions }) + "\n");
  } else {
    io.stdout.write(`Status:         ${ready ? "ready" : "not ready"}\nPolicy version: ${version}\nBundle source:  ${source}\nDecisions:      ${decisions}\n`);
  }
  return 0;
}
