import type { Clock } from "../ports/clock.js";
import type { Logger, LogLevel } from "../ports/logger.js";

/**
 * A clock that always says the same time, or steps forward by `stepMs` on every call.
 *
 * @example
 * ```ts
 * const clock = createFixedClock(new Date("2026-01-01T00:00:00Z"));
 * ```
 */
export function createFixedClock(start: Date, stepMs = 0): Clock {
  let now = start.getTime();
  return {
    now() {
      const current = new Date(now);
      now += stepMs;
      return current;
    },
  };
}

/** A clock that stands still until told to move: for tests of expiry, with no waiting. */
export interface ManualClock extends Clock {
  /** Move the time forward (or back, with a negative number) by `ms`. */
  advance(ms: number): void;
  set(date: Date): void;
}

/**
 * A clock that says `start` until it is moved with `advance` or `set`.
 *
 * @example
 * ```ts
 * const clock = createManualClock(new Date("2026-01-01T00:00:00Z"));
 * clock.advance(3_600_000); // one hour later
 * ```
 */
export function createManualClock(start: Date): ManualClock {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms) {
      now += ms;
    },
    set(date) {
      now = date.getTime();
    },
  };
}

export interface LogEntry {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

/**
 * A logger that keeps what it is told, for tests.
 *
 * @example
 * ```ts
 * const logger = createMemoryLogger(); service.put(...); logger.entries;
 * ```
 */
export function createMemoryLogger(): Logger & { readonly entries: readonly LogEntry[] } {
  const entries: LogEntry[] = [];
  return {
    entries,
    log(level, message, fields) {
      entries.push(fields === undefined ? { level, message } : { level, message, fields });
    },
  };
}
