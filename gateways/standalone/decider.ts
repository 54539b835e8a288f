// One decision through the wasm, as Envoy would run it: a stream gets the request headers (end of stream,
// no body); a local reply is the reject, otherwise the response headers pass through the filter, which adds
// the allow headers (RateLimit-*, X-Fairvisor-Warning). The service adds no limiter logic of its own.
import type { HeaderList, HttpStream, LocalReply, Worker } from "../host/types.js";
import { serviceUnavailable } from "./answers.js";
import type { DenyStatus } from "./config.js";
import { canonicalHeaderName } from "./header-case.js";
import type { DecisionAnswer, DecisionInput } from "./types.js";

/** The part of ProxyWasmHost this needs. */
export interface WorkerPool {
  readonly workers: Worker[];
}

/** Set by the service itself, never copied from the filter's answer. */
const FRAMING = new Set(["content-length", "transfer-encoding", "connection"]);

export class Decider {
  private next = 0;

  constructor(private readonly pool: WorkerPool, private readonly denyStatus: DenyStatus = 429) {}

  decide(input: DecisionInput): DecisionAnswer {
    const worker = this.pickWorker();
    if (!worker) return serviceUnavailable();
    const stream = worker.newStream({ sourceAddress: input.sourceAddress });
    try {
      return this.run(stream, input);
    } finally {
      stream.finish();
    }
  }

  private run(stream: HttpStream, input: DecisionInput): DecisionAnswer {
    const request: HeaderList = [
      [":method", input.method],
      [":path", input.uri],
      [":authority", input.authority],
      ...input.headers,
    ];
    const onRequest = stream.onRequestHeaders(request, true);
    // A trap fails the VM; the host answers 503 wasm_fail_stream (fail_closed, DESIGN.md section 3).
    if (onRequest.trapped) return serviceUnavailable();
    const reject = onRequest.localReply ?? stream.localReply;
    if (reject) return this.fromLocalReply(reject);
    if (onRequest.verdict !== "continue") return serviceUnavailable();

    const onResponse = stream.onResponseHeaders([[":status", "200"]], true);
    if (onResponse.trapped) return serviceUnavailable();
    const late = onResponse.localReply ?? stream.localReply;
    if (late) return this.fromLocalReply(late);
    // Allow is always 200: Envoy ext_authz treats only 200 as allow (project decision 9).
    return { status: 200, headers: copyHeaders(stream.responseHeaders), body: new Uint8Array(0) };
  }

  private fromLocalReply(reply: LocalReply): DecisionAnswer {
    // 403/401 mode: nginx auth_request turns any other status into 500 (research/gateways.md 7.1).
    const status = reply.status === 429 ? this.denyStatus : reply.status;
    return { status, headers: copyHeaders(reply.headers), body: reply.body };
  }

  /** Round-robin over the VMs, skipping any that trapped; null when all have failed. */
  private pickWorker(): Worker | null {
    const workers = this.pool.workers;
    for (let i = 0; i < workers.length; i++) {
      const w = workers[(this.next + i) % workers.length];
      if (!w.failed) {
        this.next = (this.next + i + 1) % workers.length;
        return w;
      }
    }
    return null;
  }
}

function copyHeaders(headers: HeaderList): HeaderList {
  return headers
    .filter(([name]) => !name.startsWith(":") && !FRAMING.has(name.toLowerCase()))
    .map(([name, value]) => [canonicalHeaderName(name), value]);
}
