// A real redis-server for the tests: its own loopback port and temp dir, no persistence, stopped (and its
// dir removed) by stop(). stop() + start() on the same object restarts it on the same port, empty, which
// is what a crash of a non-persistent Redis looks like to the instances.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const REDIS_SERVER = process.env.REDIS_SERVER ?? "/usr/bin/redis-server";

export class RedisServer {
  private proc: ChildProcess | null = null;
  private dir: string | null = null;
  private paused = false;

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.proc !== null;
  }

  async start(): Promise<void> {
    if (this.proc) return;
    this.dir ??= mkdtempSync(join(tmpdir(), "fairvisor-redis-"));
    const proc = spawn(
      REDIS_SERVER,
      ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.dir],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.proc = proc;
    await new Promise<void>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000);
      proc.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("Ready to accept connections")) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}:\n${out}`));
      });
    });
    proc.stdout!.resume();
  }

  /** Stops the server (SIGKILL when `crash`, like a lost node; SIGTERM otherwise) and waits for the exit. */
  async stop(crash = false): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    await this.resume();
    this.proc = null;
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    proc.kill(crash ? "SIGKILL" : "SIGTERM");
    await exited;
  }

  /** Freezes the server (SIGSTOP): connections stay open and nothing is answered, i.e. a very slow Redis. */
  async pause(): Promise<void> {
    this.proc?.kill("SIGSTOP");
    this.paused = true;
  }

  async resume(): Promise<void> {
    if (this.paused) this.proc?.kill("SIGCONT");
    this.paused = false;
  }

  /** Stops it and removes its directory. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
