// Log lines about one stream, prefixed with its context id (STYLE.md: log lines carry the context id, as
// wasm-shim's filter does). Rejects, truncations and breaker alerts are info/warn; lines on the allow path
// (reconcile, throttle waits) are debug so a busy gateway at the default level logs nothing per allow.
import { hostLog, LogLevel } from "./host-calls";

export function streamLog(level: LogLevel, contextId: u32, message: string): void {
  hostLog(level, "ctx=" + contextId.toString() + " " + message);
}
