// plugins/nginx/fairvisor.conf in Debian's real nginx (auth_request) in front of the decision service
// (--deny-status 403, mapped back to 429 by the snippet) and a tiny upstream. The client address reaches the
// service through nginx's $proxy_add_x_forwarded_for, believed from 127.0.0.1 (trusted proxy).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../../gateways/dist.js";
import { startDecisionService } from "../../gateways/decision-service.js";
import { BUNDLE_TEXT, CLIENT_IP } from "../scenario.js";
import { outcomeFromHttp, type Target, type TargetFactory } from "../target.js";

export const NGINX_SNIPPET = join(ROOT, "plugins", "nginx", "fairvisor.conf");
export const NGINX_BINARY = "/usr/sbin/nginx";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function snippet(servicePort: number, upstreamPort: number, nginxPort: number): string {
  const text = readFileSync(NGINX_SNIPPET, "utf8");
  const moves: Array<[string, string]> = [
    ["server 127.0.0.1:8080;", `server 127.0.0.1:${servicePort};`],
    ["server 127.0.0.1:8081;", `server 127.0.0.1:${upstreamPort};`],
    ["listen 127.0.0.1:8000;", `listen 127.0.0.1:${nginxPort};`],
  ];
  let out = text;
  for (const [from, to] of moves) {
    if (!out.includes(from)) throw new Error(`plugins/nginx/fairvisor.conf no longer contains "${from}"`);
    out = out.replace(from, to);
  }
  return out;
}

export function nginxTarget(): TargetFactory {
  return async (): Promise<Target> => {
    const dir = mkdtempSync(join(tmpdir(), "fv-cross-nginx-"));
    const bundle = join(dir, "bundle.json");
    writeFileSync(bundle, BUNDLE_TEXT);
    const service = await startDecisionService(["--config", bundle, "--workers", "2", "--deny-status", "403", "--trusted-proxies", "127.0.0.1/32"]);
    const upstream: Server = createServer((req, res) => { req.resume(); req.on("end", () => res.writeHead(200, { "content-type": "text/plain" }).end("app ok")); });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    const nginxPort = await freePort();
    writeFileSync(join(dir, "fairvisor.conf"), snippet(service.port, (upstream.address() as AddressInfo).port, nginxPort));
    const user = process.getuid?.() === 0 ? "user root;\n" : "";
    writeFileSync(
      join(dir, "nginx.conf"),
      `${user}worker_processes 1;\nerror_log ${dir}/error.log info;\nevents { worker_connections 64; }\nhttp {\n  access_log ${dir}/access.log;\n` +
        ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `  ${t}_temp_path ${dir}/${t};\n`).join("") +
        `  include ${dir}/fairvisor.conf;\n}\n`,
    );
    const nginx: ChildProcess = spawn(NGINX_BINARY, ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log"), "-g", `daemon off; pid ${dir}/nginx.pid;`], { stdio: "ignore" });
    const base = `http://127.0.0.1:${nginxPort}`;
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        await (await fetch(`${base}/nginx-probe`)).arrayBuffer();
        break;
      } catch {
        if (Date.now() > deadline || nginx.exitCode !== null) {
          throw new Error("nginx did not start: " + (existsSync(join(dir, "error.log")) ? readFileSync(join(dir, "error.log"), "utf8") : ""));
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    return {
      name: "nginx:auth_request+decision-service",
      async send(req) {
        const r = await fetch(`${base}${req.path}`, { method: req.method, headers: { ...req.headers, "x-forwarded-for": CLIENT_IP } });
        await r.arrayBuffer();
        return outcomeFromHttp(r.status, [...r.headers]);
      },
      async close() {
        if (nginx.exitCode === null) {
          const exited = new Promise((r) => nginx.once("exit", r));
          nginx.kill("SIGTERM");
          await exited;
        }
        await service.stop();
        await new Promise((r) => upstream.close(r));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}
