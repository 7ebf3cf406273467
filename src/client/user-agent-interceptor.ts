// `fleet-pipelines/<version>` plus the caller's suffix. Connect only adds its
// own `connect-es/…` when no User-Agent is set, so this one wins.
import type { Interceptor } from "@connectrpc/connect";
import { VERSION } from "../version.js";

export function userAgentValue(suffix: string | undefined): string {
  return suffix === undefined ? `fleet-pipelines/${VERSION}` : `fleet-pipelines/${VERSION} ${suffix}`;
}

export function userAgentInterceptor(suffix: string | undefined): Interceptor {
  const value = userAgentValue(suffix);
  return (next) => async (req) => {
    req.header.set("User-Agent", value);
    return next(req);
  };
}
