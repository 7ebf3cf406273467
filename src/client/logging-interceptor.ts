// One line per attempt: procedure, attempt, duration, code. Headers are never
// logged; messages pass through the redactor in createLog. A failure the
// caller will see anyway (not found, invalid argument, ...) is logged at
// debug; a transient one (the service or the network in trouble) at warn.
import { ConnectError, type Interceptor } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import { attemptKey } from "./call-context.js";
import type { Clock } from "./clock.js";
import type { Log } from "./logger.js";
import { procedureOf } from "./procedure.js";
import { isTransientError } from "./retry-policy.js";

export function loggingInterceptor(log: Log, clock: Clock): Interceptor {
  return (next) => async (req) => {
    const procedure = procedureOf(req);
    const attempt = req.contextValues.get(attemptKey);
    const started = clock.now();
    try {
      const res = await next(req);
      log.debug("fleet rpc ok", { procedure, attempt, durationMs: clock.now() - started, code: "ok" });
      return res;
    } catch (e) {
      const error = ConnectError.from(e);
      const level = isTransientError(error) ? "warn" : "debug";
      log[level]("fleet rpc failed", {
        procedure,
        attempt,
        durationMs: clock.now() - started,
        code: codeToString(error.code),
        message: error.rawMessage,
      });
      throw e;
    }
  };
}
