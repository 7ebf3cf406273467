// Sets the Authorization header on every attempt. The value is computed once
// (options.ts) and lives only in this closure and in the outgoing request.
import type { Interceptor } from "@connectrpc/connect";

export function authInterceptor(authorization: string | undefined): Interceptor {
  return (next) => async (req) => {
    if (authorization !== undefined) req.header.set("Authorization", authorization);
    return next(req);
  };
}
