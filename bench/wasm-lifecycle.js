// One full request lifecycle through a proxy-wasm module in the TypeScript host (Envoy profile): new stream,
// request headers, response headers, done/log/delete. Baseline: the same host running a no-op filter built
// with the same toolchain (bench/fixtures/noop-filter.ts), measured in the same run.
import { bench, run, do_not_optimize } from "mitata";
import { readFileSync } from "node:fs";
import { ProxyWasmHost, ManualClock } from "../dist/gateways/host/index.js";
import { oneRule, fiveRulesJwt, requestHeaders } from "./bundles.js";

async function hostFor(wasm, bundle) {
  const host = await ProxyWasmHost.create({ module: wasm, clock: new ManualClock(1772409600n * 1_000_000_000n) });
  const result = host.configure(JSON.stringify(bundle));
  if (!result.ok) throw new Error("bundle refused: " + result.logs.map((l) => l.message).join("; "));
  return host;
}

function lifecycle(worker, headers) {
  const stream = worker.newStream({ sourceAddress: "10.1.2.3:4567" });
  const r = stream.onRequestHeaders(headers, true);
  if (!r.localReply) stream.onResponseHeaders([[":status", "200"]], true);
  stream.finish();
  return r.verdict;
}

export async function benchWasmLifecycle(noopWasm) {
  const fairvisor = new WebAssembly.Module(readFileSync(new URL("../build/fairvisor.wasm", import.meta.url)));
  const noop = await hostFor(noopWasm, {});
  const one = await hostFor(fairvisor, oneRule);
  const five = await hostFor(fairvisor, fiveRulesJwt);
  const plain = requestHeaders(false);
  const withJwt = requestHeaders(true);

  // Sanity: the bundles really decide (RateLimit headers present) before we time them.
  for (const host of [one, five]) {
    const s = host.worker(0).newStream({ sourceAddress: "10.1.2.3:4567" });
    s.onRequestHeaders(withJwt, true);
    s.onResponseHeaders([[":status", "200"]], true);
    if (!s.responseHeaders.some(([k]) => k.toLowerCase() === "ratelimit-limit")) throw new Error("bundle did not decide");
    s.finish();
  }

  bench("no-op filter (baseline)", () => do_not_optimize(lifecycle(noop.worker(0), plain)));
  bench("fairvisor, 1 token-bucket rule", () => do_not_optimize(lifecycle(one.worker(0), plain)));
  bench("fairvisor, 5 rules with JWT keys", () => do_not_optimize(lifecycle(five.worker(0), withJwt)));
  const { benchmarks } = await run();
  return benchmarks.map((b) => ({ name: b.alias, avgNs: b.runs[0].stats.avg, p99Ns: b.runs[0].stats.p99 }));
}
