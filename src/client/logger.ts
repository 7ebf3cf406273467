// The logging contract: any object with some of debug/info/warn/error
// (console fits). Lines go through a level filter and the redactor.
import { redactDeep, type Redactor } from "./redact.js";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug?(message: string, fields?: LogFields): void;
  info?(message: string, fields?: LogFields): void;
  warn?(message: string, fields?: LogFields): void;
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
