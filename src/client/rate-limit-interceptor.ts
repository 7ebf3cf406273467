// One token per attempt (a retry is a request too), from a bucket shared by
// every service of the client.
import type { Interceptor } from "@connectrpc/connect";
import type { Log } from "./logger.js";
import type { RateLimiter } from "./rate-limiter.js";
import { procedureOf } from "./procedure.js";

export function rateLimitInterceptor(limiter: RateLimiter, log: Log): Interceptor {
  return (next) => async (req) => {
    const waitedMs = await limiter.acquire(req.signal);
    if (waitedMs > 0) log.debug("fleet rate limit: waited", { procedure: procedureOf(req), waitedMs });
    return next(req);
  };
}
