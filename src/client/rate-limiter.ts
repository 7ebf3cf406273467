// A token bucket: `burst` tokens at most, refilled at `requestsPerSecond`.
// Callers wait in FIFO order instead of failing; a caller whose signal aborts
// leaves the queue at once (rejecting with Canceled, or with the deadline's
// DeadlineExceeded) and the token it would have had goes to the next one.
import { abortError, systemClock, type Clock } from "./clock.js";

export interface RateLimiter {
  /** Resolves when a request may be sent; returns how long it waited, in ms. */
  acquire(signal?: AbortSignal): Promise<number>;
}

export interface RateLimiterOptions {
  requestsPerSecond: number;
  burst: number;
  clock?: Clock | undefined;
}

interface Waiter {
  readonly since: number;
  resolve(waitedMs: number): void;
  reject(error: unknown): void;
  detach(): void;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { requestsPerSecond, burst } = options;
  if (!(Number.isFinite(requestsPerSecond) && requestsPerSecond > 0) || !(Number.isInteger(burst) && burst >= 1)) {
    throw new RangeError("createRateLimiter needs requestsPerSecond > 0 and an integer burst >= 1");
  }
  const clock = options.clock ?? systemClock;
  const msPerToken = 1000 / requestsPerSecond;
  let tokens = burst;
  let refilledAt = clock.now();
  const queue: Waiter[] = [];
  let pump: AbortController | undefined;

  function refill(): void {
    const now = clock.now();
    if (now > refilledAt) {
      tokens = Math.min(burst, tokens + (now - refilledAt) / msPerToken);
      refilledAt = now;
    }
  }

  async function runPump(control: AbortController): Promise<void> {
    while (queue.length > 0 && !control.signal.aborted) {
      refill();
      if (tokens >= 1) {
        tokens -= 1;
        const waiter = queue.shift() as Waiter;
        waiter.detach();
        waiter.resolve(clock.now() - waiter.since);
        continue;
      }
      // Whole milliseconds, rounded up, so the bucket is full when we wake.
      const waitMs = Math.max(1, Math.ceil((1 - tokens) * msPerToken));
      try {
        await clock.sleep(waitMs, control.signal);
      } catch {
        break; // the queue emptied: nobody to wake for
      }
    }
    if (pump === control) pump = undefined;
  }

  return {
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(abortError(signal));
      refill();
      if (queue.length === 0 && tokens >= 1) {
        tokens -= 1;
        return Promise.resolve(0);
      }
      return new Promise<number>((resolve, reject) => {
        const onAbort = () => {
          const index = queue.indexOf(waiter);
          if (index >= 0) queue.splice(index, 1);
          if (queue.length === 0 && pump !== undefined) {
            pump.abort();
            pump = undefined;
          }
          reject(abortError(signal as AbortSignal));
        };
        const waiter: Waiter = {
          since: clock.now(),
          resolve,
          reject,
          detach: () => signal?.removeEventListener("abort", onAbort),
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        queue.push(waiter);
        if (pump === undefined) {
          pump = new AbortController();
          void runPump(pump);
        }
      });
    },
  };
}
