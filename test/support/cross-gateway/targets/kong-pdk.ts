// The Kong JS PDK plugin (gateways/kong) inside the real kong-js-pluginserver, with this test playing Kong
// over the Unix socket (test/support/gateways/kong-rpc.ts). An exit is the client's answer; an allow's
// headers are the kong.response.set_headers call.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDist, ROOT } from "../../gateways/dist.js";
import { KongEmulator, kongPluginConfig } from "../../gateways/kong-rpc.js";
import { BUNDLE_TEXT, CLIENT_IP, HOST } from "../scenario.js";
import { outcomeFromHttp, type Target, type TargetFactory } from "../target.js";

/** The file whose existence turns this target on (another engineer's module). */
export const KONG_PLUGIN_FILE = join(ROOT, "gateways", "kong", "plugin", "fairvisor.cjs");

export function kongPdkTarget(): TargetFactory {
  return async (): Promise<Target> => {
    ensureDist(["kong/index.js"]);
    const prefix = mkdtempSync(join(tmpdir(), "fv-cross-kong-"));
    const socket = join(prefix, "x.sock");
    const output: string[] = [];
    const server: ChildProcess = spawn(
      join(ROOT, "node_modules", ".bin", "kong-js-pluginserver"),
      ["--plugins-directory", join(ROOT, "gateways", "kong", "plugin"), "--kong-prefix", prefix, "--sock-name", "x.sock"],
      { env: { PATH: process.env.PATH }, stdio: ["ignore", "pipe", "pipe"] },
    );
    server.stdout!.on("data", (c: Buffer) => output.push(c.toString()));
    server.stderr!.on("data", (c: Buffer) => output.push(c.toString()));
    const deadline = Date.now() + 15_000;
    while (!existsSync(socket)) {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error("kong-js-pluginserver did not listen:\n" + output.join(""));
      await new Promise((r) => setTimeout(r, 50));
    }
    const kong = new KongEmulator(socket, "fairvisor");
    const config = kongPluginConfig({ bundle: BUNDLE_TEXT, bundle_path: null, trusted_proxies: null }, "5f5e0b4c-2222-4c1e-9a11-000000000002", "route-cross");
    return {
      name: "kong:js-pdk-plugin-server",
      async send(req) {
        const headers: Record<string, string[]> = { host: [HOST] };
        for (const [k, v] of Object.entries(req.headers)) headers[k] = [v];
        const run = await kong.handleEvent(config, "access", { method: req.method, pathWithQuery: req.path, host: HOST, headers, ip: CLIENT_IP });
        if (run.exit) return outcomeFromHttp(run.exit.status, run.exit.headers);
        const set = run.calls.find((c) => c.method === "kong.response.set_headers");
        const values = (set?.args[0] ?? {}) as Record<string, string | string[]>;
        return outcomeFromHttp(200, Object.entries(values).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v]));
      },
      async close() {
        if (server.exitCode === null) {
          const exited = new Promise((r) => server.once("exit", r));
          server.kill("SIGTERM");
          await exited;
        }
        rmSync(prefix, { recursive: true, force: true });
      },
    };
  };
}
