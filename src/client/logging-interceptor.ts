// One line per attempt: procedure, attempt, duration, code. Headers are never
// logged; messages pass through the redactor in createLog.
import { ConnectError, type Interceptor } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import { attemptKey } from "./call-context.js";
import type { Clock } from "./clock.js";
import type { Log } from "./logger.js";
import { procedureOf } from "./procedure.js";

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
      log.warn("fleet rpc failed", {
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
