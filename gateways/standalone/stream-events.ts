// Waiting for a paused stream to be resumed by the module. The module pauses a side and resumes it later
// with proxy_continue_stream, which the host reports through stream.onEvent (gateways/host README
// "Resumption is an event"). Two causes today: a throttle, which the wasm holds until a proxy_on_tick past
// its wake time (assembly/filter/throttle.ts), and an http_call answer. So while anything waits, the host
// must be ticked, as Envoy's dispatcher fires timers; the Ticker does that, and only while needed. A module
// that never resumes must not hold a request for ever: the wait ends after a timeout longer than the longest
// throttle (30 s, spec 9.3), answered 503 by the callers.
import type { HttpStream, StreamEvent } from "../host/types.js";

export const RESUME_TIMEOUT_MS = 35_000;
/** The wasm asks for 10 ms ticks while a request waits (throttle.ts TICK_MS). */
const TICK_EVERY_MS = 5;

export type ResumeResult = StreamEvent | { kind: "timeout" };

/** Calls host.tick() every few ms while at least one stream waits. */
export class Ticker {
  private waiting = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly tick: () => void) {}

  hold(): () => void {
    if (this.waiting++ === 0) this.timer = setInterval(this.tick, TICK_EVERY_MS);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.waiting === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }
}

export function waitForResume(stream: HttpStream, ticker?: Ticker, timeoutMs = RESUME_TIMEOUT_MS): Promise<ResumeResult> {
  return new Promise((resolve) => {
    const release = ticker?.hold() ?? (() => undefined);
    const done = (result: ResumeResult) => {
      clearTimeout(timer);
      stream.onEvent = undefined;
      release();
      resolve(result);
    };
    const timer = setTimeout(() => done({ kind: "timeout" }), timeoutMs);
    stream.onEvent = done;
  });
}
