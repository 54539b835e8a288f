// `node bin/fairvisor.js serve` as a child process, its port read from the `standalone_listening` log line.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { request } from "node:http";

export const ROOT = resolve(import.meta.dirname, "..", "..", "..");
const BIN = join(ROOT, "bin", "fairvisor.js");

/** Compiles gateways/ into dist/ (emission does not stop at type errors elsewhere in the tree). */
export function buildDist(): void {
  spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.json")], { cwd: ROOT });
  if (!existsSync(join(ROOT, "dist", "gateways", "distributed", "index.js"))) throw new Error("tsc did not emit dist/gateways/distributed");
}

export interface ServiceProcess {
  proc: ChildProcess;
  port: number;
  /** Every stderr line, parsed when JSON. */
  lines: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
}

export async function startServiceProcess(args: string[], env: NodeJS.ProcessEnv): Promise<ServiceProcess> {
  const proc = spawn(process.execPath, [BIN, "serve", "--host", "127.0.0.1", "--port", "0", ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const lines: Array<Record<string, unknown>> = [];
  const exited = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
  const port = await new Promise<number>((resolvePort, reject) => {
    let buf = "";
    const timer = setTimeout(() => reject(new Error("service did not listen: " + JSON.stringify(lines))), 20_000);
    proc.stderr!.on("data", (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const text = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let line: Record<string, unknown>;
        try {
          line = JSON.parse(text);
        } catch {
          line = { raw: text };
        }
        lines.push(line);
        if (line.event === "standalone_listening") {
          clearTimeout(timer);
          resolvePort(Number(line.port));
        }
      }
    });
    void exited.then((code) => reject(new Error(`service exited ${code}: ${JSON.stringify(lines)}`)));
  });
  return { proc, port, lines, exited };
}

export async function stopServiceProcess(s: ServiceProcess): Promise<number | null> {
  if (s.proc.exitCode === null) s.proc.kill("SIGTERM");
  return s.exited;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request on a keep-alive agent-less connection. */
export function httpRequest(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolveReply, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolveReply({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

export function decision(port: number, headers: Record<string, string>, path = "/api/chat", body?: string): Promise<Reply> {
  return httpRequest(port, body === undefined ? "GET" : "POST", "/v1/decision", { "X-Original-Method": "POST", "X-Original-URI": path, "X-Original-Host": "api.example.com", ...headers }, body);
}
