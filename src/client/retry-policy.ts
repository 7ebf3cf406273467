// What is retried, and how long to wait. Pure functions and fixed tables, so
// that the policy can be read and tested on its own.
import { Code, ConnectError } from "@connectrpc/connect";
import type { ResolvedRetry } from "./options.js";

/** A method descriptor (DescMethod fits) or a full procedure name `pkg.Service/Method`. */
export type MethodRef = string | { readonly name: string; readonly parent: { readonly typeName: string } };

/** `pipeline.v1.PipelineService/ListPipelines` for a descriptor or a name. */
export function procedureName(method: MethodRef): string {
  return typeof method === "string" ? method : `${method.parent.typeName}/${method.name}`;
}

const pipeline = (m: string) => `pipeline.v1.PipelineService/${m}`;
const collector = (m: string) => `collector.v1.CollectorService/${m}`;

/** Calls that change nothing: repeating them is always safe. */
export const READ_PROCEDURES: ReadonlySet<string> = new Set([
  pipeline("GetPipeline"),
  pipeline("GetPipelineID"),
  pipeline("ListPipelines"),
  pipeline("ListPipelinesRevisions"),
  pipeline("ListPipelineRevisions"),
  pipeline("GetPipelineRevision"),
  collector("GetCollector"),
  collector("ListCollectors"),
  collector("ListCollectorAttributes"),
  collector("GetConfig"),
  "tenant.v1.TenantService/GetLimits",
]);

/**
 * Deletes by key. A repeat after an attempt whose answer was lost may find
 * nothing left to delete (`not_found`); the retry interceptor then counts
 * the delete as done (see retry-interceptor.ts for the bulk calls).
 */
export const DELETE_PROCEDURES: ReadonlySet<string> = new Set([
  pipeline("DeletePipeline"),
  pipeline("BulkDeletePipelines"),
  collector("DeleteCollector"),
  collector("BulkDeleteCollectors"),
]);

/**
 * THE allowlist: the only methods a retry may repeat. Each one ends in the
 * same state however many times it runs: a read, a full replacement by key
 * (Upsert by name, Update by id, Sync of a source's whole set, Register), or a
 * delete by key. A method not named here is never repeated, including any
 * method a later version of the services adds.
 */
export const RETRY_SAFE_PROCEDURES: ReadonlySet<string> = new Set([
  ...READ_PROCEDURES,
  ...DELETE_PROCEDURES,
  pipeline("UpsertPipeline"),
  pipeline("UpdatePipeline"),
  pipeline("SyncPipelines"),
  collector("UpdateCollector"),
  collector("RegisterCollector"),
  collector("UnregisterCollector"),
]);

/**
 * Methods that are deliberately never repeated, with the reason. The
 * descriptor walk in test/client/retry-policy.test.ts fails on a generated
 * method that is in neither list, so a new method gets a decision.
 */
export const NEVER_RETRY_PROCEDURES: ReadonlyMap<string, string> = new Map([
  // A lost answer would be followed by a duplicate, or an already_exists for a call that succeeded.
  [pipeline("CreatePipeline"), "creates"],
  [pipeline("CreateAlloyPipelines"), "creates"],
  [collector("CreateCollector"), "creates"],
  // MOVE, COPY and REPLACE with oldValue act on the current value: a second run does something else.
  [collector("BulkUpdateCollectors"), "its operations depend on the current values"],
]);

/** Whether a failed call of `method` may be sent again. Only the allowlist says yes. */
export function isRetryableMethod(method: MethodRef): boolean {
  return RETRY_SAFE_PROCEDURES.has(procedureName(method));
}

// Socket-level failures (Node's net/http/http2 and undici's fetch). connect-node
// reports a reset as Code.Aborted and fetch failures as Code.Unknown, so the
// code alone does not say "the connection broke".
const connectionErrorCodes = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "ERR_HTTP2_GOAWAY_SESSION",
]);

// Failures before any byte of the request could reach the server.
const notConnectedCodes = new Set(["ECONNREFUSED", "EAI_AGAIN", "ENOTFOUND", "UND_ERR_CONNECT_TIMEOUT"]);

/** The first `code` string along the cause chain that is in `codes`, if any. */
function causeCode(error: unknown, codes: ReadonlySet<string>): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && codes.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isConnectionError(error: unknown): boolean {
  return causeCode(error, connectionErrorCodes) !== undefined;
}

/**
 * A rate limit, as opposed to a quota: the service (or a gateway) asks to
 * come back later. Under the Connect protocol every `resource_exhausted`
 * travels as HTTP 429, a stack's pipeline limit included, so the status
 * cannot tell them apart; a `Retry-After` header can. A gateway's plain 429
 * (no Connect body) reaches us as `unavailable` "HTTP 429".
 */
export function isRateLimit(error: ConnectError): boolean {
  if (error.code !== Code.ResourceExhausted && error.code !== Code.Unavailable) return false;
  return error.metadata.has("retry-after") || error.rawMessage === "HTTP 429";
}

/**
 * Unavailable (which includes a gateway's plain 429/502/503/504),
 * DeadlineExceeded of an attempt, a broken connection, and a rate limit.
 * A `resource_exhausted` without `Retry-After` is a quota (the stack's
 * pipeline limit, a response over maxResponseBytes): waiting does not help.
 */
export function isTransientError(error: ConnectError): boolean {
  if (error.code === Code.Unavailable || error.code === Code.DeadlineExceeded) return true;
  if (error.code === Code.ResourceExhausted) return isRateLimit(error);
  return isConnectionError(error.cause);
}

// Answers by which the service refuses a call it did not carry out.
const refusalCodes = new Set<Code>([
  Code.InvalidArgument,
  Code.NotFound,
  Code.AlreadyExists,
  Code.PermissionDenied,
  Code.Unauthenticated,
  Code.FailedPrecondition,
  Code.ResourceExhausted,
  Code.Unimplemented,
  Code.OutOfRange,
  Code.Aborted,
]);

/**
 * Whether the failed attempt may still have been carried out by the server:
 * its answer was lost (connection cut after sending, the attempt's deadline),
 * or a server or gateway failed it in a way that does not say (5xx). No for a
 * rate limit, a connection that was never made, and an answer that refuses
 * the call (invalid_argument, not_found, ...).
 */
export function mayHaveTakenEffect(error: ConnectError): boolean {
  if (isRateLimit(error)) return false;
  if (causeCode(error, notConnectedCodes) !== undefined) return false;
  // An answer from a server carries response headers; a failure on our side has none.
  const answered = error.metadata.keys().next().done !== true;
  if (answered && refusalCodes.has(error.code)) return false;
  return true;
}

/**
 * `Retry-After` as milliseconds from now: delta-seconds or an HTTP date.
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined; // not a date either (e.g. "-1", "1.5")
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Exponential backoff with full jitter: uniform in [0, min(maxDelayMs, initialDelayMs * 2^(retry-1))). */
export function backoffDelayMs(retry: number, policy: Pick<ResolvedRetry, "initialDelayMs" | "maxDelayMs">, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (retry - 1));
  return Math.floor(Math.min(Math.max(random(), 0), 1) * ceiling);
}

export type RetryDecision = { retry: true; delayMs: number; reason: string } | { retry: false; reason: string };

/** Whether to retry after `attempt` failed with `error`, and after how long. */
export function decideRetry(args: {
  method: MethodRef;
  error: ConnectError;
  attempt: number;
  policy: ResolvedRetry;
  nowMs: number;
  deadlineMs: number | undefined;
  random: () => number;
}): RetryDecision {
  const { method, error, attempt, policy, nowMs, deadlineMs, random } = args;
  if (!isRetryableMethod(method)) return { retry: false, reason: "method is not safe to repeat" };
  if (!isTransientError(error)) return { retry: false, reason: "error is not transient" };
  if (attempt >= policy.maxAttempts) return { retry: false, reason: "attempts exhausted" };
  const retryAfterMs = parseRetryAfter(error.metadata.get("retry-after"), nowMs);
  if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) {
    return { retry: false, reason: `Retry-After of ${retryAfterMs} ms exceeds retry.maxRetryAfterMs` };
  }
  const delayMs = retryAfterMs ?? backoffDelayMs(attempt, policy, random);
  if (deadlineMs !== undefined && nowMs + delayMs >= deadlineMs) {
    return { retry: false, reason: "the call's deadline would pass before the next attempt" };
  }
  return { retry: true, delayMs, reason: retryAfterMs !== undefined ? "retry-after" : "backoff" };
}
