// `fairvisor logs [file] [--action=A] [--reason=R] [--follow]` (spec 13): prints the service's JSON log
// lines whose `action` and `reason` match, from stdin or a file; --follow keeps reading a file as it grows
// (like tail -f, across truncation). Lines that are not JSON objects are skipped.
import { open, stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import type { CliIo } from "../io.js";

export interface LogsFlags {
  action?: string;
  reason?: string;
  follow?: boolean;
  /** --follow poll period (tests shorten it). */
  pollMs?: number;
  /** Stops following (tests). */
  signal?: AbortSignal;
}

export async function logsCommand(file: string | undefined, flags: LogsFlags, io: CliIo): Promise<number> {
  const keep = (line: string) => matches(line, flags);
  if (flags.follow) {
    if (!file) {
      io.stderr.write("Error: --follow needs a file\n");
      return 3;
    }
    return follow(file, flags, (line) => keep(line) && io.stdout.write(line + "\n"), io);
  }
  let source: AsyncIterable<string | Uint8Array> = io.stdin;
  if (file) {
    try {
      source = (await open(file)).createReadStream();
    } catch {
      io.stderr.write(`Error: Cannot read file: ${file}\n`);
      return 1;
    }
  }
  const lines = createInterface({ input: Readable.from(source), crlfDelay: Infinity });
  for await (const line of lines) if (keep(line)) io.stdout.write(line + "\n");
  return 0;
}

export function matches(line: string, flags: Pick<LogsFlags, "action" | "reason">): boolean {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return false;
  }
  if (typeof o !== "object" || o === null) return false;
  const rec = o as Record<string, unknown>;
  if (flags.action !== undefined && rec.action !== flags.action) return false;
  if (flags.reason !== undefined && rec.reason !== flags.reason) return false;
  return true;
}

async function follow(file: string, flags: LogsFlags, emit: (line: string) => void, io: CliIo): Promise<number> {
  let offset = 0;
  let partial = "";
  const pollMs = flags.pollMs ?? 250;
  for (;;) {
    if (flags.signal?.aborted) return 0;
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      io.stderr.write(`Error: Cannot read file: ${file}\n`);
      return 1;
    }
    if (size < offset) offset = 0; // truncated or rotated in place: start over
    if (size > offset) {
      const fh = await open(file);
      const buf = Buffer.alloc(size - offset);
      await fh.read(buf, 0, buf.length, offset);
      await fh.close();
      offset = size;
      const text = partial + buf.toString("utf8");
      const parts = text.split("\n");
      partial = parts.pop() ?? "";
      for (const line of parts) emit(line);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
