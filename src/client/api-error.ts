// Errors of the service, as our own classes. A ConnectError from the raw
// client becomes a FleetApiError subclass (NotFoundError, RateLimitedError,
// ...) that keeps what a caller needs to act or to report: the code as a
// string, the procedure, the request id, the HTTP status. The resource API
// throws these; `toFleetError` converts what the raw clients throw.
import { Code, ConnectError } from "@connectrpc/connect";
import { FleetError, HTTP_STATUS_OF_CODE, type FleetApiErrorCode } from "../errors/index.js";

/** What a FleetApiError knows besides its message. */
export interface FleetApiErrorDetails {
  /** The Connect code the service (or the transport) gave. */
  connectCode: Code;
  /** `pipeline.v1.PipelineService/GetPipeline`, when known. */
  procedure?: string | undefined;
  /** The `x-request-id` response header, when the service or a gateway sent one. */
  requestId?: string | undefined;
  /** The HTTP status of the failed response, when there was a response. */
  httpStatus?: number | undefined;
  /** The message without the procedure, as the server (or the client's hint) said it. */
  rawMessage?: string | undefined;
  /** The error this one was made from. */
  cause?: unknown;
}

/** Options of `toFleetError` / `FleetApiError.from`. */
export interface ToFleetErrorOptions {
  /** The procedure that failed, when the caller knows it (`pipeline.v1.PipelineService/GetPipeline`). */
  procedure?: string | undefined;
}

/**
 * A call to the service failed. `code` says how, as a string; `connectCode`
 * keeps the Connect code. Never carries credentials: the client scrubs them
 * from messages and headers before this is built.
 */
export class FleetApiError extends FleetError {
  override readonly code: FleetApiErrorCode;
  /** The Connect code the service or the transport gave. */
  readonly connectCode: Code;
  /** The call that failed, e.g. `pipeline.v1.PipelineService/GetPipeline`, when known. */
  readonly procedure: string | undefined;
  /** The `x-request-id` of the failed response, for support tickets, when one was sent. */
  readonly requestId: string | undefined;
  /** The HTTP status of the failed response, when there was a response. */
  readonly httpStatus: number | undefined;
  /** The server's message (or the client's hint) without the procedure in front. */
  readonly rawMessage: string;

  constructor(code: FleetApiErrorCode, message: string, details: FleetApiErrorDetails) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "FleetApiError";
    this.code = code;
    this.connectCode = details.connectCode;
    this.procedure = details.procedure;
    this.requestId = details.requestId;
    this.httpStatus = details.httpStatus;
    this.rawMessage = details.rawMessage ?? message;
  }

  /**
   * The FleetApiError for any error a raw client call threw (a ConnectError,
   * an abort, a network failure). A FleetApiError is returned as it is.
   */
  static from(error: unknown, options: ToFleetErrorOptions = {}): FleetApiError {
    if (error instanceof FleetApiError) return error;
    return fromConnectError(ConnectError.from(error), options.procedure);
  }
}

/** 404: no pipeline or collector with that name or id. */
export class NotFoundError extends FleetApiError {
  constructor(message: string, details: FleetApiErrorDetails) {
    super("NOT_FOUND", message, details);
    this.name = "NotFoundError";
  }
}

/** 409 `already_exists`: the name (or collector id) is taken. */
export class AlreadyExistsError extends FleetApiError {
  constructor(message: string, details: FleetApiErrorDetails) {
    super("ALREADY_EXISTS", message, details);
    this.name = "AlreadyExistsError";
  }
}

/**
 * 429 `resource_exhausted`: too many requests, or (the service uses the same
 * code) a limit such as the pipeline limit reached. `retryAfterMs` is the
 * server's `Retry-After`, when it sent one.
 */
export class RateLimitedError extends FleetApiError {
  /** The wait the server asked for (`Retry-After`), in milliseconds, when it sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: FleetApiErrorDetails & { retryAfterMs?: number | undefined }) {
    super("RATE_LIMITED", message, details);
    this.name = "RateLimitedError";
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** 400 `invalid_argument`: the request was refused as malformed (bad matcher, empty name, ...). */
export class InvalidArgumentError extends FleetApiError {
  constructor(message: string, details: FleetApiErrorDetails) {
    super("INVALID_ARGUMENT", message, details);
    this.name = "InvalidArgumentError";
  }
}

/** 403: the credentials are valid but lack the scope (fleet-management:read / :write). */
export class PermissionDeniedError extends FleetApiError {
  constructor(message: string, details: FleetApiErrorDetails) {
    super("PERMISSION_DENIED", message, details);
    this.name = "PermissionDeniedError";
  }
}

/** 401: the credentials were not accepted. */
export class UnauthenticatedError extends FleetApiError {
  constructor(message: string, details: FleetApiErrorDetails) {
    super("UNAUTHENTICATED", message, details);
    this.name = "UnauthenticatedError";
  }
}

/** 503 or a connection failure: the service could not be reached or did not answer. */
export class UnavailableError extends FleetApiError {
  constructor(message: string, details: FleetApiErrorDetails) {
    super("UNAVAILABLE", message, details);
    this.name = "UnavailableError";
  }
}

/** The call's deadline passed (the client's `timeoutMs` or the server's). */
export class DeadlineExceededError extends FleetApiError {
  constructor(message: string, details: FleetApiErrorDetails) {
    super("DEADLINE_EXCEEDED", message, details);
    this.name = "DeadlineExceededError";
  }
}

/**
 * The resource changed under the write: the service answered `aborted`, or a
 * read-modify-write (`pipelines.update`) found that someone else changed the
 * pipeline between its read and its write, and wrote nothing.
 */
export class ConflictError extends FleetApiError {
  constructor(message: string, details: FleetApiErrorDetails) {
    super("CONFLICT", message, details);
    this.name = "ConflictError";
  }
}

/** 400 `failed_precondition`: the request is valid but the state does not allow it. */
export class FailedPreconditionError extends FleetApiError {
  constructor(message: string, details: FleetApiErrorDetails) {
    super("FAILED_PRECONDITION", message, details);
    this.name = "FailedPreconditionError";
  }
}

/**
 * A FleetError for anything a call threw: a FleetError stays as it is,
 * anything else (ConnectError, abort, network failure) becomes the matching
 * FleetApiError subclass. Use it around the raw clients (`fleet.raw.*`).
 */
export function toFleetError(error: unknown, options: ToFleetErrorOptions = {}): FleetError {
  if (error instanceof FleetError) return error;
  return FleetApiError.from(error, options);
}


const codeNames: Record<Code, FleetApiErrorCode> = {
  [Code.Canceled]: "CANCELED",
  [Code.Unknown]: "UNKNOWN",
  [Code.InvalidArgument]: "INVALID_ARGUMENT",
  [Code.DeadlineExceeded]: "DEADLINE_EXCEEDED",
  [Code.NotFound]: "NOT_FOUND",
  [Code.AlreadyExists]: "ALREADY_EXISTS",
  [Code.PermissionDenied]: "PERMISSION_DENIED",
  [Code.ResourceExhausted]: "RATE_LIMITED",
  [Code.FailedPrecondition]: "FAILED_PRECONDITION",
  [Code.Aborted]: "CONFLICT",
  [Code.OutOfRange]: "OUT_OF_RANGE",
  [Code.Unimplemented]: "UNIMPLEMENTED",
  [Code.Internal]: "INTERNAL",
  [Code.Unavailable]: "UNAVAILABLE",
  [Code.DataLoss]: "DATA_LOSS",
  [Code.Unauthenticated]: "UNAUTHENTICATED",
};

// Connect reads a response without a Connect body (a gateway's 429 or 502)
// as `HTTP <status>`; the client's error hint keeps it at the end.
const bareStatus = /(?:^|\(server said: )HTTP (\d{3})\)?$/;

function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get("retry-after")?.trim();
  if (value === undefined || value === "") return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function fromConnectError(error: ConnectError, procedure: string | undefined): FleetApiError {
  const raw = error.rawMessage;
  const bare = bareStatus.exec(raw);
  // No response headers at all means the failure happened before any answer
  // (connection refused, local deadline, abort): there is no HTTP status.
  let answered = false;
  error.metadata.forEach(() => {
    answered = true;
  });
  const httpStatus = bare !== null ? Number(bare[1]) : answered ? HTTP_STATUS_OF_CODE[error.code] : undefined;
  const requestId = error.metadata.get("x-request-id") ?? undefined;
  const prefix = procedure === undefined || raw.startsWith(`${procedure}:`) ? "" : `${procedure}: `;
  const text = raw === "" ? codeNames[error.code].toLowerCase().replace(/_/g, " ") : raw;
  const message = prefix + text;
  const details: FleetApiErrorDetails = { connectCode: error.code, procedure, requestId, httpStatus, rawMessage: raw, cause: error };
  // A gateway's bare 429 reaches Connect as `unavailable`; it is a rate limit.
  if (httpStatus === 429 || error.code === Code.ResourceExhausted) {
    return new RateLimitedError(message, { ...details, retryAfterMs: retryAfterMs(error.metadata) });
  }
  switch (error.code) {
    case Code.NotFound:
      return new NotFoundError(message, details);
    case Code.AlreadyExists:
      return new AlreadyExistsError(message, details);
    case Code.InvalidArgument:
      return new InvalidArgumentError(message, details);
    case Code.PermissionDenied:
      return new PermissionDeniedError(message, details);
    case Code.Unauthenticated:
      return new UnauthenticatedError(message, details);
    case Code.Unavailable:
      return new UnavailableError(message, details);
    case Code.DeadlineExceeded:
      return new DeadlineExceededError(message, details);
    case Code.Aborted:
      return new ConflictError(message, details);
    case Code.FailedPrecondition:
      return new FailedPreconditionError(message, details);
    default:
      return new FleetApiError(codeNames[error.code] ?? "UNKNOWN", message, details);
  }
}
