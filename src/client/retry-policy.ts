// What is retried, and how long to wait. Pure functions, so that the policy
// can be read and tested on its own.
import type { DescMethod } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { ResolvedRetry } from "./options.js";

/**
 * Methods that create something are never repeated: if the first attempt
 * reached the server and only the answer was lost, a second one would create
 * a duplicate (or fail with already_exists). Today: CreatePipeline,
 * CreateAlloyPipelines, CreateCollector. Every other method of the pipeline,
 * collector and tenant services reads, replaces, or deletes by key, so
 * repeating it converges on the same state.
 */
export function isRetryableMethod(method: Pick<DescMethod, "name">): boolean {
  return !method.name.startsWith("Create");
}

const transientCodes = new Set<Code>([Code.Unavailable, Code.ResourceExhausted, Code.DeadlineExceeded]);

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

export function isConnectionError(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && connectionErrorCodes.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Unavailable (which includes a gateway's plain 429/502/503/504), ResourceExhausted, DeadlineExceeded of an attempt, a broken connection. */
export function isTransientError(error: ConnectError): boolean {
  return transientCodes.has(error.code) || isConnectionError(error.cause);
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
  method: Pick<DescMethod, "name">;
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
