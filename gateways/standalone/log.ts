// JSON-lines logger for the decision service: one object per line on stderr, an `event` name and fields.
// Deliberately tiny; another issue replaces it with pino, keeping the event names.
import type { LogLevel } from "../host/types.js";

export type LogFields = Record<string, unknown>;

export interface Logger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
}

const LEVEL_RANK: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, critical: 5 };

/** Writes `{"time":...,"level":...,"event":...,...fields}` lines at or above minLevel. */
export function createJsonLogger(write: (line: string) => void, minLevel: LogLevel = "info"): Logger {
  const min = LEVEL_RANK[minLevel];
  return {
    log(level, event, fields = {}) {
      if (LEVEL_RANK[level] < min) return;
      write(JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }) + "\n");
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
