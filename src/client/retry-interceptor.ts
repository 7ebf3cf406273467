// Repeats an attempt that failed transiently, when the method is safe to
// repeat (see retry-policy.ts), with backoff and Retry-After, within the
// call's deadline. Each attempt may have its own deadline
// (retry.attemptTimeoutMs): an attempt abandoned that way is retried, while
// the call's own deadline or the caller's abort ends everything. A delete
// whose repeat finds nothing left after a lost answer is settled in
// repeated-delete.ts. Installed with retries off too (one attempt), so that
// every call goes through the same path.
import { Code, ConnectError, type Interceptor, type UnaryRequest, type UnaryResponse } from "@connectrpc/connect";
import { createLinkedAbortController } from "@connectrpc/connect/protocol";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import { attemptKey, deadlineKey, mayHaveTakenEffectKey } from "./call-context.js";
import { abortError, sleepOrAbort, type Clock } from "./clock.js";
import type { Log } from "./logger.js";
import type { ResolvedRetry } from "./options.js";
import { procedureOf } from "./procedure.js";
import { settleRepeatedDelete } from "./repeated-delete.js";
import { decideRetry, DELETE_PROCEDURES } from "./retry-policy.js";

export function retryInterceptor(policy: ResolvedRetry | undefined, clock: Clock, random: () => number, log: Log): Interceptor {
  return (next) => async (req) => {
    if (req.stream) return next(req);
    const nextUnary = next as (r: UnaryRequest) => Promise<UnaryResponse>;
    const procedure = procedureOf(req);
    for (let attempt = 1; ; attempt++) {
      req.contextValues.set(attemptKey, attempt);
      // Whether an attempt before this one may have been carried out.
      const earlierMayHaveTakenEffect = req.contextValues.get(mayHaveTakenEffectKey);
      const attemptDeadline = new AbortController();
      let timer: ReturnType<typeof setTimeout> | undefined;
      if (policy?.attemptTimeoutMs !== undefined) {
        const ms = policy.attemptTimeoutMs;
        timer = setTimeout(() => {
          attemptDeadline.abort(new ConnectError(`attempt ${attempt} did not complete within retry.attemptTimeoutMs (${ms} ms)`, Code.DeadlineExceeded));
        }, ms);
      }
      const signal = createLinkedAbortController(req.signal, attemptDeadline.signal).signal;
      let error: ConnectError;
      try {
        return await nextUnary({ ...req, signal });
      } catch (e) {
        if (req.signal.aborted) throw abortError(req.signal);
        error = attemptDeadline.signal.aborted ? abortError(attemptDeadline.signal) : ConnectError.from(e);
      } finally {
        clearTimeout(timer);
      }
      if (error.code === Code.NotFound && earlierMayHaveTakenEffect && DELETE_PROCEDURES.has(procedure)) {
        return settleRepeatedDelete(req, error, nextUnary, log, attempt);
      }
      if (policy === undefined) throw error;
      const decision = decideRetry({
        method: req.method,
        error,
        attempt,
        policy,
        nowMs: clock.now(),
        deadlineMs: req.contextValues.get(deadlineKey),
        random,
      });
      if (!decision.retry) throw error;
      log.info("fleet rpc retrying", {
        procedure,
        attempt,
        nextAttempt: attempt + 1,
        maxAttempts: policy.maxAttempts,
        code: codeToString(error.code),
        delayMs: decision.delayMs,
        reason: decision.reason,
      });
      await sleepOrAbort(clock, decision.delayMs, req.signal);
    }
  };
}
