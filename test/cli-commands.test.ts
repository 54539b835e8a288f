// The operator's commands in-process against the real wasm (spec 13, project decision 16): init templates
// pass validate; test replays with a virtual clock and --compare lists exactly the requests whose verdict
// differs; status reads a running service; logs filters JSON lines; connect pushes to the admin API and
// pulls from a URL.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { logsCommand } from "../gateways/cli/commands/logs.js";
import { main } from "../gateways/cli/main.js";
import type { DecisionService } from "../gateways/standalone/service.js";
import { startService, tokenBucketBundle, until } from "./support/service-harness.js";

const dir = mkdtempSync(join(tmpdir(), "fv-cli-cmd-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const running: DecisionService[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function run(argv: string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: Readable.from([opts.stdin ?? ""]),
    env: opts.env ?? {},
    cwd: opts.cwd,
    handleSignals: false,
  });
  return { code, stdout, stderr };
}

describe("init", () => {
  for (const template of ["api", "llm", "webhook"]) {
    it(`--template=${template} writes policy.json and edge.env.example; the bundle passes validate`, async () => {
      const cwd = mkdtempSync(join(dir, `init-${template}-`));
      expect(await run(["init", `--template=${template}`], { cwd })).toEqual({ code: 0, stdout: "Created policy.json and edge.env.example\n", stderr: "" });
      expect(readFileSync(join(cwd, "edge.env.example"), "utf8")).toContain("FAIRVISOR_CONFIG_FILE=policy.json\n");
      expect(await run(["validate", join(cwd, "policy.json")])).toEqual({ code: 0, stdout: "Valid: 1 policies, 1 rules\n", stderr: "" });
    });
  }

  it("unknown template: exit 3; an existing policy.json is kept without --force", async () => {
    const cwd = mkdtempSync(join(dir, "init-x-"));
    expect(await run(["init", "--template=grpc"], { cwd })).toEqual({ code: 3, stdout: "", stderr: "Error: unknown template: grpc\n" });
    writeFileSync(join(cwd, "policy.json"), "mine");
    expect((await run(["init"], { cwd })).code).toBe(1);
    expect(readFileSync(join(cwd, "policy.json"), "utf8")).toBe("mine");
    expect((await run(["init", "--force"], { cwd })).code).toBe(0);
  });
});

describe("test", () => {
  const burst2 = file("burst2.json", tokenBucketBundle(1, { burst: 2, id: "tb" }));
  const burst3 = file("burst3.json", tokenBucketBundle(1, { burst: 3, id: "tb" }));
  // Five requests of one key at the same instant, then one after 5 s of virtual time, then another key.
  const requests = file(
    "requests.jsonl",
    [
      ...Array.from({ length: 5 }, () => ({ path: "/api/a", headers: { "x-api-key": "k" } })),
      { path: "/api/a", headers: { "x-api-key": "k" }, delay_ms: 5000 },
      { method: "post", path: "/api/b", headers: { "x-api-key": "other" } },
    ]
      .map((r) => JSON.stringify(r))
      .join("\n") + "\n",
  );

  it("replays through the real wasm with a virtual clock: table output and summary", async () => {
    const r = await run(["test", burst2, "--requests", requests]);
    expect(r).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        "1. GET /api/a -> allow",
        "2. GET /api/a -> allow",
        "3. GET /api/a -> reject (token_bucket_exceeded)",
        "4. GET /api/a -> reject (token_bucket_exceeded)",
        "5. GET /api/a -> reject (token_bucket_exceeded)",
        "6. GET /api/a -> allow",
        "7. POST /api/b -> allow",
        "Summary: total=7 allow=4 reject=3 other=0",
        "",
      ].join("\n"),
    });
  });

  it("--format json", async () => {
    const r = await run(["test", burst2, "--requests", requests, "--format=json"]);
    const out = JSON.parse(r.stdout) as { results: Array<Record<string, unknown>>; summary: unknown };
    expect(out.summary).toEqual({ total: 7, allow: 4, reject: 3, other: 0 });
    expect(out.results[2]).toEqual({ index: 3, method: "GET", path: "/api/a", action: "reject", reason: "token_bucket_exceeded", rule: null, policy: "tb", status: 429 });
  });

  it("--compare lists exactly the requests whose verdict differs", async () => {
    const r = await run(["test", burst2, "--requests", requests, "--compare", burst3]);
    expect(r).toEqual({ code: 0, stderr: "", stdout: "3. GET /api/a: reject (token_bucket_exceeded) -> allow\nDifferences: 1 of 7\n" });
    const same = await run(["test", burst2, "--requests", requests, "--compare", burst2]);
    expect(same.stdout).toBe("Differences: 0 of 7\n");
    const json = JSON.parse((await run(["test", burst2, "--requests", requests, "--compare", burst3, "--format", "json"])).stdout);
    expect(json).toEqual({
      differences: [{ index: 3, method: "GET", path: "/api/a", a: { action: "reject", reason: "token_bucket_exceeded" }, b: { action: "allow", reason: null } }],
      total: 7,
    });
  });

  it("a JSON array with absolute times; no --requests: one default request per policy", async () => {
    const t0 = Date.parse("2026-03-02T00:00:00Z");
    const arr = file("requests.json", JSON.stringify([0, 0, 0, 1000].map((dt) => ({ path: "/api/x", headers: { "x-api-key": "z" }, time: t0 + dt }))));
    const r = await run(["test", burst2, "--requests", arr]);
    expect(r.stdout.split("\n").slice(0, 4)).toEqual(["1. GET /api/x -> allow", "2. GET /api/x -> allow", "3. GET /api/x -> reject (token_bucket_exceeded)", "4. GET /api/x -> allow"]);
    expect(await run(["test", burst2])).toEqual({ code: 0, stderr: "", stdout: "1. GET /api/ -> allow\nSummary: total=1 allow=1 reject=0 other=0\n" });
  });

  it("errors: missing bundle 3, refused bundle 1, bad requests 1", async () => {
    expect((await run(["test"])).code).toBe(3);
    const bad = file("bad.json", '{"bundle_version":1,"policies":"x"}');
    expect(await run(["test", bad])).toEqual({ code: 1, stdout: "", stderr: "Error: Bundle load failed: policies must be a table\n" });
    const broken = file("broken.jsonl", '{"path":"/a"}\n{nope\n');
    const r = await run(["test", burst2, "--requests", broken]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: Invalid JSON on line 2: /);
  });
});

describe("status", () => {
  it("ready, the bundle version from fairvisor_config_info, the decision count", async () => {
    const s = await startService(tokenBucketBundle(4));
    running.push(s.service);
    await fetch(`${s.base}/v1/decision`, { headers: { "x-original-method": "GET", "x-original-uri": "/api/a", "x-api-key": "k" } });
    expect(await run(["status", "--edge-url", s.base])).toEqual({
      code: 0,
      stderr: "",
      stdout: "Status:         ready\nPolicy version: 4\nBundle source:  none\nDecisions:      1\n",
    });
    expect(JSON.parse((await run(["status", "--format=json"], { env: { FAIRVISOR_EDGE_URL: s.base } })).stdout)).toEqual({
      status: "ready",
      policy_version: "4",
      bundle_source: "none",
      decisions: "1",
    });
  });

  it("unreachable: exit 2", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(await run(["status", "--edge-url", url])).toEqual({ code: 2, stdout: "", stderr: `Error: Edge not reachable at ${url}\n` });
  });
});

describe("logs", () => {
  const lines = [
    '{"level":"warn","event":"decision","action":"reject","reason":"token_bucket_exceeded"}',
    '{"level":"info","event":"decision","action":"throttle","reason":"budget_throttle"}',
    "not json",
    '{"level":"warn","event":"decision","action":"reject","reason":"tpm_exceeded"}',
  ];
  it("filters stdin or a file by --action and --reason", async () => {
    expect((await run(["logs", "--action=reject"], { stdin: lines.join("\n") + "\n" })).stdout).toBe(`${lines[0]}\n${lines[3]}\n`);
    const path = file("service.log", lines.join("\n") + "\n");
    expect((await run(["logs", path, "--action", "reject", "--reason", "tpm_exceeded"])).stdout).toBe(`${lines[3]}\n`);
  });

  it("--follow prints lines appended later", async () => {
    const path = file("follow.log", lines[0] + "\n");
    let out = "";
    const stop = new AbortController();
    const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, stdin: Readable.from([""]), env: {} };
    const done = logsCommand(path, { action: "reject", follow: true, pollMs: 20, signal: stop.signal }, io);
    await until(() => out === `${lines[0]}\n`);
    appendFileSync(path, `${lines[1]}\n${lines[3].slice(0, 20)}`);
    appendFileSync(path, `${lines[3].slice(20)}\n`);
    await until(() => out === `${lines[0]}\n${lines[3]}\n`);
    stop.abort();
    expect(await done).toBe(0);
  });
});

describe("connect", () => {
  it("--push sends the bundle to the admin API; a refused one exits 1 with the loader's error; no token exits 3", async () => {
    const s = await startService(tokenBucketBundle(1), { adminToken: "tok" });
    running.push(s.service);
    const good = file("push-good.json", tokenBucketBundle(7));
    expect(await run(["connect", "--push", good, "--edge-url", s.base, "--token", "tok"])).toEqual({ code: 0, stdout: "Applied: version 7, 1 policies, 1 rules\n", stderr: "" });
    expect(s.service.activeBundle?.version).toBe(7);
    const bad = file("push-bad.json", '{"bundle_version":8,"policies":"x"}');
    expect(await run(["connect", "--push", bad, "--edge-url", s.base], { env: { FAIRVISOR_ADMIN_TOKEN: "tok" } })).toEqual({ code: 1, stdout: "", stderr: "Error: policies must be a table\n" });
    expect(s.service.activeBundle?.version).toBe(7);
    expect(await run(["connect", "--push", good, "--edge-url", s.base])).toEqual({ code: 3, stdout: "", stderr: "Error: token is required (set FAIRVISOR_ADMIN_TOKEN or use --token=)\n" });
  });

  it("--pull downloads, validates and writes; a bad bundle is not written", async () => {
    const bodies: Record<string, string> = { "/good.json": tokenBucketBundle(3), "/bad.json": '{"bundle_version":0,"policies":[]}' };
    const server = createServer((req, res) => res.end(bodies[req.url ?? ""] ?? ""));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const out = join(dir, "pulled.json");
      expect(await run(["connect", "--pull", `${base}/good.json`, "--output", out])).toEqual({ code: 0, stdout: `Downloaded bundle version 3 to ${out}\n`, stderr: "" });
      expect(readFileSync(out, "utf8")).toBe(tokenBucketBundle(3));
      const out2 = join(dir, "pulled-bad.json");
      expect(await run(["connect", "--pull", `${base}/bad.json`, "--output", out2])).toEqual({ code: 1, stdout: "", stderr: "Error: bundle_version must be a positive number\n" });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
