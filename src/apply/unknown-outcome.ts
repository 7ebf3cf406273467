import { Code, ConnectError } from "@connectrpc/connect";

/**
 * True for an error after which the server may have acted: no answer (the
 * connection broke, a deadline passed) or an answer that says nothing.
 * A user's abort is not one: the caller knows it stopped.
 */
export function unknownOutcome(err: unknown): boolean {
  if (!(err instanceof ConnectError)) return !(err instanceof Error && err.name === "AbortError");
  return [Code.Unavailable, Code.DeadlineExceeded, Code.Unknown, Code.Internal].includes(err.code);
}
