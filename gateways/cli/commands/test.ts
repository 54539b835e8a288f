// `fairvisor test <bundle> [--requests <file.json|file.jsonl>] [--format table|json] [--compare <bundle>]`
// (spec 13): replays requests through the real wasm with a virtual clock (replay/replay.ts) and prints
// `<i>. <METHOD> <path> -> <action>` per request and a summary, or, with --compare, exactly the requests
// whose verdict (action and reason) differs between the two bundles. A progress bar is drawn on a terminal
// for long replays, never into a pipe. Exit 0 done, 1 unreadable/refused input, 3 usage.
import { readFile } from "node:fs/promises";
import { SingleBar, Presets } from "cli-progress";
import type { CliIo } from "../io.js";
import { defaultRequests, parseRequests, RequestsError, type ReplayRequest } from "../replay/requests.js";
import { replay, type ReplayResult } from "../replay/replay.js";
import { loadWasmModule, resolveWasmPath } from "../wasm-module.js";

export interface TestFlags {
  requests?: string;
  format?: string;
  compare?: string;
}

/** Below this a bar would only flicker. */
const PROGRESS_MIN_REQUESTS = 200;

export async function testCommand(bundlePath: string | undefined, flags: TestFlags, io: CliIo): Promise<number> {
  if (!bundlePath) {
    io.stderr.write("Error: Usage: fairvisor test <file> [--requests=<file>] [--format=table|json] [--compare=<file>]\n");
    return 3;
  }
  const format = flags.format ?? "table";
  if (format !== "table" && format !== "json") {
    io.stderr.write(`Error: --format must be table or json, got '${format}'\n`);
    return 3;
  }
  const texts: string[] = [];
  for (const path of [bundlePath, flags.compare].filter((p): p is string => p !== undefined)) {
    try {
      texts.push(await readFile(path, "utf8"));
    } catch {
      io.stderr.write(`Error: Cannot read file: ${path}\n`);
      return 1;
    }
  }
  let requests: ReplayRequest[];
  try {
    requests = flags.requests ? parseRequests(await readFile(flags.requests, "utf8")) : defaultRequests(texts[0]);
  } catch (err) {
    io.stderr.write(err instanceof RequestsError ? `Error: ${err.message}\n` : `Error: Cannot read file: ${flags.requests}\n`);
    return 1;
  }
  const module = await loadWasmModule(resolveWasmPath(io.env));
  // Both bundles start from the same virtual instant, so only the bundles differ.
  const startMs = Math.floor(Date.now() / 1000) * 1000;
  const runs: ReplayResult[][] = [];
  for (let b = 0; b < texts.length; b++) {
    const bar = io.stderr.isTTY && requests.length >= PROGRESS_MIN_REQUESTS ? new SingleBar({ stream: io.stderr as NodeJS.WritableStream }, Presets.shades_classic) : null;
    bar?.start(requests.length, 0);
    const r = await replay(module, texts[b], requests, startMs, (done) => bar?.update(done));
    bar?.stop();
    if (!r.ok) {
      io.stderr.write(`Error: Bundle load failed: ${r.error}${texts.length > 1 ? ` (${b === 0 ? bundlePath : flags.compare})` : ""}\n`);
      return 1;
    }
    for (const w of r.warnings) io.stderr.write(`Warning: ${w}\n`);
    runs.push(r.results);
  }
  if (runs.length === 2) printComparison(runs[0], runs[1], format, io);
  else printResults(runs[0], format, io);
  return 0;
}

function summary(results: ReplayResult[]) {
  const allow = results.filter((r) => r.action === "allow").length;
  const reject = results.filter((r) => r.action === "reject").length;
  return { total: results.length, allow, reject, other: results.length - allow - reject };
}

function printResults(results: ReplayResult[], format: string, io: CliIo): void {
  const s = summary(results);
  if (format === "json") {
    // The original's fields (spec 13); `rule` stays null until the wasm names the deciding rule.
    const out = results.map((r) => ({ index: r.index, method: r.method, path: r.path, action: r.action, reason: r.reason || null, rule: null, policy: r.policy || null, status: r.status }));
    io.stdout.write(JSON.stringify({ results: out, summary: s }) + "\n");
    return;
  }
  for (const r of results) io.stdout.write(`${r.index}. ${r.method} ${r.path} -> ${verdict(r)}\n`);
  io.stdout.write(`Summary: total=${s.total} allow=${s.allow} reject=${s.reject} other=${s.other}\n`);
}

function printComparison(a: ReplayResult[], b: ReplayResult[], format: string, io: CliIo): void {
  const diffs = a.filter((r, i) => verdict(r) !== verdict(b[i])).map((r) => ({ r, other: b[r.index - 1] }));
  if (format === "json") {
    const out = diffs.map(({ r, other }) => ({
      index: r.index,
      method: r.method,
      path: r.path,
      a: { action: r.action, reason: r.reason || null },
      b: { action: other.action, reason: other.reason || null },
    }));
    io.stdout.write(JSON.stringify({ differences: out, total: a.length }) + "\n");
    return;
  }
  for (const { r, other } of diffs) io.stdout.write(`${r.index}. ${r.method} ${r.path}: ${verdict(r)} -> ${verdict(other)}\n`);
  io.stdout.write(`Differences: ${diffs.length} of ${a.length}\n`);
}

/** `reject (token_bucket_exceeded)`, `allow`. */
function verdict(r: ReplayResult): string {
  return r.reason ? `${r.action} (${r.reason})` : r.action;
}
