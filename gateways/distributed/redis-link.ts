// The connection to Redis and its health: commits and fetches with a deadline, a state machine
// connected → degraded → (probe succeeds, cache resynced) connected, one log line and one counter per
// transition. Nothing waits in an unbounded queue: ioredis's offline queue is off (a command while
// disconnected fails at once) and unanswered commands are not re-sent after a reconnect (a late commit
// could otherwise land after its decision was already answered by the failure mode).
import { Redis, Cluster, type RedisOptions, type ClusterOptions } from "ioredis";
import { KeyLayout } from "./keys.js";
import { CLAIM, COMMIT } from "./scripts.js";
import type { Transaction } from "./transaction.js";
import { emptyStats, type DistributedLogger, type DistributedOptions, type DistributedStats } from "./types.js";
import { VersionedCache } from "./versioned-cache.js";
import { connectionTarget } from "./url.js";

export class LinkError extends Error {
  constructor(readonly reason: "timeout" | "unavailable" | "error", message: string) {
    super(message);
  }
}

export type CommitResult =
  | { ok: true; versions: Map<string, number> }
  | { ok: false; blocked: boolean; stale: Array<{ id: string; version: number; value: Uint8Array }> };

type ScriptClient = (Redis | Cluster) & {
  fvCommitBuffer(...args: Array<string | Buffer | number>): Promise<unknown[]>;
  fvClaimBuffer(...args: Array<string | Buffer | number>): Promise<unknown[]>;
};

export class RedisLink {
  readonly stats: DistributedStats = emptyStats();
  readonly keys: KeyLayout;
  private readonly client: ScriptClient;
  private pendingCommits = 0;
  private degradedSince = 0;
  private probeTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Called after a successful probe, before the link is usable again (resync). */
  onRecover: (() => void) | null = null;
  /** Called once the link is usable again (drain queued refunds). */
  onRecovered: (() => void) | null = null;

  constructor(private readonly opts: DistributedOptions, private readonly log: DistributedLogger) {
    this.keys = new KeyLayout(opts.prefix);
    const common: RedisOptions = {
      lazyConnect: true,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      // Commands issued in the same event-loop turn leave in one socket write: without it every commit
      // is its own write syscall, which profiling showed to be most of a decision's cost.
      enableAutoPipelining: true,
      connectTimeout: Math.max(opts.timeoutMs * 4, 500),
      // Reconnect for ever, at most every 1 s; health is judged by our own probe, not by ioredis.
      retryStrategy: (times: number) => Math.min(50 * times, 1000),
    };
    const target = connectionTarget(opts.url);
    if (target.kind === "cluster") {
      const clusterOptions: ClusterOptions = {
        lazyConnect: true,
        enableOfflineQueue: false,
        enableAutoPipelining: true,
        clusterRetryStrategy: (times: number) => Math.min(50 * times, 1000),
        redisOptions: { ...common, ...target.options },
        ...(opts.redisOptions as ClusterOptions),
      };
      this.client = new Cluster(target.nodes, clusterOptions) as ScriptClient;
    } else {
      this.client = new Redis({ ...common, ...target.options, ...(opts.redisOptions as RedisOptions) }) as ScriptClient;
    }
    // defineCommand sends EVALSHA and falls back to EVAL once on NOSCRIPT (e.g. after a Redis restart).
    this.client.defineCommand("fvCommit", { lua: COMMIT });
    this.client.defineCommand("fvClaim", { lua: CLAIM });
    // An 'error' event without a listener would crash the process (Node EventEmitter rule).
    this.client.on("error", (err: Error) => this.markDegraded(`connection: ${err.message}`));
    this.client.on("close", () => this.markDegraded("connection closed"));
  }

  get state(): DistributedStats["state"] {
    return this.stats.state;
  }

  /** True when commits may be attempted (connected and not overloaded). */
  get usable(): boolean {
    return this.stats.state === "connected";
  }

  /**
   * How long a contended key stays reserved for the transaction that lost on it: long enough for its
   * retry (one round trip plus a re-run), short enough that a dead claimant blocks a key only briefly.
   */
  get claimTtlMs(): number {
    return Math.max(20, Math.min(this.opts.timeoutMs, 200));
  }

  get pending(): number {
    return this.pendingCommits;
  }

  /** First connection; a failure leaves the link degraded and probing (the service still starts). */
  async start(): Promise<void> {
    try {
      await withDeadline(this.client.connect(), Math.max(this.opts.timeoutMs * 20, 1000), "connect");
      await withDeadline(this.client.ping(), Math.max(this.opts.timeoutMs * 4, 500), "ping");
      this.stats.state = "connected";
      this.log.log("info", "redis_connected", { url: redactUrl(this.opts.url), prefix: this.opts.prefix });
    } catch (err) {
      this.markDegraded(`connect: ${message(err)}`);
    }
  }

  /**
   * `degradeOnTimeout`: a timeout means "Redis is slow" only when the call had the whole budget; a decision
   * that spent its budget waiting for local locks must not declare an outage.
   */
  async commit(vmId: string, tx: Transaction, timeoutMs: number, degradeOnTimeout = true): Promise<CommitResult> {
    const ids = tx.keys();
    const keys: string[] = [this.keys.sequence(vmId)];
    const args: Array<string | Buffer | number> = [String(this.opts.keyTtlSeconds * 1000), tx.id, String(this.claimTtlMs)];
    for (const id of ids) {
      const key = VersionedCache.split(id)[1];
      keys.push(this.keys.counter(vmId, key), this.keys.claim(vmId, key));
      const read = tx.reads.get(id);
      const write = tx.writes.get(id);
      args.push(read === undefined ? "" : String(read));
      args.push(write === undefined ? "r" : "w");
      args.push(write === undefined ? "" : Buffer.from(write.value.buffer, write.value.byteOffset, write.value.byteLength));
    }
    this.pendingCommits++;
    const sent = this.client.fvCommitBuffer(keys.length, ...keys, ...args);
    let reply: unknown[];
    try {
      reply = await this.call(sent, timeoutMs, "commit", degradeOnTimeout);
    } catch (err) {
      // The script may still run once Redis answers: its decision was already answered by the failure
      // mode, so say so (an allow counted after all under fail_open, a token spent under fail_closed).
      if (err instanceof LinkError && err.reason === "timeout") {
        sent.then(
          (late) => {
            if (late[0] !== 1) return;
            this.stats.lateCommits++;
            this.log.log("warn", "redis_late_commit", { keys: ids.length });
          },
          () => undefined,
        );
      }
      throw err;
    } finally {
      this.pendingCommits--;
    }
    this.stats.commits++;
    if (reply[0] === 1) {
      const versions = new Map<string, number>();
      ids.forEach((id, i) => versions.set(id, Number(reply[i + 1])));
      return { ok: true, versions };
    }
    const stale: Array<{ id: string; version: number; value: Uint8Array }> = [];
    for (let j = 2; j + 2 < reply.length; j += 3) {
      const index = Number(reply[j]) - 1;
      stale.push({ id: ids[index], version: Number(reply[j + 1]), value: toBytes(reply[j + 2]) });
    }
    return { ok: false, blocked: reply[1] === 1, stale };
  }

  /** Claims keys for `txId` and returns their current values; null when another transaction holds one. */
  async claim(vmId: string, moduleKeys: string[], txId: string, timeoutMs: number): Promise<Array<{ key: string; version: number; value: Uint8Array }> | null> {
    const keys: string[] = [];
    for (const k of moduleKeys) keys.push(this.keys.counter(vmId, k), this.keys.claim(vmId, k));
    const reply = await this.call(this.client.fvClaimBuffer(keys.length, ...keys, txId, String(this.claimTtlMs)), timeoutMs, "claim");
    if (reply[0] !== 1) return null;
    return moduleKeys.map((key, i) => ({ key, version: Number(reply[1 + 2 * i]), value: toBytes(reply[2 + 2 * i]) }));
  }

  /**
   * Gives claims back early (a claimed callback that wrote nothing): COMMIT with the keys as read-only and
   * unvalidated changes nothing but deletes the claims `txId` holds. Best effort; the claim TTL is the bound.
   */
  releaseClaims(vmId: string, moduleKeys: string[], txId: string): void {
    const keys: string[] = [this.keys.sequence(vmId)];
    const args: string[] = [String(this.opts.keyTtlSeconds * 1000), txId, String(this.claimTtlMs)];
    for (const k of moduleKeys) {
      keys.push(this.keys.counter(vmId, k), this.keys.claim(vmId, k));
      args.push("", "r", "");
    }
    this.client.fvCommitBuffer(keys.length, ...keys, ...args).catch(() => undefined);
  }

  /** Moves to degraded (once per outage): log line, counter, probe loop. */
  markDegraded(reason: string): void {
    if (this.closed || this.stats.state === "degraded") return;
    const from = this.stats.state;
    this.stats.state = "degraded";
    this.stats.transitions.degraded++;
    this.degradedSince = Date.now();
    this.log.log("warn", "redis_degraded", { from, reason, failure_mode: this.opts.failureMode });
    this.scheduleProbe();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = null;
    try {
      await withDeadline(this.client.quit(), 1000, "quit");
    } catch {
      this.client.disconnect();
    }
  }

  private async call(p: Promise<unknown[]>, timeoutMs: number, what: string, degradeOnTimeout = true): Promise<unknown[]> {
    try {
      return await withDeadline(p, timeoutMs, what);
    } catch (err) {
      const reason = err instanceof LinkError ? err.reason : "error";
      if (reason === "timeout") this.stats.timeouts++;
      // A script error (e.g. a key of the wrong type) is not an outage; a timeout or a dead socket is.
      if (reason === "timeout" ? degradeOnTimeout : !isScriptError(err)) this.markDegraded(`${what}: ${message(err)}`);
      throw err instanceof LinkError ? err : new LinkError(reason === "timeout" ? "timeout" : "unavailable", message(err));
    }
  }

  private scheduleProbe(): void {
    if (this.closed || this.probeTimer !== null) return;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null;
      void this.probe();
    }, this.opts.probeIntervalMs);
    this.probeTimer.unref();
  }

  private async probe(): Promise<void> {
    if (this.closed || this.stats.state !== "degraded") return;
    try {
      if (this.client.status === "wait" || this.client.status === "end") await withDeadline(this.client.connect(), this.opts.timeoutMs * 20, "connect");
      await withDeadline(this.client.ping(), Math.max(this.opts.timeoutMs, 100), "ping");
    } catch {
      this.scheduleProbe();
      return;
    }
    // Resync: whatever this instance cached before the outage may be stale or gone (a Redis restart
    // without persistence forgets every counter); dropping the cache makes the next commits re-validate.
    this.onRecover?.();
    this.stats.state = "connected";
    this.stats.transitions.recovered++;
    this.log.log("info", "redis_recovered", { outage_ms: Date.now() - this.degradedSince });
    this.onRecovered?.();
  }
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new LinkError("timeout", `${what} timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

function isScriptError(err: unknown): boolean {
  return err instanceof Error && /^(ERR|WRONGTYPE)/.test(err.message) && !/connection|Stream isn't writeable/i.test(err.message);
}

function toBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
  if (typeof v === "string") return new TextEncoder().encode(v);
  return new Uint8Array(0);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}
