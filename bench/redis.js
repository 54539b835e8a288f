// `npm run bench:redis`: decisions per second and latency of exact mode over a real redis-server, against
// the in-memory shared-data store measured in the same run (ratios beside each figure; this machine is
// shared and noisy, so absolute numbers hold for one run only). Scenario table, as Limitador's benches:
//   {in-memory, redis exact} × {1 instance, 3 instances (one process each)} × {uncontended keys, one hot key}
// A decision = one request through build/fairvisor.wasm in the TypeScript host (token bucket rule), plus,
// for Redis, its commit (gateways/distributed). Needs `npm run build:ts` (dist/) and /usr/bin/redis-server.
import { fork, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 16);
const UNCONTENDED_KEYS = 100_000;
const root = new URL("..", import.meta.url).pathname;
const BUNDLE = {
  bundle_version: 1,
  policies: [
    {
      id: "bench",
      spec: {
        selector: { pathPrefix: "/" },
        mode: "enforce",
        rules: [{ name: "per-key", limit_keys: ["header:x-api-key"], algorithm: "token_bucket", algorithm_config: { tokens_per_second: 1e6, burst: 1e9 } }],
      },
    },
  ],
};

// ---- child: one instance running decisions for SECONDS ------------------------------------------------

async function child({ store, url, keys, prefix, seed }) {
  const { ProxyWasmHost } = await import(join(root, "dist/gateways/host/index.js"));
  const { createDistributedStore, distributedOptions } = await import(join(root, "dist/gateways/distributed/index.js"));
  const module = new WebAssembly.Module(readFileSync(join(root, "build/fairvisor.wasm")));
  const dist = store === "redis" ? await createDistributedStore(distributedOptions(url, { prefix, timeoutMs: 1000 }), { log: { log() {} } }) : null;
  const host = await ProxyWasmHost.create({ module, store: dist?.store });
  if (!host.configure(JSON.stringify(BUNDLE)).ok) throw new Error("bundle refused");
  const worker = host.worker(0);
  const decide = (key) => {
    const stream = worker.newStream({ sourceAddress: "127.0.0.1:40000" });
    try {
      const r = stream.onRequestHeaders([[":method", "GET"], [":path", "/"], [":authority", "a"], ["x-api-key", key]], true);
      if (r.localReply ?? stream.localReply) return 429;
      stream.onResponseHeaders([[":status", "200"]], true);
      return 200;
    } finally {
      stream.finish();
    }
  };
  // xorshift32: a cheap, well-spread key sequence per instance (seeded differently in each).
  let n = seed >>> 0 || 1;
  const nextKey = () => {
    if (keys === 1) return "hot";
    n ^= n << 13;
    n >>>= 0;
    n ^= n >>> 17;
    n ^= n << 5;
    n >>>= 0;
    return `k${n % keys}`;
  };
  const latencies = [];
  let failed = 0;
  const until = performance.now() + SECONDS * 1000;
  const loop = async () => {
    while (performance.now() < until) {
      const key = nextKey();
      const t = performance.now();
      if (dist) {
        const o = await dist.runner.run(() => decide(key));
        if (o.origin !== "redis") failed++;
      } else {
        decide(key);
        // Same scheduling as the Redis loops (one await per decision), so only the store differs.
        await null;
      }
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, loop));
  const stats = dist?.runner.stats;
  await dist?.close();
  return { count: latencies.length, latencies, failed, conflicts: stats?.conflicts ?? 0 };
}

// ---- parent ------------------------------------------------------------------------------------------

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startRedis() {
  const dir = mkdtempSync(join(tmpdir(), "fv-bench-redis-"));
  const port = await freePort();
  const proc = spawn(process.env.REDIS_SERVER ?? "/usr/bin/redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise((resolve, reject) => {
    let out = "";
    proc.stdout.on("data", (d) => {
      out += d;
      if (out.includes("Ready to accept connections")) resolve();
    });
    proc.once("exit", (c) => reject(new Error("redis-server exited " + c)));
  });
  proc.stdout.resume();
  return { url: `redis://127.0.0.1:${port}`, stop: () => (proc.kill("SIGTERM"), rmSync(dir, { recursive: true, force: true })) };
}

function runChild(args) {
  return new Promise((resolve, reject) => {
    const c = fork(new URL(import.meta.url).pathname, ["--child", JSON.stringify(args)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    c.once("message", resolve);
    c.once("exit", (code) => code !== 0 && reject(new Error("child exited " + code)));
  });
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function scenario(name, store, instances, keys, url) {
  const prefix = `bench${Math.random().toString(36).slice(2, 8)}:`;
  const results = await Promise.all(Array.from({ length: instances }, (_, i) => runChild({ store, url, keys, prefix, seed: i * 7919 + 1 })));
  const all = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const count = results.reduce((n, r) => n + r.count, 0);
  return {
    name,
    store,
    instances,
    keys,
    rps: count / SECONDS,
    p50: pct(all, 50),
    p99: pct(all, 99),
    failed: results.reduce((n, r) => n + r.failed, 0),
    conflicts: results.reduce((n, r) => n + r.conflicts, 0),
  };
}

async function main() {
  const redis = await startRedis();
  const rows = [];
  try {
    // BENCH_ONLY=3hot (or 1cold, 1hot, 3cold) runs one scenario.
    const only = process.env.BENCH_ONLY;
    for (const instances of [1, 3]) {
      for (const keys of [UNCONTENDED_KEYS, 1]) {
        if (only && only !== `${instances}${keys === 1 ? "hot" : "cold"}`) continue;
        const shape = `${instances} instance${instances > 1 ? "s" : ""}, ${keys === 1 ? "one hot key" : "uncontended keys"}`;
        const mem = await scenario(shape, "memory", instances, keys, redis.url);
        const red = await scenario(shape, "redis", instances, keys, redis.url);
        rows.push([mem, red]);
      }
    }
  } finally {
    redis.stop();
  }
  console.log(`\nExact mode over Redis vs the in-memory store (${SECONDS} s per scenario, ${IN_FLIGHT} decisions in flight per instance,`);
  console.log("one process per instance; in-memory instances do not share counters, which is what Redis adds):");
  console.log("scenario".padEnd(34) + "store".padEnd(8) + "decisions/s".padStart(13) + "p50 ms".padStart(9) + "p99 ms".padStart(9) + "  rate vs mem  p50 vs mem  conflicts  failed");
  for (const [mem, red] of rows) {
    for (const r of [mem, red]) {
      const ratio = r === mem ? "" : `${(r.rps / mem.rps).toFixed(3)}x`.padStart(11) + `${(r.p50 / mem.p50).toFixed(1)}x`.padStart(12) + String(r.conflicts).padStart(11) + String(r.failed).padStart(8);
      console.log(r.name.padEnd(34) + r.store.padEnd(8) + r.rps.toFixed(0).padStart(13) + r.p50.toFixed(3).padStart(9) + r.p99.toFixed(3).padStart(9) + "  " + ratio);
    }
  }
}

if (process.argv[2] === "--child") {
  const result = await child(JSON.parse(process.argv[3]));
  process.send(result, () => process.exit(0));
} else {
  await main();
}
