// The root of the library's own error hierarchy. RPC failures stay
// ConnectError (from @connectrpc/connect); everything the library itself
// refuses or detects is a FleetError with a stable `code` that scripts can
// branch on. Subclasses live with the layer that throws them (LoadError in
// loader/, SafetyCheckError in plan/, ApplyError in apply/).

export class FleetError extends Error {
  /** Stable, machine-readable reason, e.g. `LOAD_FAILED`, `SAFETY_CHECK`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
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
