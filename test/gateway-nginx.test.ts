// plugins/nginx/fairvisor.conf with Debian's real nginx (auth_request module) in front of the real decision
// service (--deny-status 403) and a tiny upstream, all on loopback (research/gateways.md 7.1, section 8:
// "nginx auth_request: yes, fully"). The client must get a real 429 with Retry-After, the RateLimit headers
// and X-Fairvisor-Reason, and the upstream must never see a rejected request.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDecisionService, type RunningService } from "./support/gateways/decision-service.js";
import { DEMO_BUNDLE_PATH, DEMO_REJECT_BODY, DEMO_REJECT_HEADERS, demoAllowHeaders, pick, pluginText } from "./support/gateways/plugin-files.js";

const NGINX = "/usr/sbin/nginx";
const dir = mkdtempSync(join(tmpdir(), "fv-nginx-"));
let service: RunningService;
let upstream: Server;
let nginx: ChildProcess;
let base = "";
const seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: string }> = [];

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

/** The plugin file with its three loopback addresses moved to this test's ports. */
function snippet(servicePort: number, upstreamPort: number, nginxPort: number): string {
  const text = pluginText("nginx", "fairvisor.conf");
  for (const needle of ["server 127.0.0.1:8080;", "server 127.0.0.1:8081;", "listen 127.0.0.1:8000;"]) {
    if (!text.includes(needle)) throw new Error(`plugins/nginx/fairvisor.conf no longer contains "${needle}"`);
  }
  return text
    .replace("server 127.0.0.1:8080;", `server 127.0.0.1:${servicePort};`)
    .replace("server 127.0.0.1:8081;", `server 127.0.0.1:${upstreamPort};`)
    .replace("listen 127.0.0.1:8000;", `listen 127.0.0.1:${nginxPort};`);
}

function mainConfig(): string {
  // Workers run as root when the test is root (else nginx would switch them to nobody, who cannot use the
  // private temp directory); as another user there is no user directive.
  const user = process.getuid?.() === 0 ? "user root;\n" : "";
  return `${user}worker_processes 1;
error_log ${dir}/error.log info;
events { worker_connections 64; }
http {
    access_log ${dir}/access.log;
    client_body_temp_path ${dir}/client_body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;
    include ${dir}/fairvisor.conf;
}
`;
}

async function waitForNginx(): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await fetch(`${base}/livez-probe`, { headers: { "x-api-key": "probe" } });
      return;
    } catch {
      if (Date.now() > deadline || nginx.exitCode !== null) {
        throw new Error("nginx did not start: " + readFileSync(join(dir, "error.log"), "utf8"));
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

beforeAll(async () => {
  service = await startDecisionService(["--config", DEMO_BUNDLE_PATH, "--deny-status", "403", "--trusted-proxies", "127.0.0.1/32"]);
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200, { "content-type": "text/plain" }).end("app ok");
    });
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  const nginxPort = await freePort();
  base = `http://127.0.0.1:${nginxPort}`;
  writeFileSync(join(dir, "fairvisor.conf"), snippet(service.port, (upstream.address() as AddressInfo).port, nginxPort));
  writeFileSync(join(dir, "nginx.conf"), mainConfig());
  nginx = spawn(NGINX, ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log"), "-g", `daemon off; pid ${dir}/nginx.pid;`], {
    stdio: "ignore",
  });
  await waitForNginx();
  seen.length = 0; // the probe
}, 120_000);

afterAll(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((r) => nginx.once("exit", r));
    nginx.kill("SIGTERM"); // the master (daemon off: the child we spawned); it stops its workers
    await exited;
  }
  await service?.stop();
  await new Promise((r) => upstream?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const headersOf = (r: Response) => Object.fromEntries([...r.headers].map(([k, v]) => [k.toLowerCase(), v]));

describe("plugins/nginx/fairvisor.conf in Debian's nginx", () => {
  it("passes the burst with RateLimit headers, then answers 429 with Retry-After; the upstream never sees the reject", async () => {
    for (let n = 1; n <= 5; n++) {
      const r = await fetch(`${base}/api/demo?page=${n}`, { headers: { "x-api-key": "k1" } });
      expect([r.status, await r.text()]).toEqual([200, "app ok"]);
      expect(pick(headersOf(r), Object.keys(demoAllowHeaders(n)))).toEqual(demoAllowHeaders(n));
      expect(headersOf(r)["x-fairvisor-reason"]).toBeUndefined();
    }
    const reject = await fetch(`${base}/api/demo?page=6`, { headers: { "x-api-key": "k1" } });
    expect(reject.status).toBe(429);
    expect(pick(headersOf(reject), Object.keys(DEMO_REJECT_HEADERS))).toEqual(DEMO_REJECT_HEADERS);
    expect(headersOf(reject)["content-type"]).toBe("application/json");
    expect(JSON.parse(await reject.text())).toEqual(DEMO_REJECT_BODY);
    expect(seen.map((s) => s.url)).toEqual([1, 2, 3, 4, 5].map((n) => `/api/demo?page=${n}`));
  });

  it("decides on the original method and URI; the request body reaches the upstream, not the decision", async () => {
    seen.length = 0;
    const r = await fetch(`${base}/api/upload`, { method: "POST", headers: { "x-api-key": "k2", "content-type": "application/json" }, body: '{"a":1}' });
    expect(r.status).toBe(200);
    expect(pick(headersOf(r), ["ratelimit-remaining", "ratelimit"])).toEqual({ "ratelimit-remaining": "4", ratelimit: '"demo-api";r=4;t=1' });
    expect(seen.map((s) => [s.method, s.url, s.body])).toEqual([["POST", "/api/upload", '{"a":1}']]);
    // PUT is outside the policy's methods: no limiter runs, no RateLimit headers.
    const put = await fetch(`${base}/api/upload`, { method: "PUT", headers: { "x-api-key": "k1" }, body: "x" });
    expect(put.status).toBe(200);
    expect(headersOf(put)["ratelimit"]).toBeUndefined();
  });
});
