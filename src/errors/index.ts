// The error hierarchy: FleetError and its codes, ConfigurationError, and the
// errors of the service (FleetApiError and its subclasses). Subclasses that
// belong to one layer live with it (LoadError in loader/, SafetyCheckError in
// plan/, ApplyError in apply/).
export { FleetError, ConfigurationError } from "./fleet-error.js";
export type { FleetApiErrorCode, FleetErrorCode, FleetLibraryErrorCode } from "./codes.js";
export {
  AlreadyExistsError,
  ConflictError,
  DeadlineExceededError,
  FailedPreconditionError,
  FleetApiError,
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitedError,
  UnauthenticatedError,
  UnavailableError,
  toFleetError,
  HTTP_STATUS_OF_CODE,
} from "./api-error.js";
export type { FleetApiErrorDetails, ToFleetErrorOptions } from "./api-error.js";
