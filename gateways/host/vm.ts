// One VM instance ("worker thread" in Envoy terms): its linear memory, its contexts, and the only door into
// guest code. Every call goes through invoke(), which
//   - refuses re-entry into this instance (a wasm instance is not re-entrant; other workers are fine);
//   - sets the context host calls act on, and resets the effective context afterwards;
//   - turns any exception (RuntimeError, proc_exit, stack overflow, a refused host call) into a failed VM:
//     logged at critical level, never thrown to the caller (DESIGN.md §3; research/gateways.md 1.8);
//   - runs the actions the ABI deferred until the call returned (Envoy addAfterVmCallAction).
// Lifecycle calls follow proxy-wasm-cpp-host src/wasm.cc and src/context.cc.
import type { AbiHost } from "./abi/abi-host.js";
import { buildImports, ALLOCATOR_ALLOWED, START_ALLOWED, type ImportGate } from "./abi/imports.js";
import { LOG_LEVELS } from "./abi/log.js";
import { GuestMemory } from "./abi/memory.js";
import { WasmResult } from "./abi/status.js";
import { Context } from "./context.js";
import { lowerCopy } from "./filter-status.js";
import { HostCallRefused, ReentrantCallError } from "./errors.js";
import type { HostRuntime } from "./runtime.js";
import type { HeaderList } from "./types.js";

export type GuestFn = (a?: number, b?: number, c?: number, d?: number, e?: number) => number | undefined;

/** invoke() result when the VM trapped or had already failed. */
export const TRAPPED = -1;
/** invoke() result when the module does not export the callback (all callbacks are optional, spec). */
export const MISSING = -2;

const CALLBACKS = [
  "_initialize", "_start", "main", "proxy_on_vm_start", "proxy_on_configure", "proxy_on_context_create",
  "proxy_on_request_headers", "proxy_on_request_body", "proxy_on_request_trailers",
  "proxy_on_response_headers", "proxy_on_response_body", "proxy_on_response_trailers",
  "proxy_on_done", "proxy_on_log", "proxy_on_delete", "proxy_on_tick", "proxy_on_http_call_response",
  "proxy_on_queue_ready",
] as const;
export type Callbacks = { [K in (typeof CALLBACKS)[number]]: GuestFn | undefined };

export class Vm implements AbiHost, ImportGate {
  readonly mem = new GuestMemory();
  readonly fn: Callbacks;
  readonly contexts = new Map<number, Context>();
  failed = false;
  failure = "";
  restricted: ReadonlySet<string> | null = null;
  /** The last invoke() ended with a local reply or other "stop next iteration" (Envoy stopNextIteration). */
  lastStopped = false;
  private nextContextId = 1;
  private current: Context | null = null;
  private effective: Context | null = null;
  private busy = false;
  private stopNext = false;
  private after: Array<() => void> = [];
  private readonly tickers = new Set<Context>();
  private nextHttpToken = 0;

  constructor(
    readonly workerIndex: number,
    readonly runtime: HostRuntime,
    module: WebAssembly.Module,
    /** Told once, when this VM fails. */
    private readonly onFail: (vm: Vm) => void = () => {},
  ) {
    const instance = new WebAssembly.Instance(module, buildImports(module, this, this));
    const ex = instance.exports as Record<string, unknown>;
    const fns: Partial<Callbacks> = {};
    for (const name of CALLBACKS) fns[name] = typeof ex[name] === "function" ? (ex[name] as GuestFn) : undefined;
    this.fn = fns as Callbacks;
    const memory = ex.memory;
    if (!(memory instanceof WebAssembly.Memory)) throw new Error("the module must export its memory as \"memory\"");
    const alloc = (typeof ex.proxy_on_memory_allocate === "function" ? ex.proxy_on_memory_allocate : ex.malloc) as GuestFn | undefined;
    this.mem.attach(memory, alloc === undefined ? null : (size) => {
      const before = this.restricted;
      this.restricted = ALLOCATOR_ALLOWED;
      try {
        return alloc(size) ?? 0;
      } finally {
        this.restricted = before;
      }
    });
  }

  // ---- guest calls -------------------------------------------------------------------------------

  /** Calls guest export `f` for `ctx`; returns its u32 result, TRAPPED or MISSING. */
  invoke(ctx: Context | null, f: GuestFn | undefined, a = 0, b = 0, c = 0, d = 0, e = 0): number {
    if (this.busy) throw new ReentrantCallError(this.workerIndex);
    if (this.failed) return TRAPPED;
    if (f === undefined) return MISSING;
    this.busy = true;
    this.current = ctx;
    this.effective = null;
    this.stopNext = false;
    let r: number | undefined;
    try {
      r = f(a, b, c, d, e);
    } catch (err) {
      this.endCall();
      this.after.length = 0;
      this.fail(err);
      return TRAPPED;
    }
    this.endCall();
    this.lastStopped = this.stopNext;
    if (this.after.length > 0) this.runAfter();
    return typeof r === "number" ? r >>> 0 : 0;
  }

  private endCall(): void {
    this.busy = false;
    this.current = null;
    this.effective = null;
  }

  private runAfter(): void {
    const actions = this.after;
    this.after = [];
    for (let i = 0; i < actions.length && !this.failed; i++) actions[i]();
  }

  fail(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.failure = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    this.runtime.emitLog({
      level: "critical",
      message: `wasm VM of worker ${this.workerIndex} failed: ${this.failure}`,
      worker: this.workerIndex,
      contextId: 0,
    });
    this.onFail(this);
  }

  refuse(name: string): never {
    throw new HostCallRefused(`restricted_callback: ${name} is not allowed here`);
  }

  // ---- lifecycle (cpp-host src/wasm.cc, src/context.cc) -------------------------------------------

  /** _initialize (+ main) or _start, with only logging/WASI basics allowed; then the first root context. */
  start(): Context | null {
    this.restricted = START_ALLOWED;
    try {
      if (this.fn._initialize !== undefined) {
        this.invoke(null, this.fn._initialize);
        if (this.fn.main !== undefined) this.invoke(null, this.fn.main, 0, 0);
      } else {
        this.invoke(null, this.fn._start);
      }
    } finally {
      this.restricted = null;
    }
    if (this.failed) return null;
    const root = this.createRoot();
    root.vmConfiguration = this.runtime.vmConfiguration;
    const r = this.invoke(root, this.fn.proxy_on_vm_start, root.id, this.runtime.vmConfiguration.length);
    root.vmConfiguration = null;
    if (r === 0) this.fail(new Error("proxy_on_vm_start returned false"));
    return this.failed ? null : root;
  }

  createRoot(): Context {
    if (this.busy) throw new ReentrantCallError(this.workerIndex);
    const root = new Context(this.nextContextId++, 0);
    this.contexts.set(root.id, root);
    this.invoke(root, this.fn.proxy_on_context_create, root.id, 0);
    return root;
  }

  /** Envoy ContextBase::onConfigure; a module without proxy_on_configure accepts. */
  configure(root: Context, configuration: Uint8Array): boolean {
    root.pluginConfiguration = configuration;
    const r = this.invoke(root, this.fn.proxy_on_configure, root.id, configuration.length);
    root.pluginConfiguration = null;
    return r !== TRAPPED && r !== 0;
  }

  /** A new stream context under `rootId`. A failed VM gets no in-VM context (ContextBase::onCreate). */
  createStream(rootId: number): Context {
    if (this.busy) throw new ReentrantCallError(this.workerIndex);
    const ctx = new Context(this.nextContextId++, rootId);
    this.contexts.set(ctx.id, ctx);
    this.invoke(ctx, this.fn.proxy_on_context_create, ctx.id, rootId);
    return ctx;
  }

  /** Retires a root context: on_done, then on_delete unless the module asked to finish later (startShutdown). */
  retireRoot(root: Context): void {
    this.tickers.delete(root);
    const r = this.invoke(root, this.fn.proxy_on_done, root.id);
    if (r === 0) root.pendingDone = true;
    else this.deleteContext(root);
  }

  /** proxy_on_delete (skipped once failed, ContextBase::onDelete) and forget the context. */
  deleteContext(ctx: Context): void {
    this.invoke(ctx, this.fn.proxy_on_delete, ctx.id);
    this.contexts.delete(ctx.id);
    this.tickers.delete(ctx);
  }

  /** Fires proxy_on_tick for every root whose period elapsed at `now`. */
  tick(now: bigint): void {
    if (this.failed) return;
    for (const root of this.tickers) {
      if (root.tickPeriodMs > 0 && now >= root.nextTickNanos) {
        root.nextTickNanos = now + BigInt(root.tickPeriodMs) * 1_000_000n;
        this.invoke(root, this.fn.proxy_on_tick, root.id);
      }
    }
  }

  // ---- AbiHost -----------------------------------------------------------------------------------

  active(): Context | null {
    return this.effective ?? this.current;
  }

  rootOf(ctx: Context): Context | null {
    return ctx.isRoot ? ctx : (this.contexts.get(ctx.rootId) ?? null);
  }

  context(id: number): Context | undefined {
    return this.contexts.get(id);
  }

  setEffective(id: number): boolean {
    const ctx = this.contexts.get(id);
    if (ctx === undefined) return false;
    this.effective = ctx;
    return true;
  }

  afterCall(action: () => void): void {
    this.after.push(action);
  }

  stopIteration(): void {
    this.stopNext = true;
  }

  log(level: number, message: string): void {
    this.runtime.emitLog({ level: LOG_LEVELS[level], message, worker: this.workerIndex, contextId: this.active()?.id ?? 0 });
  }

  done(ctx: Context): boolean {
    if (!ctx.pendingDone) return false;
    ctx.pendingDone = false;
    // Deferred so on_log/on_delete do not run inside the module's own call (cpp-host WasmBase::done).
    this.afterCall(() => {
      if (ctx.stream !== null) ctx.stream.finishDeferred();
      else this.deleteContext(ctx);
    });
    return true;
  }

  setTickPeriod(root: Context, ms: number): void {
    root.tickPeriodMs = ms;
    if (ms === 0) {
      this.tickers.delete(root);
      return;
    }
    root.nextTickNanos = this.runtime.clock.nowNanos() + BigInt(ms) * 1_000_000n;
    this.tickers.add(root);
  }

  httpCall(root: Context, upstream: string, headers: HeaderList, body: Uint8Array, _trailers: HeaderList, timeoutMs: number): number {
    const token = (this.nextHttpToken += 4);
    const call = this.runtime.httpCall!;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (response: { headers: HeaderList; body: Uint8Array; trailers?: HeaderList } | null) => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      this.deliverHttpCallResponse(root, token, response);
    };
    if (timeoutMs > 0) {
      timer = setTimeout(() => settle(null), timeoutMs);
      timer.unref();
    }
    // Deferred to a later turn whatever the function does: Envoy never answers inside proxy_http_call.
    Promise.resolve()
      .then(() => call(upstream, headers, body, timeoutMs))
      .then(settle, () => settle(null));
    return token;
  }

  /**
   * proxy_on_http_call_response on the calling root context. A failure arrives as 0 headers, 0 body,
   * 0 trailers, with proxy_get_status answering BrokenConnection/"reset" (envoy context.cc onHttpCallFailure).
   */
  private deliverHttpCallResponse(root: Context, token: number, response: { headers: HeaderList; body: Uint8Array; trailers?: HeaderList } | null): void {
    if (this.failed || !this.contexts.has(root.id)) return;
    if (this.busy) {
      // Only possible when the caller drives a guest call from a promise continuation; try again shortly.
      setImmediate(() => this.deliverHttpCallResponse(root, token, response));
      return;
    }
    if (response === null) {
      root.statusCode = WasmResult.BrokenConnection;
      root.statusMessage = "reset";
      this.invoke(root, this.fn.proxy_on_http_call_response, root.id, token, 0, 0, 0);
    } else {
      const headers = lowerCopy(response.headers);
      const trailers = lowerCopy(response.trailers ?? []);
      root.httpCallResponse = { headers, body: response.body, trailers };
      this.invoke(root, this.fn.proxy_on_http_call_response, root.id, token, headers.length, response.body.length, trailers.length);
    }
    root.httpCallResponse = null;
    root.statusCode = 0;
    root.statusMessage = "";
  }

  queueReady(rootContextId: number, token: number): void {
    if (!this.runtime.profile.queueReadyCallbacks) return;
    const root = this.contexts.get(rootContextId);
    if (root === undefined || this.failed) return;
    if (this.busy) {
      setImmediate(() => this.queueReady(rootContextId, token));
      return;
    }
    this.invoke(root, this.fn.proxy_on_queue_ready, rootContextId, token);
  }
}
