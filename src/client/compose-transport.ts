// Runs a list of interceptors in front of any Connect transport, the default
// connect-node one or one the caller injected. Connect transports only take
// interceptors when they are created; wrapping lets the client's own
// behaviour (auth, retries, rate limit, timeouts, logging) apply to a
// transport it did not create, without touching that transport's own
// interceptors.
import { Code, ConnectError, type Interceptor, type Transport } from "@connectrpc/connect";
import { createMethodUrl, runUnaryCall } from "@connectrpc/connect/protocol";
import { callTimeoutMsKey, createCallContext, deadlineKey, inFlightKey, mayHaveTakenEffectKey } from "./call-context.js";
import type { Clock } from "./clock.js";
import { mayHaveTakenEffect } from "./retry-policy.js";

export interface ComposeOptions {
  /** For the request URL interceptors see (the inner transport builds its own). */
  baseUrl: string;
  /** Applied when a call gives no timeoutMs; undefined = none. */
  defaultTimeoutMs: number | undefined;
  clock: Clock;
}

/**
 * connect-node reports an HTTP/2 stream that the server or a proxy reset
 * (RST_STREAM CANCEL, or the whole session closing under it) as Canceled,
 * which every layer above reads as "the caller aborted": not retried, and
 * taken for a user's abort by the apply. When this call's signal did not
 * abort, it is a broken connection: Unavailable, retried like ECONNRESET.
 */
function brokenStreamAsUnavailable(error: unknown, signal: AbortSignal): unknown {
  if (!(error instanceof ConnectError) || error.code !== Code.Canceled || signal.aborted) return error;
  const lost = new ConnectError(`connection lost: ${error.rawMessage}`, Code.Unavailable, error.metadata, undefined, error);
  for (const detail of error.details) lost.details.push(detail);
  return lost;
}

export function withInterceptors(inner: Transport, interceptors: Interceptor[], options: ComposeOptions): Transport {
  return {
    unary(method, signal, timeoutMs, header, message, contextValues) {
      const context = createCallContext(contextValues);
      // Same convention as Connect: undefined = the default, <= 0 = no deadline.
      const resolved = timeoutMs === undefined ? options.defaultTimeoutMs : timeoutMs <= 0 ? undefined : timeoutMs;
      context.set(callTimeoutMsKey, resolved);
      return runUnaryCall({
        interceptors,
        // No timeoutMs here: the deadline is enforced by timeoutInterceptor, which knows about retries.
        ...(signal !== undefined ? { signal } : {}),
        req: {
          stream: false,
          service: method.parent,
          method,
          requestMethod: "POST",
          url: createMethodUrl(options.baseUrl, method),
          header: new Headers(header),
          contextValues: context,
          message,
        },
        next: (req) => {
          // Tell the server how long is left, as Connect does for its own timeoutMs.
          const deadline = req.contextValues.get(deadlineKey);
          if (deadline !== undefined) {
            req.header.set("Connect-Timeout-Ms", String(Math.max(1, Math.ceil(deadline - options.clock.now()))));
          }
          // What the retry and error interceptors need to tell "failed" from "may have happened".
          const values = req.contextValues;
          values.set(inFlightKey, values.get(inFlightKey) + 1);
          return inner.unary(req.method, req.signal, undefined, req.header, req.message, req.contextValues).then(
            (res) => {
              values.set(inFlightKey, values.get(inFlightKey) - 1);
              return res;
            },
            (e: unknown) => {
              values.set(inFlightKey, values.get(inFlightKey) - 1);
              const error = brokenStreamAsUnavailable(e, req.signal);
              if (mayHaveTakenEffect(ConnectError.from(error))) values.set(mayHaveTakenEffectKey, true);
              throw error;
            },
          );
        },
      });
    },
    // No streaming method exists in these services; pass through unchanged.
    stream(method, signal, timeoutMs, header, input, contextValues) {
      return inner.stream(method, signal, timeoutMs, header, input, contextValues);
    },
  };
}
