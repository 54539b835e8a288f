// One worker: a VM instance plus its current root (plugin) context, as one Envoy worker thread holds one
// thread-local VM per vm_id with one root context per plugin configuration (research/gateways.md 1.2).
import type { Context } from "./context.js";
import { HttpStreamImpl, type StreamOwner } from "./http-stream.js";
import type { HostRuntime } from "./runtime.js";
import type { HttpStream, LocalReply, StreamInfo, Worker } from "./types.js";
import { Vm } from "./vm.js";

/** A configure attempt on one worker, committed or rolled back once every worker has answered. */
export interface StagedRoot {
  root: Context;
  accepted: boolean;
}

export class WorkerImpl implements Worker, StreamOwner {
  vm: Vm;
  /** Root context new streams attach to; the last configuration every worker accepted. */
  private current: Context | null = null;
  /** Envoy configures the root created at VM start first; later configurations get new root contexts. */
  private startRootUnused = true;
  private lastConfiguration: Uint8Array | null = null;

  constructor(
    readonly index: number,
    private readonly runtime: HostRuntime,
    private readonly module: WebAssembly.Module,
  ) {
    this.vm = this.boot();
  }

  get failed(): boolean {
    return this.vm.failed;
  }

  get failOpen(): boolean {
    return this.runtime.failurePolicy === "fail_open" && this.runtime.profile.failOpenSupported;
  }

  trapReply(): LocalReply {
    return this.runtime.profile.trapReply();
  }

  /** Id of the root context streams attach to (0 before start succeeded). */
  get rootContextId(): number {
    return this.current?.id ?? 0;
  }

  newStream(info?: StreamInfo): HttpStream {
    if (this.vm.failed && this.runtime.profile.recycleOnTrap) this.recycle();
    return new HttpStreamImpl(this.vm, this, this.current?.id ?? 0, info);
  }

  /** proxy_on_configure on this worker's next root; nothing becomes current until commit(). */
  stage(configuration: Uint8Array): StagedRoot {
    const vm = this.vm;
    let root: Context;
    if (this.startRootUnused && this.current !== null) {
      root = this.current;
      this.startRootUnused = false;
    } else {
      root = vm.createRoot();
    }
    const accepted = vm.configure(root, configuration);
    return { root, accepted };
  }

  /** Every worker accepted: the new root serves new streams; the old one gets on_done/on_delete. */
  commit(staged: StagedRoot, configuration: Uint8Array): void {
    this.lastConfiguration = configuration;
    const old = this.current;
    this.current = staged.root;
    if (old !== null && old !== staged.root) this.vm.retireRoot(old);
  }

  /** Some worker refused: the new root is retired and the previous one keeps serving. */
  rollback(staged: StagedRoot): void {
    if (staged.root !== this.current) this.vm.retireRoot(staged.root);
  }

  tick(now: bigint): void {
    this.vm.tick(now);
  }

  private boot(): Vm {
    const vm = new Vm(this.index, this.runtime, this.module);
    this.current = vm.start();
    this.startRootUnused = true;
    return vm;
  }

  /**
   * Kong replaces a trapped instance with a fresh one (empty linear memory) for the next request
   * (research/gateways.md 2a, ngx_wasm_module t/03-proxy_wasm/007-on_http_instance_isolation.t: [500, 204]);
   * Envoy keeps the VM failed. Done lazily when the next stream starts, after the failing call unwound.
   */
  private recycle(): void {
    this.vm = this.boot();
    const configuration = this.lastConfiguration;
    if (configuration !== null && this.current !== null) {
      const staged = this.stage(configuration);
      if (staged.accepted) this.commit(staged, configuration);
      else this.vm.fail(new Error("the recycled instance refused the current configuration"));
    }
  }
}
