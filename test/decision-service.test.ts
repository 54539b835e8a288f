// The decision service end to end: real node:http server on an ephemeral port, real ProxyWasmHost, real
// build/fairvisor.wasm. Covers spec 9.3's worked example header for header, the three fronts
// (research/gateways.md 7), health (spec 4), hot reload and its refusals (project decision 12, spec 2.6-2.7),
// deny-status and trusted proxies (decision 13).
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadWasmModule, resolveWasmPath } from "../gateways/cli/wasm-module.js";
import { ManualClock } from "../gateways/host/index.js";
import type { ServiceConfig } from "../gateways/standalone/config.js";
import { MemoryLogger } from "../gateways/standalone/log.js";
import { DecisionService } from "../gateways/standalone/service.js";

let module: WebAssembly.Module;
const dir = mkdtempSync(join(tmpdir(), "fv-service-"));
const running: DecisionService[] = [];

beforeAll(async () => {
  module = await loadWasmModule(resolveWasmPath(process.env));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// ---- bundles -------------------------------------------------------------------------------------------

interface PolicyOpts {
  id?: string;
  rule?: string;
  burst?: number;
  rate?: number;
  selector?: Record<string, unknown>;
  keys?: string[];
}
function tokenBucketPolicy(o: PolicyOpts = {}) {
  return {
    id: o.id ?? "tb-basic",
    spec: {
      selector: o.selector ?? { pathPrefix: "/api/" },
      mode: "enforce",
      rules: [
        {
          name: o.rule ?? "per-key",
          limit_keys: o.keys ?? ["header:x-api-key"],
          algorithm: "token_bucket",
          algorithm_config: { tokens_per_second: o.rate ?? 1, burst: o.burst ?? 2 },
        },
      ],
    },
  };
}
const bundleText = (version: number, policies: unknown[]) => JSON.stringify({ bundle_version: version, policies }, null, 2);

// ---- service and HTTP helpers --------------------------------------------------------------------------

let fileNo = 0;
interface Started {
  service: DecisionService;
  log: MemoryLogger;
  file: string;
  clock: ManualClock;
  call(opts?: CallOpts): Promise<Answer>;
}

async function start(text: string, config: Partial<ServiceConfig> = {}, watch = false): Promise<Started> {
  const file = join(dir, `policy-${++fileNo}.json`);
  writeFileSync(file, text);
  const log = new MemoryLogger();
  const clock = new ManualClock(1_767_225_600_000_000_000n);
  const service = await DecisionService.start({
    config: {
      configFile: file,
      host: "127.0.0.1",
      port: 0,
      workers: 1,
      trustedProxies: [],
      denyStatus: 429,
      logLevel: "info",
      ...config,
    },
    module,
    log,
    clock,
    watch,
    pollIntervalMs: 50,
  });
  running.push(service);
  return { service, log, file, clock, call: (opts) => call(service.port, opts) };
}

interface CallOpts {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}
interface Answer {
  status: number;
  /** Response headers as sent: original case, in order, without Date/Connection/Keep-Alive/Content-Length. */
  headers: Array<[string, string]>;
  body: string;
  get(name: string): string | undefined;
}

/** nginx auth_request's view of a client request: GET /v1/decision with X-Original-* headers. */
const nginx = (uri: string, extra: Record<string, string> = {}, method = "GET"): CallOpts => ({
  headers: { "X-Original-Method": method, "X-Original-URI": uri, "X-Api-Key": "demo", ...extra },
});

function call(port: number, opts: CallOpts = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, method: opts.method ?? "GET", path: opts.path ?? "/v1/decision", headers: opts.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const headers: Array<[string, string]> = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            const name = res.rawHeaders[i];
            if (!["date", "connection", "keep-alive", "content-length"].includes(name.toLowerCase())) {
              headers.push([name, res.rawHeaders[i + 1]]);
            }
          }
          resolve({
            status: res.statusCode ?? 0,
            headers,
            body: Buffer.concat(chunks).toString("utf8"),
            get: (n) => headers.find(([k]) => k.toLowerCase() === n.toLowerCase())?.[1],
          });
        });
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

const RATE_HEADERS = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit", "Retry-After", "X-Fairvisor-Reason"];
/** The limiter headers of an answer, exact names, in a stable order. */
const rateHeaders = (a: Answer) =>
  a.headers.filter(([k]) => RATE_HEADERS.includes(k)).sort(([x], [y]) => RATE_HEADERS.indexOf(x) - RATE_HEADERS.indexOf(y));

async function until(cond: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

// ---- tests ---------------------------------------------------------------------------------------------

describe("spec 9.3 worked example: token bucket burst 2, rate 1, three rapid requests", () => {
  const expected: Array<[number, Array<[string, string]>]> = [
    [200, [["RateLimit-Limit", "2"], ["RateLimit-Remaining", "1"], ["RateLimit-Reset", "1"], ["RateLimit", '"tb-basic";r=1;t=1']]],
    [200, [["RateLimit-Limit", "2"], ["RateLimit-Remaining", "0"], ["RateLimit-Reset", "1"], ["RateLimit", '"tb-basic";r=0;t=1']]],
    [
      429,
      [
        ["RateLimit-Limit", "2"],
        ["RateLimit-Remaining", "0"],
        ["RateLimit-Reset", "1"],
        ["RateLimit", '"tb-basic";r=0;t=1'],
        ["Retry-After", "2"],
        ["X-Fairvisor-Reason", "token_bucket_exceeded"],
      ],
    ],
  ];

  for (const method of ["GET", "POST"]) {
    it(`${method} /v1/decision with X-Original-*`, async () => {
      const s = await start(bundleText(1, [tokenBucketPolicy()]));
      for (const [status, headers] of expected) {
        const a = await s.call({ method, ...nginx("/api/v1/items?page=2"), body: method === "POST" ? "{}" : undefined });
        expect([a.status, rateHeaders(a)]).toEqual([status, headers]);
        if (status === 200) expect(a.body).toBe("");
      }
    });
  }

  it("the 429 carries the filter's body and content type", async () => {
    const s = await start(bundleText(1, [tokenBucketPolicy({ burst: 1 })]));
    await s.call(nginx("/api/a"));
    const a = await s.call(nginx("/api/a"));
    expect(a.status).toBe(429);
    expect(a.get("Content-Type")).toMatch(/^application\/json/);
    expect(() => JSON.parse(a.body)).not.toThrow();
  });

  it("a refilled bucket allows again (clock advanced 1 s)", async () => {
    const s = await start(bundleText(1, [tokenBucketPolicy({ burst: 1 })]));
    expect((await s.call(nginx("/api/a"))).status).toBe(200);
    expect((await s.call(nginx("/api/a"))).status).toBe(429);
    s.clock.advance(1000);
    expect((await s.call(nginx("/api/a"))).status).toBe(200);
  });

  it("keys are separate: another X-Api-Key has its own bucket", async () => {
    const s = await start(bundleText(1, [tokenBucketPolicy({ burst: 1 })]));
    expect((await s.call(nginx("/api/a"))).status).toBe(200);
    expect((await s.call(nginx("/api/a"))).status).toBe(429);
    expect((await s.call(nginx("/api/a", { "X-Api-Key": "other" }))).status).toBe(200);
  });
});

describe("fronts", () => {
  // The selector needs the original host, method and path, so each front must deliver all three.
  const strict = () =>
    bundleText(1, [tokenBucketPolicy({ burst: 1, selector: { pathPrefix: "/api/", methods: ["DELETE"], hosts: ["api.example.com"] } })]);

  it("nginx auth_request: X-Original-Method/URI/Host", async () => {
    const s = await start(strict());
    const ask = (host: string, method: string, uri: string) => s.call(nginx(uri, { "X-Original-Host": host }, method));
    expect(rateHeaders(await ask("api.example.com", "DELETE", "/api/x"))[0]).toEqual(["RateLimit-Limit", "1"]);
    expect((await ask("api.example.com", "DELETE", "/api/x")).status).toBe(429);
    // Not matched: no limiter ran, plain 200 with no headers (spec 9.3).
    for (const a of [await ask("other.example.com", "DELETE", "/api/x"), await ask("api.example.com", "GET", "/api/x"), await ask("api.example.com", "DELETE", "/web/x")]) {
      expect([a.status, rateHeaders(a)]).toEqual([200, []]);
    }
  });

  it("missing X-Original-*: the decision request itself is evaluated (spec 9.2)", async () => {
    const s = await start(bundleText(1, [tokenBucketPolicy({ burst: 1, selector: { pathExact: "/v1/decision", methods: ["POST"] } })]));
    const bare = { method: "POST", headers: { "X-Api-Key": "k" } };
    expect((await s.call(bare)).status).toBe(200);
    expect((await s.call(bare)).status).toBe(429);
  });

  it("Traefik forwardAuth: X-Forwarded-Method/Uri/Host", async () => {
    const s = await start(strict());
    const traefik = (host: string) => ({
      headers: {
        "X-Forwarded-Method": "DELETE",
        "X-Forwarded-Uri": "/api/x?y=1",
        "X-Forwarded-Host": host,
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": "198.51.100.7",
        "X-Api-Key": "demo",
      },
    });
    expect((await s.call(traefik("api.example.com"))).status).toBe(200);
    const rejected = await s.call(traefik("api.example.com"));
    expect(rejected.status).toBe(429);
    expect(rejected.get("X-Fairvisor-Reason")).toBe("token_bucket_exceeded");
    expect(rateHeaders(await s.call(traefik("www.example.com")))).toEqual([]);
  });

  it("Envoy ext_authz: client method, path prefixed with /v1/decision, Host; reject passes status, headers, body", async () => {
    const s = await start(strict());
    const envoy = (method: string, host: string) => ({ method, path: "/v1/decision/api/x?y=1", headers: { Host: host, "X-Api-Key": "demo", "Content-Length": "0" } });
    const first = await s.call(envoy("DELETE", "api.example.com"));
    expect(first.status).toBe(200); // only 200 is allow for ext_authz (decision 9)
    const second = await s.call(envoy("DELETE", "api.example.com"));
    expect(second.status).toBe(429);
    expect(second.get("Retry-After")).toBe("2");
    expect(second.body.length).toBeGreaterThan(0);
    expect(rateHeaders(await s.call(envoy("GET", "api.example.com")))).toEqual([]);
    expect(rateHeaders(await s.call(envoy("DELETE", "www.example.com")))).toEqual([]);
  });
});

describe("routes and status codes", () => {
  it("405 for other methods on /v1/decision, 404 elsewhere and for POST /decision", async () => {
    const s = await start(bundleText(1, [tokenBucketPolicy()]));
    const put = await s.call({ method: "PUT" });
    expect([put.status, put.get("Allow"), put.body]).toEqual([405, "GET, POST", "method not allowed\n"]);
    for (const [method, path] of [["POST", "/decision"], ["GET", "/nope"]]) {
      const a = await s.call({ method, path });
      expect([a.status, a.body]).toEqual([404, "not found\n"]);
    }
  });

  it("deny-status 403: same headers, status 403", async () => {
    const s = await start(bundleText(1, [tokenBucketPolicy({ burst: 1 })]), { denyStatus: 403 });
    expect((await s.call(nginx("/api/a"))).status).toBe(200);
    const a = await s.call(nginx("/api/a"));
    expect(a.status).toBe(403);
    expect(rateHeaders(a)).toEqual([
      ["RateLimit-Limit", "1"],
      ["RateLimit-Remaining", "0"],
      ["RateLimit-Reset", "1"],
      ["RateLimit", '"tb-basic";r=0;t=1'],
      ["Retry-After", "2"],
      ["X-Fairvisor-Reason", "token_bucket_exceeded"],
    ]);
  });

  it("several workers share the counters (round-robin)", async () => {
    const s = await start(bundleText(1, [tokenBucketPolicy({ burst: 2 })]), { workers: 3 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await s.call(nginx("/api/a"))).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
  });
});

describe("trusted proxies (decision 13)", () => {
  const perIp = () => bundleText(1, [tokenBucketPolicy({ burst: 1, keys: ["ip:address"] })]);
  const from = (xff: string) => nginx("/api/a", { "X-Forwarded-For": xff });

  it("X-Forwarded-For is ignored from an untrusted peer: one bucket for the peer", async () => {
    const s = await start(perIp());
    expect((await s.call(from("203.0.113.1"))).status).toBe(200);
    expect((await s.call(from("203.0.113.2"))).status).toBe(429);
  });

  it("X-Forwarded-For is honoured from a trusted peer: one bucket per client", async () => {
    const s = await start(perIp(), { trustedProxies: ["127.0.0.1/32"] });
    expect((await s.call(from("203.0.113.1"))).status).toBe(200);
    expect((await s.call(from("203.0.113.2"))).status).toBe(200);
    expect((await s.call(from("203.0.113.1"))).status).toBe(429);
  });
});

describe("readiness and reloads", () => {
  const readyz = async (s: Started) => {
    const a = await s.call({ path: "/readyz" });
    return { status: a.status, body: JSON.parse(a.body) as Record<string, unknown> };
  };

  it("livez is always ok; readyz reports the bundle's version and base64 SHA-1", async () => {
    const text = bundleText(7, [tokenBucketPolicy()]);
    const s = await start(text);
    const live = await s.call({ path: "/livez" });
    expect([live.status, live.body, live.get("Content-Type")]).toEqual([200, "ok\n", "text/plain"]);
    const r = await readyz(s);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      status: "ready",
      policy_version: 7,
      policy_hash: createHash("sha1").update(text).digest("base64"),
      last_config_update: expect.any(Number),
    });
    expect(Math.abs((r.body.last_config_update as number) - Date.now() / 1000)).toBeLessThan(60);
  });

  it("broken file at startup: not ready, decisions 503; fixing the file loads it", async () => {
    const s = await start('{"bundle_version": 1, "policies": [', {}, true);
    expect(await readyz(s)).toEqual({ status: 503, body: { status: "not_ready", reason: "no_policy_loaded" } });
    const d = await s.call(nginx("/api/a"));
    expect([d.status, d.get("X-Fairvisor-Reason")]).toEqual([503, "no_bundle_loaded"]);
    expect(String(s.log.events("standalone_reload_failed")[0].err)).toMatch(/^json_parse_error/);
    writeFileSync(s.file, bundleText(1, [tokenBucketPolicy()]));
    await until(async () => (await readyz(s)).status === 200);
    expect((await s.call(nginx("/api/a"))).status).toBe(200);
  });

  it("a bad top-level bundle is refused (file change and forced): old bundle still enforced, readyz still 200", async () => {
    const s = await start(bundleText(1, [tokenBucketPolicy({ burst: 1 })]), {}, true);
    expect((await s.call(nginx("/api/a"))).status).toBe(200);
    writeFileSync(s.file, JSON.stringify({ bundle_version: 2, policies: "none" }));
    await until(() => s.log.events("standalone_reload_failed").length === 1);
    expect(s.log.events("standalone_reload_failed")[0]).toMatchObject({ level: "error", err: "policies must be a table" });
    expect(await s.service.reload({ force: true })).toMatchObject({ result: "refused", error: "policies must be a table" });
    expect((await s.call(nginx("/api/a"))).status).toBe(429);
    expect(await readyz(s)).toMatchObject({ status: 200, body: { policy_version: 1 } });
  });

  it("a bad policy is dropped and logged; the rest is enforced", async () => {
    const bad = { id: "p2", spec: { rules: [] } };
    const s = await start(bundleText(1, [bad, tokenBucketPolicy({ burst: 1 })]));
    expect(s.log.events("standalone_policy_dropped")).toEqual([expect.objectContaining({ level: "error", err: "policy=p2: missing selector" })]);
    expect(s.log.events("standalone_policy_reloaded")[0]).toMatchObject({ version: 1, policies: 1, dropped: 1 });
    expect((await s.call(nginx("/api/a"))).status).toBe(200);
    expect((await s.call(nginx("/api/a"))).status).toBe(429);
  });

  it("monotonic rule: a file change to a lower version is skipped; a forced reload rolls back", async () => {
    const s = await start(bundleText(5, [tokenBucketPolicy()]), {}, true);
    writeFileSync(s.file, bundleText(4, [tokenBucketPolicy({ burst: 9 })]));
    await until(() => s.log.events("standalone_reload_failed").length === 1);
    expect(s.log.events("standalone_reload_failed")[0]).toMatchObject({ level: "warn", err: "version_not_monotonic", version: 4, current_version: 5 });
    expect((await readyz(s)).body.policy_version).toBe(5);
    expect(await s.service.reload({ force: true })).toMatchObject({ result: "applied" });
    expect((await readyz(s)).body.policy_version).toBe(4);
    expect(rateHeaders(await s.call(nginx("/api/a")))[0]).toEqual(["RateLimit-Limit", "9"]);
  });

  it("a file change to a higher version applies without restart", async () => {
    const s = await start(bundleText(1, [tokenBucketPolicy({ burst: 2 })]), {}, true);
    writeFileSync(s.file, bundleText(2, [tokenBucketPolicy({ burst: 3 })]));
    await until(async () => (await readyz(s)).body.policy_version === 2);
    expect(rateHeaders(await s.call(nginx("/api/a")))[0]).toEqual(["RateLimit-Limit", "3"]);
  });

  it("identical text is a no-op", async () => {
    const s = await start(bundleText(3, [tokenBucketPolicy()]));
    expect(await s.service.reload({ force: true })).toEqual({ result: "unchanged", version: 3 });
    expect(s.log.events("standalone_policy_reloaded").length).toBe(1);
  });

  it("counters survive a reload", async () => {
    const s = await start(bundleText(1, [tokenBucketPolicy({ burst: 2 })]));
    await s.call(nginx("/api/a"));
    await s.call(nginx("/api/a"));
    expect((await s.call(nginx("/api/a"))).status).toBe(429);
    // Same policy id and rule name, so the same counter key (spec 2.7); only the version changes.
    writeFileSync(s.file, bundleText(2, [tokenBucketPolicy({ burst: 2 })]));
    expect(await s.service.reload({ force: false })).toMatchObject({ result: "applied" });
    expect((await s.call(nginx("/api/a"))).status).toBe(429);
  });
});
