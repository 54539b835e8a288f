// Time sources for proxy_get_current_time_nanoseconds, WASI clock_time_get and ticks.
import type { Clock } from "./types.js";

/** Wall-clock time in nanoseconds since the epoch (Envoy's timeSource().systemTime()). */
export class SystemClock implements Clock {
  private readonly originWall = BigInt(Date.now()) * 1_000_000n;
  private readonly originMono = process.hrtime.bigint();

  nowNanos(): bigint {
    // Date.now() is only millisecond-precise; anchor it once and advance with the monotonic clock.
    return this.originWall + (process.hrtime.bigint() - this.originMono);
  }
}

/** A clock that moves only when told to; tests step time exactly. */
export class ManualClock implements Clock {
  private now: bigint;

  constructor(startNanos: bigint = 1_700_000_000_000_000_000n) {
    this.now = startNanos;
  }

  nowNanos(): bigint {
    return this.now;
  }

  set(nanos: bigint): void {
    this.now = nanos;
  }

  advance(ms: number): void {
    this.now += BigInt(Math.round(ms * 1_000_000));
  }
}
