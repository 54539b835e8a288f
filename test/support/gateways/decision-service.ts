// The real decision service as a process (bin/fairvisor.js serve), the way each front's docs run it, and a
// raw HTTP client that sends exactly the headers a gateway sends (node:http, Host included, nothing added).
import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { join } from "node:path";
import { ensureDist, ROOT } from "./dist.js";

export interface RunningService {
  port: number;
  stderr: string[];
  stop(): Promise<void>;
}

export async function startDecisionService(args: string[]): Promise<RunningService> {
  ensureDist(["cli/index.js"]);
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, "bin", "fairvisor.js"), "serve", "--host", "127.0.0.1", "--port", "0", ...args], {
    env: { PATH: process.env.PATH },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stderr: string[] = [];
  const port = await new Promise<number>((resolvePort, reject) => {
    let buffered = "";
    const timer = setTimeout(() => reject(new Error("decision service did not start:\n" + stderr.join("\n"))), 20_000);
    child.stderr!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        stderr.push(line);
        try {
          const parsed = JSON.parse(line) as { event?: string; port?: number };
          if (parsed.event === "standalone_listening") {
            clearTimeout(timer);
            resolvePort(parsed.port as number);
          }
        } catch {
          // not a JSON line
        }
      }
    });
    child.on("exit", (code) => reject(new Error(`decision service exited with ${code}:\n${stderr.join("\n")}`)));
  });
  return {
    port,
    stderr,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
}

export interface RawAnswer {
  status: number;
  /** Response headers, names lower-cased (node:http joins repeats with ", "). */
  headers: Record<string, string>;
  body: string;
}

/** One request with exactly these headers (order kept, Host as given); no body unless given. */
export function rawRequest(port: number, method: string, path: string, headers: Array<[string, string]>, body?: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const flat: string[] = [];
    for (const [k, v] of headers) flat.push(k, v);
    const req = request({ host: "127.0.0.1", port, method, path, headers: flat, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) out[k] = Array.isArray(v) ? v.join(", ") : String(v);
        resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks).toString("utf8") });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}
