// The `fairvisor` command in-process: exit codes and messages of spec section 13 and the serve startup
// errors of spec section 12. `validate` runs the real build/fairvisor.wasm.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import type { DecisionService } from "../standalone/service.js";
import type { CliIo } from "./io.js";
import { main } from "./main.js";
import { packageRoot } from "./package-root.js";

const dir = mkdtempSync(join(tmpdir(), "fv-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function run(argv: string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv; onServing?: CliIo["onServing"] } = {}) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: Readable.from([opts.stdin ?? ""]),
    env: opts.env ?? {},
    onServing: opts.onServing,
    handleSignals: false,
  });
  return { code, stdout, stderr };
}

const USAGE = "Usage: fairvisor <command> [options]\nRun 'fairvisor help' for command list\n";

const tokenBucket = (id: string, name = "r1") => ({
  id,
  spec: {
    selector: { pathPrefix: "/api/" },
    rules: [{ name, limit_keys: ["header:x-api-key"], algorithm: "token_bucket", algorithm_config: { tokens_per_second: 1, burst: 2 } }],
  },
});

describe("commands", () => {
  it("no command: usage on stderr, exit 3", async () => {
    expect(await run([])).toEqual({ code: 3, stdout: "", stderr: USAGE });
  });

  it("unknown command: error plus usage, exit 3", async () => {
    expect(await run(["frobnicate"])).toEqual({ code: 3, stdout: "", stderr: "Error: unknown command: frobnicate\n" + USAGE });
  });

  it("help: command list, exit 0", async () => {
    const r = await run(["help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("validate <file|->");
    expect(r.stdout).toContain("serve [options]");
    expect(r.stdout).toContain("--deny-status <code>");
    expect(r.stderr).toBe("");
  });

  it("version: fairvisor 0.1.0, exit 0", async () => {
    expect(await run(["version"])).toEqual({ code: 0, stdout: "fairvisor 0.1.0\n", stderr: "" });
  });

  it("a bad flag is a usage error, exit 3", async () => {
    const r = await run(["serve", "--bogus"]);
    expect(r).toEqual({ code: 3, stdout: "", stderr: "Error: unknown option '--bogus'\n" });
  });
});

describe("validate", () => {
  it("missing argument: usage error, exit 3", async () => {
    expect(await run(["validate"])).toEqual({ code: 3, stdout: "", stderr: "Error: Usage: fairvisor validate <file|->\n" });
  });

  it("unreadable file: exit 1", async () => {
    const path = join(dir, "nope.json");
    expect(await run(["validate", path])).toEqual({ code: 1, stdout: "", stderr: `Error: Cannot read file: ${path}\n` });
  });

  it("valid bundle: raw counts, exit 0", async () => {
    const path = file("ok.json", JSON.stringify({ bundle_version: 1, policies: [tokenBucket("a"), tokenBucket("b", "r2")] }));
    expect(await run(["validate", path])).toEqual({ code: 0, stdout: "Valid: 2 policies, 2 rules\n", stderr: "" });
  });

  it("reads stdin with -", async () => {
    const r = await run(["validate", "-"], { stdin: JSON.stringify({ bundle_version: 3, policies: [tokenBucket("a")] }) });
    expect(r).toEqual({ code: 0, stdout: "Valid: 1 policies, 1 rules\n", stderr: "" });
  });

  it("invalid JSON: the parser's detail with line and column, exit 1", async () => {
    const path = file("broken.json", '{\n  "bundle_version": 1,\n  }\n');
    const r = await run(["validate", path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("Error: Invalid JSON: unexpected character '}' at line 3 column 3\n");
  });

  it("a bad top-level field: the loader's message, exit 1", async () => {
    const path = file("badver.json", '{"bundle_version":"7","policies":[]}');
    expect(await run(["validate", path])).toEqual({ code: 1, stdout: "", stderr: "Error: bundle_version must be a positive number\n" });
  });

  it("each dropped policy is an error, exit 1", async () => {
    const bad = { id: "p2", spec: { rules: [] } };
    const path = file("dropped.json", JSON.stringify({ bundle_version: 1, policies: [tokenBucket("p1"), bad, { spec: {} }] }));
    expect(await run(["validate", path])).toEqual({
      code: 1,
      stdout: "",
      stderr: "Error: policy=p2: missing selector\nError: policy[3]: missing id\n",
    });
  });

  it("every shipped example is valid", async () => {
    const examples = join(packageRoot(), "examples");
    const files = [
      ...readdirSync(examples).filter((f) => f.endsWith(".json")).map((f) => join(examples, f)),
      ...readdirSync(join(examples, "fairvisor-edge")).filter((f) => f.endsWith(".json")).map((f) => join(examples, "fairvisor-edge", f)),
    ];
    expect(files.length).toBe(8);
    for (const path of files) expect([path, await run(["validate", path])]).toEqual([path, { code: 0, stdout: "Valid: 1 policies, 1 rules\n", stderr: "" }]);
  });

  it("FAIRVISOR_WASM that does not exist: exit 1 naming the path", async () => {
    const path = file("ok2.json", JSON.stringify({ bundle_version: 1, policies: [] }));
    const r = await run(["validate", path], { env: { FAIRVISOR_WASM: join(dir, "missing.wasm") } });
    expect(r).toEqual({ code: 1, stdout: "", stderr: `Error: cannot read wasm module ${join(dir, "missing.wasm")}: ENOENT\n` });
  });
});

describe("serve", () => {
  it("startup errors: `fairvisor: <message>`, exit 1", async () => {
    expect(await run(["serve"])).toEqual({ code: 1, stdout: "", stderr: "fairvisor: either FAIRVISOR_BUNDLE_URL or FAIRVISOR_CONFIG_FILE (or --config) must be set\n" });
    expect(await run(["serve", "--config", "x.json"], { env: { FAIRVISOR_MODE: "reverse_proxy" } })).toEqual({
      code: 1,
      stdout: "",
      stderr: "fairvisor: FAIRVISOR_BACKEND_URL is required when FAIRVISOR_MODE=reverse_proxy\n",
    });
    expect((await run(["serve", "--config", "x.json"], { env: { FAIRVISOR_MODE: "edge" } })).stderr).toBe(
      "fairvisor: FAIRVISOR_MODE must be decision_service or reverse_proxy\n",
    );
    expect((await run(["serve", "--config", "x.json", "--workers", "0"])).stderr).toBe(
      "fairvisor: --workers must be an integer between 1 and 64, got '0'\n",
    );
  });

  it("runs until stopped, then exits 0", async () => {
    const path = file("serve.json", JSON.stringify({ bundle_version: 4, policies: [tokenBucket("a")] }));
    let service: DecisionService | undefined;
    const done = run(["serve", "--config", path, "--port", "0", "--host", "127.0.0.1"], {
      onServing: (s) => {
        service = s;
      },
    });
    while (!service) await new Promise((r) => setTimeout(r, 10));
    const ready = await fetch(`http://127.0.0.1:${service.port}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { policy_version: number }).policy_version).toBe(4);
    await service.stop();
    const r = await done;
    expect(r.code).toBe(0);
    const events = r.stderr.trim().split("\n").map((l) => (JSON.parse(l) as { event: string }).event);
    expect(events).toEqual(expect.arrayContaining(["standalone_policy_reloaded", "standalone_listening", "standalone_stopped"]));
  });
});
