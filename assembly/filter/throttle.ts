// Throttle waits (spec 8.2 staged `throttle`, 8.5 loop `throttle`): the reference sleeps `delay_ms` and
// then answers 200. A proxy-wasm callback cannot sleep, so the request is paused (StopIteration) and
// resumed from proxy_on_tick once its wake time passed: proxy_set_effective_context(stream) then
// proxy_continue_stream(request) (research/gateways.md 1.3 and 1.4: ticks are per VM, set from the root of
// the calling context; continue_stream resumes a paused side). Ticks run only while something waits.
//
// Two paths, both documented in assembly/filter/README.md:
//   - hosts with ticks (Envoy, Kong, the TypeScript host's envoy/kong profiles): the wait happens here;
//   - hosts without (APISIX returns Unimplemented): the request is allowed at once and the line
//     "throttle ticks unavailable" is logged once per VM. Either way the allow carries
//     `X-Fairvisor-Delay-Ms`, so a Node host driving the module can apply the delay itself.
import { continueStream, HostStatus, LogLevel, setEffectiveContext, setTickPeriod, StreamType } from "./host-calls";
import { streamLog } from "./stream-log";

/** Tick period while a request waits: the wake-up error is at most this. */
export const TICK_MS: u32 = 10;

@final
class Wait {
  constructor(public streamId: u32, public wakeNs: u64) {}
}

const waiting: Wait[] = [];
let ticking = false;
/** Root context whose tick period we set (ticks stop when it is retired). */
let tickRoot: u32 = 0;
let loggedNoTicks = false;

/**
 * Pauses `streamId` for `delayMs`. Returns false when the host has no ticks: the caller then allows at
 * once (a request is never parked without a way to resume it).
 */
export function holdForThrottle(streamId: u32, rootId: u32, nowNs: u64, delayMs: i64): bool {
  if (!ticking) {
    const status = setTickPeriod(TICK_MS);
    if (status != HostStatus.OK) {
      if (!loggedNoTicks) {
        loggedNoTicks = true;
        streamLog(LogLevel.WARN, streamId, "throttle ticks unavailable (status " + status.toString() + "): throttled requests are allowed without delay");
      }
      return false;
    }
    ticking = true;
    tickRoot = rootId;
  }
  waiting.push(new Wait(streamId, nowNs + <u64>delayMs * 1_000_000));
  return true;
}

/** Number of requests waiting (tests and metrics). */
export function waitingCount(): i32 {
  return waiting.length;
}

/** proxy_on_tick: resumes every request whose wake time passed; stops ticking when none waits. */
export function onThrottleTick(rootId: u32, nowNs: u64): void {
  let kept = 0;
  for (let i = 0, n = waiting.length; i < n; i++) {
    const w = unchecked(waiting[i]);
    if (w.wakeNs <= nowNs) resume(w.streamId, "throttle resumed");
    else unchecked((waiting[kept++] = w));
  }
  waiting.length = kept;
  setEffectiveContext(rootId); // later calls (the tick period) act on the root again
  if (kept == 0 && ticking) {
    setTickPeriod(0);
    ticking = false;
  }
}

/** A waiting stream ended (client gone): forget it. */
export function forgetWait(streamId: u32): void {
  let kept = 0;
  for (let i = 0, n = waiting.length; i < n; i++) {
    const w = unchecked(waiting[i]);
    if (w.streamId != streamId) unchecked((waiting[kept++] = w));
  }
  waiting.length = kept;
}

/**
 * The root that owns the ticks is going away (reconfiguration retires it, and the host drops its timer):
 * release every waiting request now rather than leave it paused with nothing to wake it.
 */
export function onRootDone(rootId: u32): void {
  if (!ticking || rootId != tickRoot) return;
  ticking = false;
  for (let i = 0, n = waiting.length; i < n; i++) resume(unchecked(waiting[i]).streamId, "throttle released early: root retired");
  waiting.length = 0;
  setEffectiveContext(rootId);
}

function resume(streamId: u32, why: string): void {
  if (setEffectiveContext(streamId) != HostStatus.OK) return; // the stream is gone
  continueStream(StreamType.HTTP_REQUEST);
  streamLog(LogLevel.DEBUG, streamId, why);
}
