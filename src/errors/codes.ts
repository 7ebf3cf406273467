// Every `code` a FleetError can carry, as one union so that a `switch` over
// `error.code` can be checked for exhaustiveness. The library's own codes are
// listed here although their classes live with the layer that throws them.

/** Codes of FleetApiError: one per Connect code, named for what happened. */
export type FleetApiErrorCode =
  | "CANCELED"
  | "UNKNOWN"
  | "INVALID_ARGUMENT"
  | "DEADLINE_EXCEEDED"
  | "NOT_FOUND"
  | "ALREADY_EXISTS"
  | "PERMISSION_DENIED"
  | "RATE_LIMITED"
  | "FAILED_PRECONDITION"
  | "CONFLICT"
  | "OUT_OF_RANGE"
  | "UNIMPLEMENTED"
  | "INTERNAL"
  | "UNAVAILABLE"
  | "DATA_LOSS"
  | "UNAUTHENTICATED";

/** Codes of the errors the library raises itself, before or after talking to the service. */
export type FleetLibraryErrorCode =
  /** ConfigurationError: options or arguments that cannot work. */
  | "INVALID_CONFIGURATION"
  /** MatcherError: a matcher that does not parse. */
  | "INVALID_MATCHER"
  /** LoadError: a folder of pipeline files that cannot be loaded. */
  | "LOAD_FAILED"
  /** SafetyCheckError: a blocked plan. */
  | "SAFETY_CHECK"
  /** InvalidPlanError: a saved plan that cannot be read. */
  | "INVALID_PLAN"
  /** ApplyError codes. */
  | "APPLY_FAILED"
  | "VERIFY_FAILED"
  | "STALE_PLAN"
  | "APPLY_ABORTED"
  | "OVERWRITE_DETECTED"
  /** UsageError: a command line that cannot work (CLI only). */
  | "USAGE";

/** Every code a FleetError may carry. */
export type FleetErrorCode = FleetLibraryErrorCode | FleetApiErrorCode;
