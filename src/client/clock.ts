// Time, behind an interface so that tests can replace it. Waits (backoff,
// rate limiting) go through `sleep`, and "now" through `now`; both can be
// injected through FleetClientOptions.clock. The hard per-call deadline uses
// real timers regardless: it is a promise to the caller, not a policy.
import { Code, ConnectError } from "@connectrpc/connect";
import { getAbortSignalReason } from "@connectrpc/connect/protocol";

/** A time source for backoff, rate limiting and durations; inject a fake one in tests. */
export interface Clock {
  /** Milliseconds since the Unix epoch (like `Date.now()`). Used for durations and HTTP-date `Retry-After`. */
  now(): number;
  /**
   * Resolves after `ms` milliseconds; rejects with the signal's reason as soon
   * as `signal` aborts (and must then not keep any timer alive).
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(getAbortSignalReason(signal));
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(getAbortSignalReason(signal as AbortSignal));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  },
};

/** The error a wait rejects with when its signal aborts: the reason if it is a ConnectError, else Canceled. */
export function abortError(signal: AbortSignal): ConnectError {
  return ConnectError.from(getAbortSignalReason(signal), Code.Canceled);
}

/** `clock.sleep`, but a rejection is always a ConnectError (Canceled or the deadline's DeadlineExceeded). */
export async function sleepOrAbort(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw abortError(signal);
  try {
    await clock.sleep(ms, signal);
  } catch (e) {
    throw signal.aborted ? abortError(signal) : ConnectError.from(e, Code.Canceled);
  }
  if (signal.aborted) throw abortError(signal);
}
