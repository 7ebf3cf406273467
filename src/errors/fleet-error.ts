// The root of the library's own error hierarchy. Everything the library
// refuses or detects, and every failed call made through the resource API,
// is a FleetError with a stable `code` that scripts can branch on.
// Subclasses live with the layer that throws them (LoadError in loader/,
// SafetyCheckError in plan/, ApplyError in apply/, the API errors here).
import type { FleetErrorCode } from "./codes.js";

/**
 * The root of the errors the library throws itself. `code` says why, as a stable string;
 * messages never carry credentials.
 */
export class FleetError extends Error {
  /** Stable, machine-readable reason, e.g. `LOAD_FAILED`, `SAFETY_CHECK`, `NOT_FOUND`. */
  readonly code: FleetErrorCode;

  constructor(code: FleetErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FleetError";
    this.code = code;
  }
}

/** Options or arguments that cannot work, caught before anything is sent. */
export class ConfigurationError extends FleetError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("INVALID_CONFIGURATION", message, options);
    this.name = "ConfigurationError";
  }
}
