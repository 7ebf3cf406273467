// The fixed Connect code → HTTP status mapping, shared by the client's error
// classes and the emulator. Keyed by the codes' numbers with a type-only
// import, so that the errors layer loads without @connectrpc/connect (a
// caller that only wants parseMatcher does not pay for it).
import type { Code } from "@connectrpc/connect";

/** The HTTP status the Connect protocol gives each code. */
export const HTTP_STATUS_OF_CODE: Readonly<Record<Code, number>> = {
  1: 499, // canceled
  2: 500, // unknown
  3: 400, // invalid_argument
  4: 504, // deadline_exceeded
  5: 404, // not_found
  6: 409, // already_exists
  7: 403, // permission_denied
  8: 429, // resource_exhausted
  9: 400, // failed_precondition
  10: 409, // aborted
  11: 400, // out_of_range
  12: 501, // unimplemented
  13: 500, // internal
  14: 503, // unavailable
  15: 500, // data_loss
  16: 401, // unauthenticated
} satisfies Record<Code, number>;
