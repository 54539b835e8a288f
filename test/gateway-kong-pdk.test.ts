// The Kong JavaScript plugin (gateways/kong) inside the REAL kong-js-pluginserver (kong-pdk 0.6.0), with this
// test playing Kong over the Unix socket exactly as research/gateways.md 2b describes (support/gateways/
// kong-rpc.ts): --dump-all-plugins JSON, StartInstance with Kong's extra config keys, HandleEvent "access",
// each PDK call answered from a scripted request in Kong's value shapes, kong.response.exit as terminal, and
// the "no plugin instance" recovery.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenBucketBundle } from "./support/fairvisor-host.js";
import { ensureDist, ROOT } from "./support/gateways/dist.js";
import { KongEmulator, kongPluginConfig, rpc, type ScriptedRequest } from "./support/gateways/kong-rpc.js";

const SERVER = join(ROOT, "node_modules", ".bin", "kong-js-pluginserver");
// The plugin server require()s entries by absolute path only (server.js loadPlugins uses require.resolve).
const PLUGINS_DIR = join(ROOT, "gateways", "kong", "plugin");
const prefix = mkdtempSync(join(tmpdir(), "fv-kong-"));
const socket = join(prefix, "x.sock");
let server: ChildProcess;
const output: string[] = [];

const BUNDLE = JSON.stringify(tokenBucketBundle({ burst: 2, rate: 1 }));
const CONFIG = kongPluginConfig({ bundle: BUNDLE, bundle_path: null, trusted_proxies: null }, "5f5e0b4c-1111-4c1e-9a11-000000000001", "route-1");

const request = (apiKey: string): ScriptedRequest => ({
  method: "GET",
  pathWithQuery: "/v1/data",
  host: "api.example.com",
  headers: { host: ["api.example.com"], "x-api-key": [apiKey], accept: ["*/*"] },
  ip: "127.0.0.1",
});

const READS = ["kong.request.get_method", "kong.request.get_path_with_query", "kong.request.get_host", "kong.request.get_headers", "kong.client.get_ip"];

beforeAll(async () => {
  ensureDist(["kong/index.js"]);
  server = spawn(SERVER, ["--plugins-directory", PLUGINS_DIR, "--kong-prefix", prefix, "--sock-name", "x.sock"], {
    env: { PATH: process.env.PATH },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout!.on("data", (c: Buffer) => output.push(c.toString("utf8")));
  server.stderr!.on("data", (c: Buffer) => output.push(c.toString("utf8")));
  const deadline = Date.now() + 15_000;
  while (!existsSync(socket)) {
    if (Date.now() > deadline) throw new Error("plugin server did not listen:\n" + output.join(""));
    await new Promise((r) => setTimeout(r, 50));
  }
}, 120_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    await exited;
  }
  rmSync(prefix, { recursive: true, force: true });
});

describe("Kong JS plugin in kong-js-pluginserver", () => {
  it("--dump-all-plugins prints the JSON Kong's query_cmd reads (one plugin, access phase only)", () => {
    const dump = spawnSync(SERVER, ["--plugins-directory", PLUGINS_DIR, "--dump-all-plugins"], { encoding: "utf8" });
    expect(dump.status).toBe(0);
    expect(JSON.parse(dump.stdout)).toEqual([
      {
        Name: "fairvisor",
        Version: "0.1.0",
        Phases: ["access"],
        Priority: 905,
        Schema: {
          name: "fairvisor",
          fields: [
            {
              config: {
                type: "record",
                fields: [
                  { bundle: { type: "string", required: false } },
                  { bundle_path: { type: "string", required: false } },
                  { trusted_proxies: { type: "array", elements: { type: "string" }, required: false } },
                  { vm_id: { type: "string", required: false } },
                ],
              },
            },
          ],
        },
      },
    ]);
    // The per-process state notice goes to stderr, so stdout stays parseable.
    expect(dump.stderr).toContain('"event":"kong_state_per_process"');
  });

  it("says at start-up that counters are per plugin-server process", () => {
    expect(output.join("")).toContain("fairvisor counters live in this plugin-server process only");
  });

  it("GetPluginInfo and StartInstance answer with Kong's shapes", async () => {
    const info = (await rpc(socket, "plugin.GetPluginInfo", ["fairvisor"])) as Record<string, unknown>;
    expect(info).toMatchObject({ Name: "fairvisor", Version: "0.1.0", Phases: ["access"], Priority: 905 });
    const kong = new KongEmulator(socket, "fairvisor");
    const started = await kong.startInstance(CONFIG);
    expect(started.Config).toEqual(CONFIG);
  });

  it("allows the burst with RateLimit headers, then exits 429 with Retry-After; survives 'no plugin instance'", async () => {
    const kong = new KongEmulator(socket, "fairvisor");
    const first = await kong.handleEvent(CONFIG, "access", request("k1"));
    expect(first.exit).toBeNull();
    expect(first.calls.map((c) => c.method)).toEqual([...READS, "kong.response.set_headers"]);
    expect(first.calls[5].args).toEqual([
      { "RateLimit-Limit": "2", "RateLimit-Remaining": "1", "RateLimit-Reset": "1", RateLimit: '"tb-basic";r=1;t=1' },
    ]);

    const second = await kong.handleEvent(CONFIG, "access", request("k1"));
    expect(second.calls[5].args).toEqual([
      { "RateLimit-Limit": "2", "RateLimit-Remaining": "0", "RateLimit-Reset": "1", RateLimit: '"tb-basic";r=0;t=1' },
    ]);

    const third = await kong.handleEvent(CONFIG, "access", request("k1"));
    expect(third.calls.map((c) => c.method)).toEqual([...READS, "kong.response.exit"]);
    expect(third.exit).toEqual({
      status: 429,
      body: JSON.stringify({
        error: { message: "Rate limit exceeded: token_bucket_exceeded", type: "rate_limit_error", code: "rate_limit_exceeded" },
      }),
      headers: {
        "Content-Type": "application/json",
        "Retry-After": "2",
        "RateLimit-Limit": "2",
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": "1",
        RateLimit: '"tb-basic";r=0;t=1',
        "X-Fairvisor-Reason": "token_bucket_exceeded",
      },
    });

    // Kong lost the instance (server restart, expiry): it starts a new one and retries. Same plugin entity,
    // same process: the counters carry on.
    await kong.closeInstance(CONFIG);
    const afterRestart = await kong.handleEvent(CONFIG, "access", request("k1"));
    expect(afterRestart.restarted).toBe(true);
    expect(afterRestart.exit?.status).toBe(429);
    const otherKey = await kong.handleEvent(CONFIG, "access", request("k2"));
    expect(otherKey.exit).toBeNull();
  });

  it("without a bundle the plugin fails closed: 503 no_bundle_loaded", async () => {
    const kong = new KongEmulator(socket, "fairvisor");
    const config = kongPluginConfig({ bundle: null, bundle_path: null, trusted_proxies: null }, "5f5e0b4c-1111-4c1e-9a11-000000000002", "route-2");
    const run = await kong.handleEvent(config, "access", request("k1"));
    expect(run.exit?.status).toBe(503);
    expect(run.exit?.headers["X-Fairvisor-Reason"]).toBe("no_bundle_loaded");
    expect(output.join("")).toContain('"event":"kong_bundle_unavailable","plugin_id":"5f5e0b4c-1111-4c1e-9a11-000000000002","err":"bundle or bundle_path is required"');
  });
});
