// The CLI's contact with the outside world, injectable so tests run commands in-process.
import type { DecisionService } from "../standalone/service.js";

export interface Writable {
  write(text: string): unknown;
  /** True on a terminal (progress bars are drawn only there). */
  isTTY?: boolean;
}

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  stdin: AsyncIterable<string | Uint8Array>;
  env: NodeJS.ProcessEnv;
  /** Where `init` writes; default process.cwd(). */
  cwd?: string;
  /** Called once `serve` is listening (tests read the port and stop it). */
  onServing?: (service: DecisionService) => void;
  /** Install SIGHUP/SIGTERM/SIGINT handlers in `serve` (default true; in-process tests say false). */
  handleSignals?: boolean;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // Lazy: touching process.stdin opens it, which only `validate -` needs.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
  };
}

/** Reads a whole stream as UTF-8 text. */
export async function readAll(stream: AsyncIterable<string | Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}
