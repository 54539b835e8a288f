// Metrics defined by the module (proxy_define_metric & co), shared by every worker of a host as Envoy's
// stats store is shared by its threads. Ids follow Envoy: the low two bits carry the type and each type
// counts up by 4 from 4/5/6 (proxy-wasm-cpp-host include/proxy-wasm/wasm.h nextCounterMetricId …).
// Defining the same name and type again returns the same id.
import { MetricType } from "./abi/enums.js";
import { WasmResult } from "./abi/status.js";

export type MetricKind = "counter" | "gauge" | "histogram";

interface Metric {
  name: string;
  type: MetricType;
  value: bigint;
}

const KINDS: MetricKind[] = ["counter", "gauge", "histogram"];

export class MetricsRegistry {
  private readonly byId = new Map<number, Metric>();
  private readonly idByKey = new Map<string, number>();
  private readonly next = [0, 1, 2];

  /** Returns the id, or -1 for an unknown type (BadArgument). */
  define(type: number, name: string): number {
    if (type < 0 || type > MetricType.Histogram) return -1;
    const key = `${type}:${name}`;
    const known = this.idByKey.get(key);
    if (known !== undefined) return known;
    const id = (this.next[type] += 4);
    this.idByKey.set(key, id);
    this.byId.set(id, { name, type, value: 0n });
    return id;
  }

  /** Envoy Context::incrementMetric: counters only grow, gauges move both ways, histograms refuse. */
  increment(id: number, offset: bigint): WasmResult {
    const m = this.byId.get(id);
    if (m === undefined) return (id & 3) > MetricType.Gauge ? WasmResult.BadArgument : WasmResult.NotFound;
    if (m.type === MetricType.Counter) {
      if (offset <= 0n) return WasmResult.BadArgument;
      m.value += offset;
      return WasmResult.Ok;
    }
    if (m.type === MetricType.Gauge) {
      m.value += offset;
      return WasmResult.Ok;
    }
    return WasmResult.BadArgument;
  }

  /** Envoy Context::recordMetric: counter adds, gauge sets, histogram records (we keep the sum). */
  record(id: number, value: bigint): WasmResult {
    const m = this.byId.get(id);
    if (m === undefined) return WasmResult.NotFound;
    if (m.type === MetricType.Gauge) m.value = value;
    else m.value += value;
    return WasmResult.Ok;
  }

  /** Envoy Context::getMetric: histograms cannot be read back (BadArgument). */
  get(id: number): bigint | WasmResult {
    const m = this.byId.get(id);
    if (m === undefined) return (id & 3) > MetricType.Gauge ? WasmResult.BadArgument : WasmResult.NotFound;
    if (m.type === MetricType.Histogram) return WasmResult.BadArgument;
    return m.value;
  }

  snapshot(): Map<string, { type: MetricKind; value: bigint }> {
    const out = new Map<string, { type: MetricKind; value: bigint }>();
    for (const m of this.byId.values()) out.set(m.name, { type: KINDS[m.type], value: m.value });
    return out;
  }
}
