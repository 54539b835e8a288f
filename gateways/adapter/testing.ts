// Test helpers shared by the shims' tests: an engine on the real build/fairvisor.wasm with a manual clock,
// and the recorded AWS events. Not re-exported by index.ts (tests only).
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { ManualClock } from "../host/index.js";
import type { SharedDataStore } from "../host/types.js";
import { MemoryLogger } from "../standalone/log.js";
import { FairvisorEngine } from "./engine.js";

/** 2026-03-02T00:00:00Z, as test/support/fairvisor-host.ts. */
export const T0_NS = 1772409600n * 1_000_000_000n;

const WASM_PATH = fileURLToPath(new URL("../../build/fairvisor.wasm", import.meta.url));
let compiled: WebAssembly.Module | undefined;
export function testModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(WASM_PATH));
  return compiled;
}

export interface TestEngine {
  engine: FairvisorEngine;
  clock: ManualClock;
  log: MemoryLogger;
}

export async function testEngine(bundle: unknown, opts: { store?: SharedDataStore; platform?: string } = {}): Promise<TestEngine> {
  const clock = new ManualClock(T0_NS);
  const log = new MemoryLogger();
  const engine = await FairvisorEngine.create({
    module: testModule(),
    bundle: typeof bundle === "string" ? bundle : JSON.stringify(bundle),
    platform: opts.platform ?? "test",
    log,
    clock,
    store: opts.store,
  });
  return { engine, clock, log };
}

/** ../shared/fixtures/aws-lambda-go beside the checkout (CI copies /work/shared there). */
export const AWS_FIXTURES = fileURLToPath(new URL("../../../shared/fixtures/aws-lambda-go/", import.meta.url));

export function awsFixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(join(AWS_FIXTURES, name), "utf8")) as T;
}

export function awsFixtureNames(): string[] {
  return readdirSync(AWS_FIXTURES).filter((n) => n.endsWith(".json")).sort();
}
