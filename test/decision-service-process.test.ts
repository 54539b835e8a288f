// bin/fairvisor.js as a real process: exit codes, startup errors, and the signals only a process can
// receive (SIGHUP = forced reload, SIGTERM = graceful stop). Needs the compiled CLI in dist/, built here
// with tsc (emission does not stop at type errors elsewhere in the tree).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");
const bin = join(root, "bin", "fairvisor.js");
const dir = mkdtempSync(join(tmpdir(), "fv-process-"));

beforeAll(() => {
  spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(root, "tsconfig.json")], { cwd: root });
  if (!existsSync(join(root, "dist", "gateways", "cli", "index.js"))) throw new Error("tsc did not emit dist/gateways/cli/index.js");
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { PATH: process.env.PATH, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const bundle = (version: number, burst: number) =>
  JSON.stringify({
    bundle_version: version,
    policies: [
      {
        id: "tb",
        spec: {
          selector: { pathPrefix: "/api/" },
          rules: [{ name: "r", limit_keys: ["header:x-api-key"], algorithm: "token_bucket", algorithm_config: { tokens_per_second: 1, burst } }],
        },
      },
    ],
  });

describe("bin/fairvisor.js", () => {
  it("version, no command, validate", () => {
    expect(runCli(["version"])).toEqual({ code: 0, stdout: "fairvisor 0.1.0\n", stderr: "" });
    expect(runCli([]).code).toBe(3);
    const good = join(dir, "good.json");
    writeFileSync(good, bundle(1, 2));
    expect(runCli(["validate", good])).toEqual({ code: 0, stdout: "Valid: 1 policies, 1 rules\n", stderr: "" });
    const bad = join(dir, "bad.json");
    writeFileSync(bad, '{"bundle_version":0,"policies":[]}');
    expect(runCli(["validate", bad])).toEqual({ code: 1, stdout: "", stderr: "Error: bundle_version must be a positive number\n" });
  });

  it("startup error: `fairvisor: <message>`, exit 1", () => {
    const r = runCli(["serve", "--config", join(dir, "good.json")], { FAIRVISOR_MODE: "reverse_proxy" });
    expect(r).toEqual({ code: 1, stdout: "", stderr: "fairvisor: FAIRVISOR_BACKEND_URL is required when FAIRVISOR_MODE=reverse_proxy\n" });
  });

  it("serve: SIGHUP forces a reload (rollback allowed, broken file refused), SIGTERM stops with exit 0", async () => {
    const file = join(dir, "served.json");
    writeFileSync(file, bundle(2, 3));
    const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--host", "127.0.0.1"], {
      env: { PATH: process.env.PATH, FAIRVISOR_CONFIG_FILE: file },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines = collectJsonLines(child);
    try {
      const listening = await waitFor(lines, (l) => l.event === "standalone_listening");
      const base = `http://127.0.0.1:${listening.port as number}`;
      const version = async () => ((await (await fetch(`${base}/readyz`)).json()) as { policy_version: number }).policy_version;
      expect(await version()).toBe(2);

      // Lower version: a file change would skip it; SIGHUP applies it (the documented rollback path).
      writeFileSync(file, bundle(1, 5));
      child.kill("SIGHUP");
      await waitFor(lines, (l) => l.event === "standalone_policy_reloaded" && l.version === 1);
      expect(await version()).toBe(1);

      // Broken file + SIGHUP: refused, the last good bundle keeps enforcing.
      writeFileSync(file, '{"bundle_version": 3, "policies": 7}');
      child.kill("SIGHUP");
      const failed = await waitFor(lines, (l) => l.event === "standalone_reload_failed" && l.trigger === "forced");
      expect(failed.err).toBe("policies must be a table");
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { policy_version: number }).policy_version).toBe(1);
      const d = await fetch(`${base}/v1/decision`, { headers: { "X-Original-URI": "/api/x", "X-Api-Key": "k" } });
      expect([d.status, d.headers.get("ratelimit-limit")]).toEqual([200, "5"]);

      const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(lines.some((l) => l.event === "standalone_stopped")).toBe(true);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});

type JsonLine = Record<string, unknown>;

function collectJsonLines(child: ChildProcess): JsonLine[] {
  const lines: JsonLine[] = [];
  let buf = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        lines.push(JSON.parse(line) as JsonLine);
      } catch {
        lines.push({ event: "non_json", text: line });
      }
    }
  });
  return lines;
}

async function waitFor(lines: JsonLine[], match: (l: JsonLine) => boolean, ms = 10_000): Promise<JsonLine> {
  const end = Date.now() + ms;
  for (;;) {
    const found = lines.find(match);
    if (found) return found;
    if (Date.now() > end) throw new Error("log line not seen; got: " + JSON.stringify(lines));
    await new Promise((r) => setTimeout(r, 25));
  }
}
