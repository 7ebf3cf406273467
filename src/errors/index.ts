// The root of the error hierarchy: FleetError and its codes, and
// ConfigurationError. Subclasses live with the layer that throws them
// (FleetApiError and its subclasses in client/, LoadError in loader/,
// SafetyCheckError in plan/, ApplyError in apply/). Nothing here loads
// @connectrpc/connect.
export { FleetError, ConfigurationError } from "./fleet-error.js";
export type { FleetApiErrorCode, FleetErrorCode, FleetLibraryErrorCode } from "./codes.js";
export { HTTP_STATUS_OF_CODE } from "./http-status.js";
