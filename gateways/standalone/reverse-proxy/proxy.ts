// Reverse-proxy mode (spec 11): every request that is not one of the service's own endpoints runs through
// the wasm filter as Envoy would run it, then goes to FAIRVISOR_BACKEND_URL:
//   request headers (:method, :path with query, :authority, :scheme; source.address = client ip:port) →
//   request body chunk by chunk (a pause means the filter buffers; a local reply may come after the body) →
//   upstream call with undici, started only once the filter releases bytes (so a request the filter rejects
//   after reading its body never reaches the backend) → response headers through the filter (it adds the
//   RateLimit headers) → response body chunk by chunk, each returned `.body` written at once (SSE reaches the
//   client event by event; the filter may cut the stream) → finish().
// A throttle: the wasm holds the request itself until a tick wakes it (assembly/filter/throttle.ts; the
// service ticks the host while anything waits). When it could not (no pause), X-Fairvisor-Delay-Ms is
// honoured here, capped at 30 s: before forwarding when found on the request headers, else before answering.
// The header never reaches the backend or the client.
import type { IncomingMessage, ServerResponse } from "node:http";
import { PassThrough } from "node:stream";
import type { CallbackResult, HeaderList, HttpStream, LocalReply, Worker } from "../../host/types.js";
import { serviceUnavailable } from "../answers.js";
import type { ActiveBundle } from "../bundle-applier.js";
import {
  allowFacts, DECISION_INFO_HEADER, DELAY_HEADER, headerOf, parseDelay, RESERVATION_HEADER, rejectFacts, type DecisionFacts,
} from "../decision-facts.js";
import { recordDecision, sleep, type RecordDeps } from "../decision-record.js";
import { copyHeaders } from "../decider.js";
import { canonicalHeaderName } from "../header-case.js";
import { debugHeaders, type DebugSessions } from "../debug-session.js";
import { writeAnswer } from "../http-answer.js";
import { waitForResume, type Ticker } from "../stream-events.js";
import type { DecisionRequest } from "../types.js";
import { HOP_BY_HOP, withoutHopByHop } from "../../http/hop-by-hop.js";
import { ipOf, withForwarded } from "./forwarded.js";
import { pumpBody } from "./pump.js";
import type { Upstream, UpstreamResponse } from "./upstream.js";

/**
 * Service instructions, LLM bookkeeping (the wasm settles reservations itself in this mode) and the
 * decision info the service reports from (decision-facts.ts): never sent to the client or the backend.
 */
const INTERNAL = new Set([DELAY_HEADER, RESERVATION_HEADER, DECISION_INFO_HEADER]);

export interface ProxyDeps extends RecordDeps {
  pickWorker(): Worker | null;
  shadowCount(): bigint;
  upstream: Upstream;
  debug?: DebugSessions;
  ticker?: Ticker;
  active(): ActiveBundle | null;
}

export async function proxyRequest(req: IncomingMessage, res: ServerResponse, dreq: DecisionRequest, deps: ProxyDeps): Promise<void> {
  const worker = deps.pickWorker();
  if (!worker) {
    req.resume();
    return writeAnswer(res, serviceUnavailable());
  }
  const stream = worker.newStream({ sourceAddress: dreq.peer });
  const proxied = new ProxiedRequest(req, res, dreq, deps, stream);
  try {
    await proxied.run();
  } catch (err) {
    // A client that breaks off its upload is not a service error; anything else is logged.
    proxied.abortUpstream();
    if (!req.destroyed && !res.destroyed) deps.log.log("error", "proxy_failed", { err: err instanceof Error ? err.message : String(err) });
    if (!res.headersSent) writeAnswer(res, serviceUnavailable());
    else res.destroy();
  } finally {
    stream.finish();
  }
}

class ProxiedRequest {
  private wasmMs = 0;
  private delayed = false;
  private readonly abort = new AbortController();
  private pass: PassThrough | null = null;
  private upstreamCall: Promise<UpstreamResponse> | null = null;
  private readonly hasBody: boolean;
  private readonly authority: string;
  private shadowBefore = 0n;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly dreq: DecisionRequest,
    private readonly deps: ProxyDeps,
    private readonly stream: HttpStream,
  ) {
    this.authority = headerOf(dreq.headers, "host") ?? "";
    // node:http has already refused ambiguous framing (client-error.ts), so these two say it all.
    this.hasBody = req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
    // The client went away: stop talking to the backend too.
    res.on("close", () => {
      if (!res.writableFinished) this.abort.abort();
    });
  }

  async run(): Promise<void> {
    const requestHeaders: HeaderList = [
      [":method", this.dreq.method],
      [":path", this.dreq.url],
      [":authority", this.authority],
      [":scheme", "http"],
      ...withoutHopByHop(this.dreq.headers).filter(([k]) => k !== "host"),
    ];
    this.shadowBefore = this.deps.shadowCount();
    let r = this.timed(() => this.stream.onRequestHeaders(requestHeaders, !this.hasBody));
    // With a body, a headers pause means "show me the body" (assembly/filter/http.ts needsBody); without
    // one it is a wait only the module ends (a throttle woken by a tick).
    if (r.verdict === "pause" && !r.localReply && !r.trapped && !this.hasBody) r = await this.resumed();
    if (this.isReply(r)) return this.rejectAtRequest(r);
    if (this.hasBody) {
      let replied = false;
      const last = await pumpBody(this.req, contentLength(this.req.headers["content-length"]), async (chunk, eos) => {
        // After a local reply the rest of the upload is read and dropped, so the connection stays usable.
        if (replied) return true;
        const b = this.timed(() => this.stream.onRequestBody(chunk, eos));
        if (this.isReply(b)) {
          replied = true;
          this.rejectAtRequest(b);
          return true;
        }
        if (b.verdict === "continue" && b.body.byteLength > 0) await this.forward(b.body);
        return b.verdict === "continue";
      });
      if (replied) return;
      if (!last) {
        // Paused at the end of the body: the module decides later (an async call of its own).
        const event = await waitForResume(this.stream, this.deps.ticker);
        this.delayed = true;
        if (event.kind === "local_reply") return this.rejectAtRequest({ verdict: "pause", localReply: event.reply, trapped: false });
        if (event.kind !== "continue") return this.fail(serviceUnavailable());
        if (event.body.byteLength > 0) await this.forward(event.body);
      }
    }
    if (!this.upstreamCall) await this.startUpstream();
    this.pass?.end();
    await this.respond();
  }

  abortUpstream(): void {
    this.abort.abort();
    this.pass?.destroy();
  }

  /** The filter released request bytes: start the upstream call if needed, then write them (backpressure). */
  private async forward(bytes: Uint8Array): Promise<void> {
    if (!this.upstreamCall) await this.startUpstream();
    const pass = this.pass;
    if (!pass || pass.destroyed) return;
    if (!pass.write(bytes)) {
      await new Promise<void>((resolve) => {
        pass.once("drain", resolve);
        pass.once("close", resolve);
      });
    }
  }

  private async startUpstream(): Promise<void> {
    const headers = this.stream.requestHeaders;
    const delay = parseDelay(headerOf(headers, DELAY_HEADER));
    if (delay > 0) {
      this.delayed = true;
      await sleep(delay);
    }
    const forwarded = withForwarded(
      withoutHopByHop(headers).filter(([k]) => !k.startsWith(":") && !INTERNAL.has(k.toLowerCase())),
      { ip: ipOf(this.dreq.peer), proto: "http", host: this.authority },
    );
    forwarded.unshift(["host", headerOf(headers, ":authority") ?? this.authority]);
    this.pass = this.hasBody ? new PassThrough() : null;
    const path = headerOf(headers, ":path") ?? this.dreq.url;
    const method = headerOf(headers, ":method") ?? this.dreq.method;
    this.upstreamCall = this.deps.upstream.send(method, path, forwarded, this.pass, this.abort.signal);
    // A failed call must not leave the body writer waiting for a drain that never comes.
    this.upstreamCall.catch(() => this.pass?.destroy());
  }

  private async respond(): Promise<void> {
    let upstream: UpstreamResponse;
    try {
      upstream = await (this.upstreamCall as Promise<UpstreamResponse>);
    } catch (err) {
      if (this.abort.signal.aborted) return;
      const f = this.deps.upstream.describe(err);
      const body = new TextEncoder().encode(JSON.stringify({ error: f.error, message: f.message }));
      // As Envoy's router replies: the gateway's own 502/504 still passes through the filter's response path.
      return this.answer(f.status, [["content-type", "application/json"]], oneChunk(body), false);
    }
    const noBody =
      this.dreq.method === "HEAD" || upstream.status === 204 || upstream.status === 304 || upstream.headers.some(([k, v]) => k === "content-length" && v.trim() === "0");
    if (noBody) upstream.body.resume();
    return this.answer(upstream.status, withoutHopByHop(upstream.headers), noBody ? null : upstream.body, noBody);
  }

  private async answer(status: number, headers: HeaderList, body: AsyncIterable<Uint8Array> | null, eos: boolean): Promise<void> {
    const shadowRejected = this.deps.shadowCount() > this.shadowBefore;
    let r = this.timed(() => this.stream.onResponseHeaders([[":status", String(status)], ...headers], eos));
    if (r.verdict === "pause" && !r.localReply && !r.trapped) r = await this.resumed();
    if (this.isReply(r)) {
      destroyBody(body);
      return this.rejectAtRequest(r);
    }
    const facts = allowFacts(this.stream.responseHeaders, shadowRejected);
    this.record(facts);
    if (facts.delayMs > 0 && !this.delayed) await sleep(facts.delayMs);
    // Names arrive lower-cased (undici, the host); written in the spec's spelling as the decision answers are.
    const out: HeaderList = this.stream.responseHeaders
      .filter(([k]) => !k.startsWith(":") && !HOP_BY_HOP.has(k) && !INTERNAL.has(k.toLowerCase()))
      .map(([k, v]) => [canonicalHeaderName(k), v]);
    if (this.deps.debug?.valid(this.dreq.headers)) out.push(...debugHeaders(facts, Math.round(this.wasmMs * 1000)));
    const flat: string[] = [];
    for (const [k, v] of out) flat.push(k, v);
    this.res.writeHead(Number(headerOf(this.stream.responseHeaders, ":status") ?? status), flat);
    if (!body) return void this.res.end();
    // Headers now, so a streaming client sees the answer start before the first event.
    this.res.flushHeaders();
    let finished: boolean;
    try {
      finished = await pumpBody(body, contentLength(headerOf(headers, "content-length")), async (chunk, last) => {
        if (this.abort.signal.aborted) return false;
        const b = this.stream.onResponseBody(chunk, last);
        if (b.body.byteLength > 0) await this.write(b.body);
        return b.verdict === "continue";
      });
    } catch {
      // The backend broke off or timed out mid-body: the status is gone, so the client sees a reset, as
      // behind any proxy.
      this.res.destroy();
      return;
    }
    if (!finished && !this.abort.signal.aborted) {
      const event = await waitForResume(this.stream, this.deps.ticker);
      if (event.kind === "continue" && event.body.byteLength > 0) await this.write(event.body);
    }
    this.res.end();
  }

  private async write(bytes: Uint8Array): Promise<void> {
    if (this.res.destroyed) return;
    if (!this.res.write(bytes)) {
      await new Promise<void>((resolve) => {
        this.res.once("drain", resolve);
        this.res.once("close", resolve);
      });
    }
  }

  private rejectAtRequest(r: CallbackResult): void {
    const reply = (r.localReply ?? this.stream.localReply) as LocalReply;
    const facts = rejectFacts(reply.status, reply.details, reply.headers);
    this.record(facts);
    this.abort.abort();
    this.pass?.destroy();
    const headers = copyHeaders(reply.headers);
    if (this.deps.debug?.valid(this.dreq.headers)) headers.push(...debugHeaders(facts, Math.round(this.wasmMs * 1000)));
    if (this.res.headersSent) return void this.res.end();
    writeAnswer(this.res, { status: reply.status, headers, body: reply.body }, this.dreq.method === "HEAD");
  }

  private fail(answer: ReturnType<typeof serviceUnavailable>): void {
    this.abort.abort();
    this.pass?.destroy();
    if (!this.res.headersSent) writeAnswer(this.res, answer);
  }

  private record(facts: DecisionFacts): void {
    recordDecision(this.deps, facts, this.wasmMs / 1000, { method: this.dreq.method, uri: this.dreq.url, headers: this.dreq.headers, sourceAddress: this.dreq.peer });
  }

  private isReply(r: CallbackResult): boolean {
    return r.localReply !== null || this.stream.localReply !== null;
  }

  private async resumed(): Promise<CallbackResult> {
    const event = await waitForResume(this.stream, this.deps.ticker);
    // The module held the request itself (a throttle): its delay is served.
    this.delayed = true;
    if (event.kind === "local_reply") return { verdict: "pause", localReply: event.reply, trapped: false };
    if (event.kind === "continue") return { verdict: "continue", localReply: null, trapped: false };
    // Timeout or close: answered like a failed filter (503, fail closed).
    return { verdict: "pause", localReply: { status: 503, details: "filter_timeout", body: new TextEncoder().encode('{"error":"service_unavailable"}'), headers: [["content-type", "application/json"], ["x-fairvisor-reason", "service_unavailable"]], grpcStatus: -1 }, trapped: false };
  }

  private timed<T>(f: () => T): T {
    const t = performance.now();
    try {
      return f();
    } finally {
      this.wasmMs += performance.now() - t;
    }
  }
}

function contentLength(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d+$/.test(v.trim())) return undefined;
  return Number(v);
}

async function* oneChunk(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

function destroyBody(body: AsyncIterable<Uint8Array> | null): void {
  const b = body as { destroy?: () => void } | null;
  b?.destroy?.();
}

