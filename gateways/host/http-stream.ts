// One HTTP request/response pair driven through one VM, with Envoy's filter semantics
// (envoy source/extensions/common/wasm/context.cc decodeHeaders/decodeData/encodeHeaders/encodeData,
// proxy-wasm-cpp-host src/context.cc CHECK_FAIL_HTTP and convertVmCallResultTo*; research/gateways.md 1.6-1.8):
//   - a map or body is visible to the module during its callback and for as long as that callback paused
//     the side; Continue (here or later through proxy_continue_stream) ends the phase;
//   - body Pause (StopIterationAndBuffer) keeps the data; the next callback sees everything buffered;
//   - after a local reply, the module gets no further stream callbacks, only done/log/delete (see README for
//     how this differs from Envoy, whose own reply passes back through the module's response callbacks);
//   - once the VM failed: fail_closed → one 503 wasm_fail_stream reply for the stream, fail_open → untouched.
import { DataStatus } from "./abi/enums.js";
import type { Context, StreamControl } from "./context.js";
import { concat, headersVerdict, lowerCopy } from "./filter-status.js";
import type { CallbackResult, HeaderList, HttpStream, LocalReply, StreamEvent, StreamInfo } from "./types.js";
import { MISSING, TRAPPED, type GuestFn, type Vm } from "./vm.js";

type Side = "request" | "response";
type BodyResult = CallbackResult & { body: Uint8Array };

const EMPTY = new Uint8Array(0);

/** What the stream needs from its worker. */
export interface StreamOwner {
  /** The failure policy lets traffic through a failed VM (fail_open, where the profile supports it). */
  readonly failOpen: boolean;
  /** The reply a stream gets from a failed VM under fail_closed. */
  trapReply(): LocalReply;
}

export class HttpStreamImpl implements HttpStream, StreamControl {
  readonly contextId: number;
  onEvent?: (event: StreamEvent) => void;
  private readonly ctx: Context;
  private reqHeaders: HeaderList = [];
  private respHeaders: HeaderList = [];
  private reqTrailers: HeaderList | null = null;
  private respTrailers: HeaderList | null = null;
  private reply: LocalReply | null = null;
  /** The failure reply was already given (Envoy stream_failed_ / failure_local_reply_sent_). */
  private failedReplied = false;
  private closed = false;
  private finished = false;
  private inCallback = false;
  private heldRequest: Uint8Array = EMPTY;
  private heldResponse: Uint8Array = EMPTY;
  /** The last body callback returned StopIterationAndBuffer: the next one sees held + chunk. */
  private bufferingRequest = false;
  private bufferingResponse = false;

  constructor(
    private readonly vm: Vm,
    private readonly owner: StreamOwner,
    rootId: number,
    info: StreamInfo | undefined,
  ) {
    this.ctx = vm.createStream(rootId);
    this.ctx.info = info ?? null;
    this.ctx.stream = this;
    this.contextId = this.ctx.id;
  }

  get requestHeaders(): HeaderList {
    return this.reqHeaders;
  }
  get responseHeaders(): HeaderList {
    return this.respHeaders;
  }
  get requestTrailers(): HeaderList | null {
    return this.reqTrailers ?? this.ctx.requestTrailers;
  }
  get responseTrailers(): HeaderList | null {
    return this.respTrailers ?? this.ctx.responseTrailers;
  }
  /** The VM context exists only while the stream is alive; exposed for tests and diagnostics. */
  get context(): Context {
    return this.ctx;
  }
  get localReply(): LocalReply | null {
    return this.reply;
  }

  // ---- callbacks -----------------------------------------------------------------------------------

  onRequestHeaders(headers: HeaderList, endOfStream: boolean): CallbackResult {
    this.reqHeaders = lowerCopy(headers);
    return this.headers("request", this.reqHeaders, endOfStream);
  }

  onResponseHeaders(headers: HeaderList, endOfStream: boolean): CallbackResult {
    this.respHeaders = lowerCopy(headers);
    return this.headers("response", this.respHeaders, endOfStream);
  }

  onRequestBody(chunk: Uint8Array, endOfStream: boolean): BodyResult {
    return this.body("request", chunk, endOfStream);
  }

  onResponseBody(chunk: Uint8Array, endOfStream: boolean): BodyResult {
    return this.body("response", chunk, endOfStream);
  }

  onRequestTrailers(trailers: HeaderList): CallbackResult {
    this.reqTrailers = lowerCopy(trailers);
    return this.trailers("request", this.reqTrailers);
  }

  onResponseTrailers(trailers: HeaderList): CallbackResult {
    this.respTrailers = lowerCopy(trailers);
    return this.trailers("response", this.respTrailers);
  }

  /** proxy_on_done, then proxy_on_log and proxy_on_delete unless on_done asked to wait for proxy_done. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    const ctx = this.ctx;
    if (this.vm.failed) {
      this.vm.contexts.delete(ctx.id);
      return;
    }
    const r = this.vm.invoke(ctx, this.vm.fn.proxy_on_done, ctx.id);
    if (r === 0) {
      ctx.pendingDone = true;
      return;
    }
    this.finishDeferred();
  }

  // ---- StreamControl (called by the ABI after the guest call returned) --------------------------------

  finishDeferred(): void {
    const ctx = this.ctx;
    this.closePhase("request");
    this.closePhase("response");
    // Access-log phase: maps readable, not writable (envoy context.cc Context::log).
    ctx.logPhase = true;
    ctx.logRequestHeaders = this.reqHeaders;
    ctx.logResponseHeaders = this.respHeaders;
    ctx.logResponseTrailers = this.respTrailers;
    this.vm.invoke(ctx, this.vm.fn.proxy_on_log, ctx.id);
    ctx.logPhase = false;
    ctx.logRequestHeaders = ctx.logResponseHeaders = ctx.logResponseTrailers = null;
    this.vm.deleteContext(ctx);
  }

  sendLocalReply(reply: LocalReply): void {
    if (this.reply !== null || this.finished) return;
    this.reply = reply;
    this.closePhase("request");
    this.closePhase("response");
    if (!this.inCallback) this.onEvent?.({ kind: "local_reply", reply });
  }

  continueStream(side: Side): void {
    if (this.reply !== null || this.closed) return;
    const wasBuffered = side === "request" ? this.heldRequest : this.heldResponse;
    const body = this.bodyBufferOf(side) ?? wasBuffered;
    this.closePhase(side);
    if (side === "request") {
      this.heldRequest = EMPTY;
      this.bufferingRequest = false;
    } else {
      this.heldResponse = EMPTY;
      this.bufferingResponse = false;
    }
    if (!this.inCallback) this.onEvent?.({ kind: "continue", side, body });
  }

  closeStream(side: Side): void {
    if (this.closed) return;
    this.closed = true;
    this.closePhase("request");
    this.closePhase("response");
    this.onEvent?.({ kind: "close", side });
  }

  // ---- shared callback logic -------------------------------------------------------------------------

  /** Envoy CHECK_FAIL_HTTP before a callback; null when the module should be called. */
  private gate(): CallbackResult | null {
    if (this.reply !== null || this.closed || this.finished) {
      return { verdict: "stop_all_watermark", localReply: this.reply, trapped: false };
    }
    if (this.vm.failed) return this.failedResult(false);
    return null;
  }

  private failedResult(trapped: boolean): CallbackResult {
    if (this.owner.failOpen) return { verdict: "continue", localReply: null, trapped };
    if (!this.failedReplied) {
      this.failedReplied = true;
      this.reply = this.owner.trapReply();
      this.closePhase("request");
      this.closePhase("response");
    }
    return { verdict: "stop_all_watermark", localReply: this.reply, trapped };
  }

  private call(f: GuestFn | undefined, a: number, b: number, c: number): number {
    this.inCallback = true;
    try {
      return this.vm.invoke(this.ctx, f, this.ctx.id, a, b, c);
    } finally {
      this.inCallback = false;
    }
  }

  private headers(side: Side, list: HeaderList, endOfStream: boolean): CallbackResult {
    const early = this.gate();
    if (early !== null) return early;
    const ctx = this.ctx;
    if (side === "request") ctx.requestHeaders = list;
    else ctx.responseHeaders = list;
    const f = side === "request" ? this.vm.fn.proxy_on_request_headers : this.vm.fn.proxy_on_response_headers;
    const eos = this.vm.runtime.profile.headersEndOfStream(endOfStream) ? 1 : 0;
    const r = this.call(f, list.length, eos, 0);
    if (r === TRAPPED) return this.failedResult(true);
    if (r === MISSING) {
      this.closePhase(side);
      return { verdict: "continue", localReply: null, trapped: false };
    }
    const verdict = headersVerdict(r, this.vm.lastStopped);
    if (verdict === "continue" || verdict === "continue_and_end_stream" || this.reply !== null) this.closePhase(side);
    return { verdict, localReply: this.reply, trapped: false };
  }

  private trailers(side: Side, list: HeaderList): CallbackResult {
    const early = this.gate();
    if (early !== null) return early;
    const ctx = this.ctx;
    if (side === "request") ctx.requestTrailers = list;
    else ctx.responseTrailers = list;
    const f = side === "request" ? this.vm.fn.proxy_on_request_trailers : this.vm.fn.proxy_on_response_trailers;
    const r = this.call(f, list.length, 0, 0);
    if (r === TRAPPED) return this.failedResult(true);
    const paused = r !== MISSING && (r !== 0 || this.vm.lastStopped);
    if (!paused || this.reply !== null) {
      if (side === "request") ctx.requestTrailers = null;
      else ctx.responseTrailers = null;
    }
    return { verdict: paused ? "pause" : "continue", localReply: this.reply, trapped: false };
  }

  private body(side: Side, chunk: Uint8Array, endOfStream: boolean): BodyResult {
    const early = this.gate();
    if (early !== null) {
      const pass = early.verdict === "continue";
      return { ...early, body: pass ? concat(this.takeHeld(side), chunk) : EMPTY };
    }
    const ctx = this.ctx;
    if (!this.vm.runtime.profile.bodyCallbacks(side, ctx)) {
      return { verdict: "continue", localReply: null, trapped: false, body: concat(this.takeHeld(side), chunk) };
    }
    const buffering = side === "request" ? this.bufferingRequest : this.bufferingResponse;
    const held = side === "request" ? this.heldRequest : this.heldResponse;
    // After StopIterationAndBuffer Envoy adds the chunk to the filter's buffer and shows the module all of it.
    const buffer = { bytes: buffering ? concat(held, chunk) : chunk };
    if (side === "request") ctx.requestBody = buffer;
    else ctx.responseBody = buffer;
    ctx.endOfStream = endOfStream;
    const f = side === "request" ? this.vm.fn.proxy_on_request_body : this.vm.fn.proxy_on_response_body;
    const r = this.call(f, buffer.bytes.length, endOfStream ? 1 : 0, 0);
    if (r === TRAPPED) {
      const res = this.failedResult(true);
      return { ...res, body: res.verdict === "continue" ? concat(buffering ? EMPTY : held, buffer.bytes) : EMPTY };
    }
    if (this.reply !== null) return { verdict: "stop_all_watermark", localReply: this.reply, trapped: false, body: EMPTY };
    const status = r === MISSING ? DataStatus.Continue : this.vm.lastStopped ? DataStatus.StopIterationNoBuffer : r;
    if (status === DataStatus.Continue) {
      const out = buffering ? buffer.bytes : concat(held, buffer.bytes);
      this.setHeld(side, EMPTY, false);
      this.closePhase(side);
      return { verdict: "continue", localReply: null, trapped: false, body: out };
    }
    if (status === DataStatus.StopIterationAndBuffer) {
      // The body stays visible (and writable) while paused; the next chunk is appended to it.
      this.setHeld(side, buffer.bytes, true);
      return { verdict: "pause", localReply: null, trapped: false, body: EMPTY };
    }
    if (status === DataStatus.StopIterationAndWatermark) {
      // Envoy keeps the data (with flow control) but the next callback sees only the new chunk.
      this.setHeld(side, buffering ? buffer.bytes : concat(held, buffer.bytes), false);
    }
    // StopIterationNoBuffer (or anything larger): nothing is kept for this chunk.
    return { verdict: "stop_all_watermark", localReply: null, trapped: false, body: EMPTY };
  }

  private setHeld(side: Side, bytes: Uint8Array, buffering: boolean): void {
    if (side === "request") {
      this.heldRequest = bytes;
      this.bufferingRequest = buffering;
    } else {
      this.heldResponse = bytes;
      this.bufferingResponse = buffering;
    }
  }

  private takeHeld(side: Side): Uint8Array {
    const held = side === "request" ? this.heldRequest : this.heldResponse;
    this.setHeld(side, EMPTY, false);
    return held;
  }

  private bodyBufferOf(side: Side): Uint8Array | null {
    const b = side === "request" ? this.ctx.requestBody : this.ctx.responseBody;
    return b === null ? null : b.bytes;
  }

  /** The side's phase ended: its maps and body are no longer accessible (Envoy clears the pointers). */
  private closePhase(side: Side): void {
    const ctx = this.ctx;
    if (side === "request") {
      // Trailers the module added from on_request_body at end of stream (mutableMap) are kept for the caller.
      if (this.reqTrailers === null) this.reqTrailers = ctx.requestTrailers;
      ctx.requestHeaders = null;
      ctx.requestBody = null;
      ctx.requestTrailers = null;
    } else {
      if (this.respTrailers === null) this.respTrailers = ctx.responseTrailers;
      ctx.responseHeaders = null;
      ctx.responseBody = null;
      ctx.responseTrailers = null;
    }
  }
}
