// The deadline of a whole call: retries, backoff and rate-limit waits
// included. It aborts the call's signal with DeadlineExceeded, records the
// deadline for the retry interceptor (no retry is scheduled past it), and
// normalises what an aborted call throws: DeadlineExceeded when the deadline
// passed, Canceled when the caller aborted.
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { createLinkedAbortController } from "@connectrpc/connect/protocol";
import { abortError, type Clock } from "./clock.js";
import { callTimeoutMsKey, deadlineKey } from "./call-context.js";

/** Rejects as soon as `signal` aborts, so that a transport that ignores the signal cannot hold the call. */
function whenAborted(signal: AbortSignal): { promise: Promise<never>; dispose(): void } {
  let onAbort: () => void = () => {};
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError(signal));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  promise.catch(() => {}); // observed through Promise.race only
  return { promise, dispose: () => signal.removeEventListener("abort", onAbort) };
}

export function timeoutInterceptor(clock: Clock): Interceptor {
  return (next) => async (req) => {
    const timeoutMs = req.contextValues.get(callTimeoutMsKey);
    const deadline = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (timeoutMs !== undefined) {
      req.contextValues.set(deadlineKey, clock.now() + timeoutMs);
      timer = setTimeout(() => {
        deadline.abort(
          new ConnectError(`the call did not complete within timeoutMs (${timeoutMs} ms)`, Code.DeadlineExceeded),
        );
      }, timeoutMs);
    }
    const linked = createLinkedAbortController(req.signal, deadline.signal);
    const aborted = whenAborted(linked.signal);
    try {
      return await Promise.race([next({ ...req, signal: linked.signal }), aborted.promise]);
    } catch (e) {
      if (req.signal.aborted) throw abortError(req.signal);
      if (deadline.signal.aborted) throw abortError(deadline.signal);
      throw e;
    } finally {
      clearTimeout(timer);
      aborted.dispose();
    }
  };
}
