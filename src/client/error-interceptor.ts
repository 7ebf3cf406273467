// Errors people can act on. RPC failures stay ConnectError with their code,
// metadata, details and cause; only the message changes: for 401, 403 and
// "unimplemented" (a wrong baseUrl gives a 404, which Connect reads as
// unimplemented) it says what to check. Every message, metadata value and
// cause is scrubbed of the client's secrets on the way out.
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { inFlightKey, mayHaveTakenEffectKey } from "./call-context.js";
import { procedureOf } from "./procedure.js";
import { copyExceededLimit, exceededLimit } from "./response-limit.js";
import { NEVER_RETRY_PROCEDURES, READ_PROCEDURES } from "./retry-policy.js";
import { redactDetails, redactError, redactHeaders, type Redactor } from "./redact.js";

function hintFor(code: Code, rawMessage: string, procedure: string, baseUrl: string): string | undefined {
  switch (code) {
    case Code.Unavailable:
      // Connect reads a 429 without a Connect body as "unavailable"; say what it was.
      return rawMessage === "HTTP 429"
        ? `${procedure}: rate limited (HTTP 429 from the service or a gateway in front of it); ` +
            "lower rateLimit.requestsPerSecond, or run fewer clients at once against this stack"
        : undefined;
    case Code.Unauthenticated:
      return (
        `${procedure}: Fleet Management did not accept the credentials. Check that auth.user is the stack's ` +
        "Fleet Management user id (the stack / instance id), that auth.token is a valid, unexpired Grafana Cloud " +
        "access policy token, and that baseUrl is the Fleet Management URL of that same stack"
      );
    case Code.PermissionDenied:
      return (
        `${procedure}: the credentials were accepted but are not allowed to do this. The access policy needs the ` +
        "fleet-management:read scope to read and fleet-management:write to change anything, for this stack"
      );
    case Code.Unimplemented:
      return (
        `${procedure}: not found at ${baseUrl}. Check baseUrl: use your stack's Fleet Management URL ` +
        "(e.g. https://fleet-management-prod-001.grafana.net, or the URL shown in the Fleet Management app's API tab); " +
        "if it is right, this server does not offer the method"
      );
    default:
      return undefined;
  }
}

export function toActionableError(error: ConnectError, procedure: string, baseUrl: string, redact: Redactor): ConnectError {
  const limit = exceededLimit(error);
  const hint = hintFor(error.code, error.rawMessage, procedure, baseUrl);
  const raw = redact(error.rawMessage);
  const message =
    limit !== undefined
      ? `response of ${procedure} ${raw.replace(/^response /, "")}; raise maxResponseBytes if an answer this large is expected`
      : hint === undefined
        ? raw
        : raw === ""
          ? hint
          : `${hint} (server said: ${raw})`;
  const metadata = redactHeaders(error.metadata, redact);
  const details = redactDetails(error.details, redact);
  const cause = redactError(error.cause, redact);
  if (message === error.rawMessage && !metadata.changed && !details.changed && cause === error.cause) return error;
  const out = new ConnectError(message, error.code, metadata.headers, undefined, cause);
  for (const detail of details.details) out.details.push(detail);
  copyExceededLimit(error, out);
  return out;
}

/**
 * For a call that changes something, when an attempt may have been carried
 * out without an answer saying so: say that the outcome is unknown, and
 * whether it was repeated.
 */
export function withUnknownOutcome(error: ConnectError, procedure: string): ConnectError {
  if (READ_PROCEDURES.has(procedure)) return error;
  const why = NEVER_RETRY_PROCEDURES.get(procedure);
  const note =
    `the outcome is unknown: ${procedure} may have been carried out although no answer said so` +
    (why !== undefined ? ` (it is never repeated automatically: ${why})` : "") +
    "; read the current state before trying again";
  const out = new ConnectError(`${error.rawMessage}; ${note}`, error.code, error.metadata, undefined, error.cause);
  for (const detail of error.details) out.details.push(detail);
  unknownOutcomes.add(out);
  copyExceededLimit(error, out);
  return out;
}

const unknownOutcomes = new WeakSet<ConnectError>();

/** Whether the client marked `error` as "the call may have been carried out" (a write whose answer was lost). */
export function isOutcomeUnknown(error: unknown): boolean {
  return error instanceof ConnectError && unknownOutcomes.has(error);
}

export function errorInterceptor(baseUrl: string, redact: Redactor): Interceptor {
  return (next) => async (req) => {
    try {
      return await next(req);
    } catch (e) {
      const procedure = procedureOf(req);
      const out = toActionableError(ConnectError.from(e), procedure, baseUrl, redact);
      const ctx = req.contextValues;
      throw ctx.get(mayHaveTakenEffectKey) || ctx.get(inFlightKey) > 0 ? withUnknownOutcome(out, procedure) : out;
    }
  };
}
