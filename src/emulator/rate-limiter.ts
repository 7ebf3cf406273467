// Token bucket in front of the RPC routes, like the service's per-stack
// request limit: `rps` tokens per second, bursts of at most `rps` calls.

export interface RateLimitDecision {
  allowed: boolean;
  /** Whole seconds until a call would be admitted; set when refused. */
  retryAfterSeconds?: number;
}

export interface RateLimiter {
  take(): RateLimitDecision;
  reset(): void;
}

/** `rps` ≤ 0 or not finite means no limit. `now` returns milliseconds. */
export function createRateLimiter(rps: number | undefined, now: () => number): RateLimiter {
  if (rps === undefined || !Number.isFinite(rps) || rps <= 0) {
    return { take: () => ({ allowed: true }), reset: () => {} };
  }
  const capacity = Math.max(1, rps);
  let tokens = capacity;
  let last = now();
  return {
    take() {
      const t = now();
      tokens = Math.min(capacity, tokens + ((t - last) / 1000) * rps);
      last = t;
      if (tokens >= 1) {
        tokens -= 1;
        return { allowed: true };
      }
      const waitMs = ((1 - tokens) / rps) * 1000;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    },
    reset() {
      tokens = capacity;
      last = now();
    },
  };
}
