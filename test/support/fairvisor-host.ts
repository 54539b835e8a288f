// Shared set-up for suites that drive build/fairvisor.wasm through the TypeScript host.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ProxyWasmHost, ManualClock, InMemorySharedData } from "../../gateways/host/index.js";
import type { HeaderList, HostOptions, LogLine, HttpStream } from "../../gateways/host/types.js";

export const WASM_PATH = fileURLToPath(new URL("../../build/fairvisor.wasm", import.meta.url));

let compiled: WebAssembly.Module | undefined;
export function fairvisorModule(): WebAssembly.Module {
  if (!compiled) compiled = new WebAssembly.Module(readFileSync(WASM_PATH));
  return compiled;
}

/** 2026-03-02T00:00:00Z, a Monday, so window arithmetic is easy to read. */
export const T0_NS = 1772409600n * 1_000_000_000n;

export interface TestHost {
  host: ProxyWasmHost;
  clock: ManualClock;
  logs: LogLine[];
}

export async function startHost(bundle: unknown, options: Partial<HostOptions> = {}): Promise<TestHost> {
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock(T0_NS);
  const logs: LogLine[] = [];
  const host = await ProxyWasmHost.create({
    module: fairvisorModule(),
    clock,
    onLog: (line) => logs.push(line),
    ...options,
  });
  if (bundle !== undefined) {
    const text = typeof bundle === "string" ? bundle : JSON.stringify(bundle);
    const result = host.configure(text);
    if (!result.ok) throw new Error("bundle refused: " + result.logs.map((l) => l.message).join("\n"));
  }
  return { host, clock, logs };
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  details: string;
  stream: HttpStream;
}

export interface RequestSpec {
  method?: string;
  path?: string;
  authority?: string;
  headers?: Record<string, string>;
  sourceAddress?: string;
  worker?: number;
}

function lowerRecord(list: HeaderList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of list) {
    if (k.startsWith(":")) continue;
    out[k.toLowerCase()] = v;
  }
  return out;
}

/** One request through the filter as Envoy would run it; an allow gets a 200 upstream response. */
export function send(t: TestHost, req: RequestSpec = {}): Answer {
  const worker = t.host.worker(req.worker ?? 0);
  const stream = worker.newStream({ sourceAddress: req.sourceAddress ?? "127.0.0.1:40000" });
  const headers: HeaderList = [
    [":method", req.method ?? "GET"],
    [":path", req.path ?? "/"],
    [":authority", req.authority ?? "api.example.com"],
    ...Object.entries(req.headers ?? {}),
  ];
  const first = stream.onRequestHeaders(headers, true);
  const reply = first.localReply ?? stream.localReply;
  if (reply) {
    stream.finish();
    return {
      status: reply.status,
      headers: lowerRecord(reply.headers),
      body: Buffer.from(reply.body).toString("utf8"),
      details: reply.details,
      stream,
    };
  }
  stream.onResponseHeaders([[":status", "200"]], true);
  stream.finish();
  return { status: 200, headers: lowerRecord(stream.responseHeaders), body: "", details: "", stream };
}

export { ManualClock, InMemorySharedData };

export function tokenBucketBundle(opts: { burst: number; rate: number; id?: string; keys?: string[]; version?: number }) {
  return {
    bundle_version: opts.version ?? 1,
    policies: [
      {
        id: opts.id ?? "tb-basic",
        spec: {
          selector: { pathPrefix: "/" },
          mode: "enforce",
          rules: [
            {
              name: "per-key",
              limit_keys: opts.keys ?? ["header:x-api-key"],
              algorithm: "token_bucket",
              algorithm_config: { tokens_per_second: opts.rate, burst: opts.burst },
            },
          ],
        },
      },
    ],
  };
}

/** The `load_report` JSON the module logs on every configure. */
export function loadReports(logs: LogLine[]): Array<Record<string, unknown>> {
  return logs
    .filter((l) => l.message.startsWith("load_report "))
    .map((l) => JSON.parse(l.message.slice("load_report ".length)));
}
