// The service's logger: pino writing one JSON object per line, `{"level":"info","time":"...","event":...}`.
// Callers name an event and give fields; the event names are the service's log contract (README), so the
// Logger interface stays this small and MemoryLogger can stand in for it in tests.
import { pino, stdTimeFunctions } from "pino";
import type { LogLevel } from "../host/types.js";

export type LogFields = Record<string, unknown>;

export interface Logger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
}

/** proxy-wasm has a `critical` level above error (ABI log levels 0..5); pino's fatal is 60. */
const CUSTOM_LEVELS = { critical: 55 };

/** Writes `{"level":...,"time":...,"event":...,...fields}` lines at or above minLevel. */
export function createJsonLogger(write: (line: string) => void, minLevel: LogLevel = "info"): Logger {
  const logger = pino(
    {
      level: minLevel,
      customLevels: CUSTOM_LEVELS,
      base: undefined,
      timestamp: stdTimeFunctions.isoTime,
      // Level names, not numbers, so `fairvisor logs` and people can grep them.
      formatters: { level: (label) => ({ level: label }) },
    },
    // A plain object with write(): pino calls it synchronously with one finished line.
    { write },
  );
  return {
    log(level, event, fields = {}) {
      logger[level]({ event, ...fields });
    },
  };
}

/** Keeps every line in memory; for tests and for callers that report logs themselves. */
export class MemoryLogger implements Logger {
  readonly lines: Array<{ level: LogLevel; event: string } & LogFields> = [];
  log(level: LogLevel, event: string, fields: LogFields = {}): void {
    this.lines.push({ level, event, ...fields });
  }
  events(name: string): Array<LogFields> {
    return this.lines.filter((l) => l.event === name);
  }
}
