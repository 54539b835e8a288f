// What the ABI layer needs from the VM it serves. Vm (../vm.ts) implements it; abi/ files depend only on
// this interface, the Context state and the profile's capabilities.
import type { Context } from "../context.js";
import type { HostRuntime } from "../runtime.js";
import type { HeaderList } from "../types.js";
import type { GuestMemory } from "./memory.js";

export interface AbiHost {
  readonly mem: GuestMemory;
  readonly runtime: HostRuntime;
  readonly workerIndex: number;
  /**
   * The context host calls act on: the one set by proxy_set_effective_context during this call, else the
   * context the host called into (cpp-host src/exports.cc contextOrEffectiveContext). Null while _start runs.
   */
  active(): Context | null;
  /** The root context owning `ctx` (itself for a root). */
  rootOf(ctx: Context): Context | null;
  context(id: number): Context | undefined;
  setEffective(id: number): boolean;
  /** Runs `action` once the outermost guest call returns (Envoy addAfterVmCallAction). */
  afterCall(action: () => void): void;
  /** Makes the current callback's verdict a stop (Envoy stopNextIteration, set by send_local_response). */
  stopIteration(): void;
  log(level: number, message: string): void;
  /** proxy_done: false when `ctx` was not waiting for it. */
  done(ctx: Context): boolean;
  setTickPeriod(root: Context, ms: number): void;
  /** Starts an async call; returns the token. The response comes back through proxy_on_http_call_response. */
  httpCall(root: Context, upstream: string, headers: HeaderList, body: Uint8Array, trailers: HeaderList, timeoutMs: number): number;
  /** Delivers proxy_on_queue_ready to a root context of this VM. */
  queueReady(rootContextId: number, token: number): void;
}
