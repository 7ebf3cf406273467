// The options of createFleetClient, their defaults, and their validation.
// Every refusal is a ConfigurationError that names the option and never
// echoes a credential.
import type { Transport } from "@connectrpc/connect";
import { ConfigurationError } from "../errors/index.js";
import { base64Utf8 } from "./bytes.js";
import { assertTransportSecurity, normalizeBaseUrl } from "./base-url.js";
import { systemClock, type Clock } from "./clock.js";
import type { LogLevel, Logger } from "./logger.js";
import { defaultMaxResponseBytes, maxMaxResponseBytes } from "./response-limit.js";

/** Basic auth (stack / Fleet Management user id + access policy token), or a bearer token. */
export type FleetAuth = { user: string; token: string } | { bearerToken: string };

/** How failed calls are retried (only retry-safe methods, only transient failures). */
export interface RetryOptions {
  /** Attempts in total, the first one included (1 = never retry). Default 4. */
  maxAttempts?: number | undefined;
  /** Upper bound of the first backoff; doubles per retry (full jitter). Default 250. */
  initialDelayMs?: number | undefined;
  /** Upper bound of any backoff. Default 5000. */
  maxDelayMs?: number | undefined;
  /** Longest `Retry-After` honoured; a longer one ends the retries. Default 20000. */
  maxRetryAfterMs?: number | undefined;
  /** Deadline of one attempt, after which it is abandoned and retried. Default: none (each attempt may use what is left of `timeoutMs`). */
  attemptTimeoutMs?: number | undefined;
}

/** The client-side token bucket. */
export interface RateLimitOptions {
  /** Sustained rate. Default 3 (the service's published limit). */
  requestsPerSecond?: number | undefined;
  /** Requests that may go at once after a quiet period. Default 2 (one below the service's burst, to absorb network jitter). */
  burst?: number | undefined;
}

/** Options of `createFleetClient`; only `baseUrl` is required. */
export interface FleetClientOptions {
  /** Host root, or the URL copied from the Fleet Management UI (…/pipeline.v1.PipelineService/). */
  baseUrl: string;
  /** Credentials. Default: none (for an emulator without auth). */
  auth?: FleetAuth | undefined;
  /** Allow http:// to a host that is not loopback. Default false. */
  allowInsecureHttp?: boolean | undefined;
  /** Deadline of each call, retries and rate-limit waits included; 0 = none. Default 30000. */
  timeoutMs?: number | undefined;
  /**
   * Retry policy; `false` turns retries off. Default on, with the RetryOptions defaults.
   * Only the methods that end in the same state however often they run are
   * repeated (reads, UpsertPipeline, UpdatePipeline, SyncPipelines,
   * UpdateCollector, the deletes, RegisterCollector, UnregisterCollector;
   * `RETRY_SAFE_PROCEDURES` in retry-policy.ts); creates and
   * BulkUpdateCollectors never are, and when their answer is lost the error
   * says the outcome is unknown (`isOutcomeUnknown(error)`). A repeated delete
   * that finds nothing left after a lost answer counts as done.
   * `resource_exhausted` is retried only as a rate limit (with `Retry-After`);
   * a quota such as the stack's pipeline limit fails at once.
   */
  retry?: boolean | RetryOptions | undefined;
  /** Client-side token bucket shared by every call of this client; `false` turns it off. Default 3 req/s, burst 2. */
  rateLimit?: boolean | RateLimitOptions | undefined;
  /** Binary protobuf (true) or JSON (false) for the pipeline and collector services. Default true. */
  useBinaryFormat?: boolean | undefined;
  /** HTTP version of the default transport. Default "1.1". */
  httpVersion?: "1.1" | "2" | undefined;
  /** Appended to the User-Agent `fleet-pipelines/<version>`. Default none. */
  userAgent?: string | undefined;
  /** Receives one line per attempt and per retry; secrets are redacted. Default: no logging. */
  logger?: Logger | undefined;
  /** Lowest level passed to `logger`. Default "info". */
  logLevel?: LogLevel | undefined;
  /** A Connect transport to use instead of the default connect-node one; auth, retries, rate limit, timeouts and logging still apply. */
  transport?: Transport | undefined;
  /** fetch used by getLimits() when `transport` is given (or to force it). Default: globalThis.fetch with `transport`, else the node transport. */
  fetch?: typeof globalThis.fetch | undefined;
  /** Time source for backoff, rate limiting and durations (tests). Default: the system clock. */
  clock?: Clock | undefined;
  /**
   * Largest answer accepted from the service, in bytes, counted both as
   * received and after decompression; a larger one fails the call with
   * `resource_exhausted` naming the procedure and the limit (not retried),
   * and its body is cancelled. Applies to the built-in transports and to
   * getLimits(); a `transport` you pass in reads bodies its own way.
   * Type: integer from 1 to 4294967295. Default: 32 MiB (33554432,
   * `defaultMaxResponseBytes`), room for a listing of about 10 000 typical pipelines.
   */
  maxResponseBytes?: number | undefined;
  /** Random source in [0, 1) for backoff jitter (tests). Default Math.random. */
  random?: (() => number) | undefined;
}

export const defaultTimeoutMs = 30_000;
export const defaultRetry = {
  maxAttempts: 4,
  initialDelayMs: 250,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 20_000,
} as const;
// Burst 2, one below the service's own burst of 3: a client pacing at exactly
// the server's rate and burst gets a 429 whenever one request reaches the
// server later than the next (the first one pays for the connection), as the
// apply bench showed at 3 requests/s. One token of slack on the server's side
// absorbs up to ~333 ms of such jitter, for the cost of one request's wait.
export const defaultRateLimit = { requestsPerSecond: 3, burst: 2 } as const;

export interface ResolvedRetry {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
  attemptTimeoutMs: number | undefined;
}

export interface ResolvedOptions {
  baseUrl: string;
  authorization: string | undefined;
  secrets: string[];
  timeoutMs: number | undefined;
  retry: ResolvedRetry | undefined;
  rateLimit: { requestsPerSecond: number; burst: number } | undefined;
  useBinaryFormat: boolean;
  httpVersion: "1.1" | "2";
  userAgent: string | undefined;
  logger: Logger | undefined;
  logLevel: LogLevel;
  transport: Transport | undefined;
  fetch: typeof globalThis.fetch | undefined;
  clock: Clock;
  random: () => number;
  maxResponseBytes: number;
}

const logLevels: readonly LogLevel[] = ["debug", "info", "warn", "error", "silent"];
// Control characters would let a value split or forge HTTP headers.
const controlChars = /[\u0000-\u001f\u007f]/;

function fail(message: string): never {
  throw new ConfigurationError(message);
}

function checkNumber(name: string, value: unknown, opts: { min: number; integer?: boolean }): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < opts.min || (opts.integer === true && !Number.isInteger(value))) {
    fail(`${name} must be a finite ${opts.integer === true ? "integer" : "number"} >= ${opts.min}`);
  }
  return value;
}

function checkSecretText(name: string, value: unknown): string {
  if (typeof value !== "string" || value === "") fail(`${name} must be a non-empty string`);
  if (controlChars.test(value)) fail(`${name} must not contain control characters or line breaks`);
  if (value !== value.trim()) fail(`${name} must not start or end with whitespace`);
  return value;
}

function resolveAuth(auth: unknown): { authorization: string | undefined; secrets: string[] } {
  if (auth === undefined) return { authorization: undefined, secrets: [] };
  if (typeof auth !== "object" || auth === null) fail("auth must be { user, token } or { bearerToken }");
  if ("bearerToken" in auth) {
    const token = checkSecretText("auth.bearerToken", auth.bearerToken);
    const authorization = `Bearer ${token}`;
    return { authorization, secrets: [token, authorization] };
  }
  if ("user" in auth && "token" in auth) {
    const user = checkSecretText("auth.user", auth.user);
    if (user.includes(":")) fail("auth.user must not contain ':' (basic auth cannot carry it)");
    const token = checkSecretText("auth.token", auth.token);
    const encoded = base64Utf8(`${user}:${token}`);
    return { authorization: `Basic ${encoded}`, secrets: [token, encoded] };
  }
  return fail("auth must be { user, token } or { bearerToken }");
}

function resolveRetry(retry: unknown): ResolvedRetry | undefined {
  if (retry === false) return undefined;
  if (retry === undefined || retry === true) return { ...defaultRetry, attemptTimeoutMs: undefined };
  if (typeof retry !== "object" || retry === null) fail("retry must be true, false or an object");
  const r = retry as RetryOptions;
  const resolved: ResolvedRetry = {
    maxAttempts: checkNumber("retry.maxAttempts", r.maxAttempts ?? defaultRetry.maxAttempts, { min: 1, integer: true }),
    initialDelayMs: checkNumber("retry.initialDelayMs", r.initialDelayMs ?? defaultRetry.initialDelayMs, { min: 0 }),
    maxDelayMs: checkNumber("retry.maxDelayMs", r.maxDelayMs ?? defaultRetry.maxDelayMs, { min: 0 }),
    maxRetryAfterMs: checkNumber("retry.maxRetryAfterMs", r.maxRetryAfterMs ?? defaultRetry.maxRetryAfterMs, { min: 0 }),
    attemptTimeoutMs:
      r.attemptTimeoutMs === undefined ? undefined : checkNumber("retry.attemptTimeoutMs", r.attemptTimeoutMs, { min: 1 }),
  };
  if (resolved.maxDelayMs < resolved.initialDelayMs) fail("retry.maxDelayMs must be >= retry.initialDelayMs");
  return resolved;
}

function resolveRateLimit(rateLimit: unknown): ResolvedOptions["rateLimit"] {
  if (rateLimit === false) return undefined;
  if (rateLimit === undefined || rateLimit === true) return { ...defaultRateLimit };
  if (typeof rateLimit !== "object" || rateLimit === null) fail("rateLimit must be true, false or { requestsPerSecond, burst }");
  const r = rateLimit as RateLimitOptions;
  const requestsPerSecond = r.requestsPerSecond ?? defaultRateLimit.requestsPerSecond;
  if (typeof requestsPerSecond !== "number" || !Number.isFinite(requestsPerSecond) || requestsPerSecond <= 0) {
    fail("rateLimit.requestsPerSecond must be a finite number > 0");
  }
  return {
    requestsPerSecond,
    burst: checkNumber("rateLimit.burst", r.burst ?? defaultRateLimit.burst, { min: 1, integer: true }),
  };
}

function checkMaxResponseBytes(value: unknown): number {
  if (value === undefined) return defaultMaxResponseBytes;
  const n = checkNumber("maxResponseBytes", value, { min: 1, integer: true });
  if (n > maxMaxResponseBytes) fail(`maxResponseBytes must be at most ${maxMaxResponseBytes} (4 GiB - 1)`);
  return n;
}

export function resolveOptions(options: FleetClientOptions): ResolvedOptions {
  if (typeof options !== "object" || options === null) fail("createFleetClient needs an options object with at least baseUrl");
  const baseUrl = normalizeBaseUrl(options.baseUrl);
  if (options.allowInsecureHttp !== undefined && typeof options.allowInsecureHttp !== "boolean") {
    fail("allowInsecureHttp must be a boolean");
  }
  assertTransportSecurity(baseUrl, options.allowInsecureHttp === true);
  const { authorization, secrets } = resolveAuth(options.auth);

  const timeoutMs = checkNumber("timeoutMs", options.timeoutMs ?? defaultTimeoutMs, { min: 0 });
  const httpVersion = options.httpVersion ?? "1.1";
  if (httpVersion !== "1.1" && httpVersion !== "2") fail('httpVersion must be "1.1" or "2"');
  const logLevel = options.logLevel ?? "info";
  if (!logLevels.includes(logLevel)) fail(`logLevel must be one of ${logLevels.join(", ")}`);
  if (options.userAgent !== undefined && (typeof options.userAgent !== "string" || controlChars.test(options.userAgent))) {
    fail("userAgent must be a string without control characters");
  }
  if (options.useBinaryFormat !== undefined && typeof options.useBinaryFormat !== "boolean") {
    fail("useBinaryFormat must be a boolean");
  }
  if (options.transport !== undefined && typeof options.transport?.unary !== "function") {
    fail("transport must be a Connect Transport (an object with unary() and stream())");
  }
  if (options.fetch !== undefined && typeof options.fetch !== "function") fail("fetch must be a function");
  if (options.logger !== undefined && (typeof options.logger !== "object" || options.logger === null)) {
    fail("logger must be an object with debug/info/warn/error functions");
  }
  if (options.clock !== undefined && (typeof options.clock?.now !== "function" || typeof options.clock?.sleep !== "function")) {
    fail("clock must provide now() and sleep(ms, signal)");
  }
  if (options.random !== undefined && typeof options.random !== "function") fail("random must be a function");

  const userAgent = options.userAgent?.trim();
  return {
    baseUrl,
    authorization,
    secrets,
    timeoutMs: timeoutMs === 0 ? undefined : timeoutMs,
    retry: resolveRetry(options.retry),
    rateLimit: resolveRateLimit(options.rateLimit),
    useBinaryFormat: options.useBinaryFormat ?? true,
    httpVersion,
    userAgent: userAgent === "" ? undefined : userAgent,
    logger: options.logger,
    logLevel,
    transport: options.transport,
    fetch: options.fetch,
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
    maxResponseBytes: checkMaxResponseBytes(options.maxResponseBytes),
  };
}
