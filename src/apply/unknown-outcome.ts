import { Code, ConnectError } from "@connectrpc/connect";
import { isOutcomeUnknown } from "../client/index.js";

/**
 * True for an error after which the server may have acted: the client marked
 * it so (an answer lost after the request was sent), or the answer says
 * nothing of what happened (unavailable, a deadline, an unknown or internal
 * error). A user's abort is not one: the caller knows it stopped.
 */
export function unknownOutcome(err: unknown): boolean {
  if (isOutcomeUnknown(err)) return true;
  if (!(err instanceof ConnectError)) return !(err instanceof Error && err.name === "AbortError");
  return [Code.Unavailable, Code.DeadlineExceeded, Code.Unknown, Code.Internal].includes(err.code);
}
