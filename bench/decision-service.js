// The decision service over HTTP with autocannon, against a bare node:http server answering 200 in the same
// run (the floor of any Node HTTP service on this machine).
import autocannon from "autocannon";
import { createServer } from "node:http";
import { spawn } from "node:child_process";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { oneRule } from "./bundles.js";

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 5);

function cannon(url, headers) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: 32, duration: DURATION_S, headers }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

async function waitReady(url) {
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("service did not become ready: " + url);
}

export async function benchDecisionService() {
  const bare = createServer((req, res) => res.end());
  await new Promise((r) => bare.listen(0, "127.0.0.1", r));
  const barePort = bare.address().port;

  const dir = mkdtempSync(join(tmpdir(), "fv-bench-"));
  const bundlePath = join(dir, "bundle.json");
  writeFileSync(bundlePath, JSON.stringify(oneRule));
  const port = 18000 + Math.floor(Math.random() * 1000);
  const child = spawn(process.execPath, [new URL("../bin/fairvisor.js", import.meta.url).pathname, "serve", "--config", bundlePath, "--port", String(port), "--host", "127.0.0.1"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    await waitReady(`http://127.0.0.1:${port}/readyz`);
    const headers = { "x-original-method": "GET", "x-original-uri": "/api/v1/items", "x-api-key": "k1" };
    const base = await cannon(`http://127.0.0.1:${barePort}/`, headers);
    const svc = await cannon(`http://127.0.0.1:${port}/v1/decision`, headers);
    const non2xx = svc.non2xx;
    return [
      { name: "bare node:http 200 (baseline)", rps: base.requests.average, p50: base.latency.p50, p99: base.latency.p99, errors: base.errors + base.non2xx },
      { name: "decision service, 1 rule", rps: svc.requests.average, p50: svc.latency.p50, p99: svc.latency.p99, errors: svc.errors + non2xx },
    ];
  } finally {
    child.kill("SIGTERM");
    bare.close();
  }
}
