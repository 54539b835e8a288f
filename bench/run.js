// `npm run bench`: prints each figure with its ratio to the baseline measured in the same run
// (these machines are noisy; absolute numbers are for one run only).
import asc from "assemblyscript/asc";
import { readFileSync, mkdirSync } from "node:fs";
import { benchWasmLifecycle } from "./wasm-lifecycle.js";
import { benchDecisionService } from "./decision-service.js";

async function buildNoop() {
  mkdirSync(new URL("../build/", import.meta.url), { recursive: true });
  const out = new URL("../build/noop-filter.wasm", import.meta.url).pathname;
  process.chdir(new URL("..", import.meta.url).pathname);
  // Same compiler options as build/fairvisor.wasm (asconfig.json target "bench-noop").
  const { error, stderr } = await asc.main(["bench/fixtures/noop-filter.ts", "--config", "asconfig.json", "--target", "bench-noop"]);
  if (error) throw new Error("noop build failed: " + stderr.toString());
  return new WebAssembly.Module(readFileSync(out));
}

const noop = await buildNoop();
const wasm = await benchWasmLifecycle(noop);
const base = wasm[0].avgNs;
console.log("\nRequest lifecycle through the wasm in the TypeScript host (mitata):");
console.log("scenario".padEnd(40) + "avg".padStart(12) + "p99".padStart(12) + "  vs baseline");
for (const r of wasm) {
  console.log(r.name.padEnd(40) + `${(r.avgNs / 1000).toFixed(2)} µs`.padStart(12) + `${(r.p99Ns / 1000).toFixed(2)} µs`.padStart(12) + `  ${(r.avgNs / base).toFixed(2)}x`);
}

if (process.env.BENCH_SKIP_HTTP !== "1") {
  const http = await benchDecisionService();
  const b = http[0].rps;
  console.log("\nDecision service over HTTP (autocannon, 32 connections):");
  console.log("scenario".padEnd(40) + "req/s".padStart(10) + "p50".padStart(8) + "p99".padStart(8) + "  vs baseline  errors");
  for (const r of http) {
    console.log(r.name.padEnd(40) + String(Math.round(r.rps)).padStart(10) + `${r.p50}ms`.padStart(8) + `${r.p99}ms`.padStart(8) + `  ${(r.rps / b).toFixed(2)}x`.padEnd(13) + `  ${r.errors}`);
  }
}
