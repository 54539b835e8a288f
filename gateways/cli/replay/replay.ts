// Replays requests through the REAL build/fairvisor.wasm in a throw-away host with a virtual clock
// (ManualClock): each request may set the time or let time pass first, so a bundle's behaviour over
// minutes or days replays in milliseconds. Requests go through the same Decider as the decision service;
// a throttle the wasm holds is woken by ticks that move the virtual clock, not the real one.
import { ManualClock, ProxyWasmHost } from "../../host/index.js";
import { Decider } from "../../standalone/decider.js";
import { loadReportFrom } from "../../standalone/load-report.js";
import { Ticker } from "../../standalone/stream-events.js";
import type { ReplayRequest } from "./requests.js";

export interface ReplayResult {
  index: number;
  method: string;
  path: string;
  status: number;
  action: string;
  reason: string;
  policy: string;
}

export type Replayed = { ok: true; results: ReplayResult[]; warnings: string[] } | { ok: false; error: string };

/** Virtual time a throttle tick moves (the wasm ticks every 10 ms; 100 ms per tick keeps waits short). */
const VIRTUAL_MS_PER_TICK = 100;

export async function replay(
  module: WebAssembly.Module,
  bundleText: string,
  requests: ReplayRequest[],
  startMs: number,
  onProgress?: (done: number) => void,
): Promise<Replayed> {
  const clock = new ManualClock(BigInt(startMs) * 1_000_000n);
  const host = await ProxyWasmHost.create({ module, clock, workers: 1, onLog: () => undefined });
  const configured = host.configure(bundleText);
  const report = loadReportFrom(configured.logs, configured.ok);
  if (!report.ok) return { ok: false, error: report.error };
  const ticker = new Ticker(() => {
    clock.advance(VIRTUAL_MS_PER_TICK);
    host.tick();
  });
  const decider = new Decider(host, 429, ticker);
  const results: ReplayResult[] = [];
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i];
    if (r.time !== undefined) clock.set(BigInt(Math.round(r.time)) * 1_000_000n);
    if (r.delayMs) clock.advance(r.delayMs);
    const host_ = r.headers.find(([k]) => k === "host")?.[1] ?? "localhost";
    const { answer, facts, openStream } = await decider.decide(
      { method: r.method, uri: r.path, authority: host_, headers: r.headers.filter(([k]) => k !== "host"), sourceAddress: `${r.ip}:40000` },
      r.body === null ? null : new TextEncoder().encode(r.body),
    );
    // A throttle the service would sleep through passes in virtual time.
    if (facts.delayMs > 0) clock.advance(facts.delayMs);
    // Nobody reconciles in a replay: the reservation stays charged, as an unreconciled one does.
    openStream?.finish();
    results.push({ index: i + 1, method: r.method, path: r.path, status: answer.status, action: facts.action, reason: facts.reason, policy: facts.policy });
    onProgress?.(i + 1);
  }
  return { ok: true, results, warnings: report.errors };
}
