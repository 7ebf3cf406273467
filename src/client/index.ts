// The client layer: createFleetClient and the pieces a caller may want on
// their own (URL normalisation, the rate limiter, limit parsing).
export { createFleetClient } from "./create-client.js";
export type { FleetClient, GetLimitsOptions } from "./create-client.js";
export type { FleetAuth, FleetClientOptions, RateLimitOptions, RetryOptions } from "./options.js";
export { defaultRateLimit, defaultRetry, defaultTimeoutMs } from "./options.js";
export type { Logger, LogLevel, LogFields } from "./logger.js";
export type { Clock } from "./clock.js";
export { normalizeBaseUrl } from "./base-url.js";
export { createRateLimiter } from "./rate-limiter.js";
export type { RateLimiter, RateLimiterOptions } from "./rate-limiter.js";
export { isRetryableMethod, parseRetryAfter } from "./retry-policy.js";
export { defaultMaxResponseBytes } from "./response-limit.js";
export { isOutcomeUnknown } from "./error-interceptor.js";
export { parseTenantLimits } from "./tenant-limits.js";
export type { TenantLimits } from "./tenant-limits.js";
export { collectorFromMessage, createCollectorsResource, createPipelinesResource } from "./resources/index.js";
export type {
  Collector,
  CollectorAttributes,
  CollectorInput,
  CollectorPatch,
  CollectorType,
  CollectorsResource,
  PipelineListFilter,
  PipelinePatch,
  PipelineRef,
  PipelinesResource,
  RequestOptions,
  WriteOptions,
} from "./resources/index.js";
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
} from "./api-error.js";
export type { FleetApiErrorDetails, ToFleetErrorOptions } from "./api-error.js";
