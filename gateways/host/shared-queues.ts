// Process-wide shared queues keyed by (vm_id, name), as proxy-wasm-cpp-host src/shared_data.cc (queues now
// live in src/shared_queue.cc): registering an existing name re-opens it and keeps pending items; tokens are
// never 0; enqueue notifies the registering root context with proxy_on_queue_ready on its own worker,
// asynchronously (Envoy posts it to that thread's dispatcher, research/gateways.md 1.3).

export type QueueReadyNotifier = (rootContextId: number, token: number) => void;

interface Queue {
  items: Uint8Array[];
  rootContextId: number;
  notify: QueueReadyNotifier;
}

export class SharedQueues {
  private readonly tokens = new Map<string, number>();
  private readonly queues = new Map<number, Queue>();
  private nextToken = 1;

  register(vmId: string, name: string, rootContextId: number, notify: QueueReadyNotifier): number {
    const key = `${vmId}\u0000${name}`;
    let token = this.tokens.get(key);
    if (token === undefined) {
      token = this.nextToken++;
      if (this.nextToken > 0xffffffff) this.nextToken = 1;
      this.tokens.set(key, token);
      this.queues.set(token, { items: [], rootContextId, notify });
    } else {
      const q = this.queues.get(token)!;
      q.rootContextId = rootContextId;
      q.notify = notify;
    }
    return token;
  }

  /** 0 when not found. */
  resolve(vmId: string, name: string): number {
    return this.tokens.get(`${vmId}\u0000${name}`) ?? 0;
  }

  /** false when the token is unknown. */
  enqueue(token: number, value: Uint8Array): boolean {
    const q = this.queues.get(token);
    if (q === undefined) return false;
    q.items.push(value.slice());
    const { rootContextId, notify } = q;
    queueMicrotask(() => notify(rootContextId, token));
    return true;
  }

  /** undefined: unknown token; null: empty. */
  dequeue(token: number): Uint8Array | null | undefined {
    const q = this.queues.get(token);
    if (q === undefined) return undefined;
    return q.items.shift() ?? null;
  }
}
