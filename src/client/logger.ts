// The logging contract: any object with some of debug/info/warn/error
// (console fits). Lines go through a level filter and the redactor.
import { redactDeep, type Redactor } from "./redact.js";

/** The lowest level a logger receives; `silent` sends nothing. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/** Structured fields of a log line (procedure, attempt, code, …), secrets redacted. */
export type LogFields = Record<string, unknown>;

/** Where the client logs: any object with some of these methods (`console` fits). */
export interface Logger {
  /** Each call that succeeded, and failures that are not transient. */
  debug?(message: string, fields?: LogFields): void;
  /** Each retry, with its reason and delay. */
  info?(message: string, fields?: LogFields): void;
  /** Transient failures (unavailable, rate limited, deadline, connection). */
  warn?(message: string, fields?: LogFields): void;
  /** Errors. */
  error?(message: string, fields?: LogFields): void;
}

/** What the interceptors call: every method exists, filtering and redaction are done. */
export interface Log {
  debug(message: string, fields: LogFields): void;
  info(message: string, fields: LogFields): void;
  warn(message: string, fields: LogFields): void;
  error(message: string, fields: LogFields): void;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function createLog(logger: Logger | undefined, level: LogLevel, redact: Redactor): Log {
  const emit =
    (method: Exclude<LogLevel, "silent">) =>
    (message: string, fields: LogFields): void => {
      if (logger === undefined || rank[method] < rank[level]) return;
      const fn = logger[method];
      if (typeof fn !== "function") return;
      try {
        fn.call(logger, redact(message), redactDeep(fields, redact) as LogFields);
      } catch {
        // A failing logger must not fail the call it reports on.
      }
    };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}
