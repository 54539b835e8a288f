// `fairvisor connect --push <bundle> [--edge-url=URL] [--token=T]`: PUT the bundle to a running service's
// admin API (token from --token or FAIRVISOR_ADMIN_TOKEN), printing the load report.
// `fairvisor connect --pull <url> [--output=policy.json]`: download a bundle, validate it with the wasm,
// write it. The SaaS registration of the original (spec 13) is replaced by these two (project decision 14).
// Exit 0 done, 1 refused or unreadable, 2 unreachable, 3 usage.
import { readFile, writeFile } from "node:fs/promises";
import { ProxyWasmHost } from "../../host/index.js";
import { loadReportFrom } from "../../standalone/load-report.js";
import type { CliIo } from "../io.js";
import { loadWasmModule, resolveWasmPath } from "../wasm-module.js";

export interface ConnectFlags {
  push?: string;
  pull?: string;
  edgeUrl?: string;
  token?: string;
  output?: string;
}

const TIMEOUT_MS = 10_000;

export async function connectCommand(flags: ConnectFlags, io: CliIo): Promise<number> {
  if ((flags.push === undefined) === (flags.pull === undefined)) {
    io.stderr.write("Error: Usage: fairvisor connect --push <bundle> | --pull <url>\n");
    return 3;
  }
  return flags.push !== undefined ? push(flags.push, flags, io) : pull(flags.pull as string, flags, io);
}

async function push(file: string, flags: ConnectFlags, io: CliIo): Promise<number> {
  const token = flags.token ?? io.env.FAIRVISOR_ADMIN_TOKEN;
  if (!token) {
    io.stderr.write("Error: token is required (set FAIRVISOR_ADMIN_TOKEN or use --token=)\n");
    return 3;
  }
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    io.stderr.write(`Error: Cannot read file: ${file}\n`);
    return 1;
  }
  const base = (flags.edgeUrl ?? io.env.FAIRVISOR_EDGE_URL ?? "http://localhost:8080").replace(/\/$/, "");
  let res: Response;
  try {
    res = await fetch(`${base}/v1/admin/bundle`, { method: "PUT", headers: { authorization: `Bearer ${token}` }, body: text, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch {
    io.stderr.write(`Error: Edge not reachable at ${base}\n`);
    return 2;
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (res.status === 200) {
    io.stdout.write(body.result === "unchanged" ? `Unchanged: version ${body.version}\n` : `Applied: version ${body.version}, ${body.policies} policies, ${body.rules} rules\n`);
    for (const err of (body.errors as string[] | undefined) ?? []) io.stderr.write(`Warning: ${err}\n`);
    return 0;
  }
  if (res.status === 400) {
    io.stderr.write(`Error: ${body.error}\n`);
    for (const err of (body.errors as string[] | undefined) ?? []) io.stderr.write(`Error: ${err}\n`);
    return 1;
  }
  io.stderr.write(res.status === 404 ? "Error: the admin API is disabled on this edge (FAIRVISOR_ADMIN_TOKEN not set)\n" : `Error: Push failed: HTTP ${res.status}\n`);
  return res.status === 401 ? 3 : 1;
}

async function pull(url: string, flags: ConnectFlags, io: CliIo): Promise<number> {
  let text: string;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (res.status !== 200) {
      io.stderr.write(`Error: Download failed: HTTP ${res.status}\n`);
      return 2;
    }
    text = await res.text();
  } catch {
    io.stderr.write(`Error: Cannot reach ${url}\n`);
    return 2;
  }
  const host = await ProxyWasmHost.create({ module: await loadWasmModule(resolveWasmPath(io.env)), workers: 1, onLog: () => undefined });
  const configured = host.configure(text);
  const report = loadReportFrom(configured.logs, configured.ok);
  if (!report.ok || report.errors.length > 0) {
    for (const err of report.ok ? report.errors : [report.error]) io.stderr.write(`Error: ${err}\n`);
    return 1;
  }
  const output = flags.output ?? "policy.json";
  try {
    await writeFile(output, text);
  } catch (err) {
    io.stderr.write(`Error: cannot write ${output}: ${(err as Error).message}\n`);
    return 1;
  }
  io.stdout.write(`Downloaded bundle version ${report.version} to ${output}\n`);
  return 0;
}
