// The public surface of fleet-pipelines. Every exported name is listed
// explicitly: nothing becomes public by accident.

export { FleetError, ConfigurationError } from "./errors/index.js";
export type {
  ConfigTypeName,
  JsonObject,
  JsonValue,
  PipelineSpec,
  SourceScope,
  SourceTypeName,
} from "./pipelines/spec.js";

// --- matchers ---
export {
  MAX_MATCHER_LENGTH,
  MatcherError,
  parseMatcher,
  validateMatcher,
  formatMatcher,
  canonicalMatcher,
  matches,
  compileMatchers,
} from "./matchers/index.js";
export type { MatchOperator, Matcher, MatchOptions } from "./matchers/index.js";

// --- pipelines (model) ---
export {
  normalizeSpec,
  normalizeContents,
  canonicalMatcherSet,
  remoteFromPipeline,
  pipelineMessageFromSpec,
  diffSpecs,
  diffRemote,
  specsEqual,
  sourceMatchesScope,
  formatSource,
  sourceTypeToProto,
  sourceTypeFromProto,
  configTypeToProto,
  configTypeFromProto,
  validateSpec,
} from "./pipelines/index.js";
export type {
  DiffField,
  FieldDiff,
  NormalizedPipelineSpec,
  RemotePipeline,
  SourceRef,
  SpecIssue,
  SpecIssueField,
} from "./pipelines/index.js";

// --- loader ---
export { loadPipelines, LoadError, formatLoadIssue, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_MATCHERS } from "./loader/index.js";
export type { LoadIssue, LoadIssueCode, LoadIssueSeverity, LoadOptions, LoadResult } from "./loader/index.js";

// --- plan ---
export {
  planSync,
  fingerprintRemote,
  checkStale,
  assertApplicable,
  parsePlan,
  SafetyCheckError,
  InvalidPlanError,
  DEFAULT_PIPELINE_LIMIT,
  PLAN_VERSION,
  FINDING_CODES,
} from "./plan/index.js";
export type {
  ActionKind,
  Finding,
  FindingCode,
  PlanAction,
  PlanCounts,
  PlanSyncInput,
  Severity,
  StaleCheckOptions,
  SyncPlan,
  SyncPolicy,
} from "./plan/index.js";

// --- render ---
export {
  renderPlanText,
  renderPlanMarkdown,
  renderPlanJson,
  renderFindingText,
  renderFindingMarkdown,
  unifiedDiff,
  safeText,
} from "./render/index.js";
export type { TextRenderOptions, MarkdownRenderOptions, UnifiedDiffOptions } from "./render/index.js";

// --- client ---
export {
  createFleetClient,
  createRateLimiter,
  defaultRateLimit,
  defaultRetry,
  defaultTimeoutMs,
  isRetryableMethod,
  normalizeBaseUrl,
  parseRetryAfter,
  parseTenantLimits,
} from "./client/index.js";
export type {
  Clock,
  FleetAuth,
  FleetClient,
  FleetClientOptions,
  GetLimitsOptions,
  LogFields,
  LogLevel,
  Logger,
  RateLimitOptions,
  RateLimiter,
  RateLimiterOptions,
  RetryOptions,
  TenantLimits,
} from "./client/index.js";

// --- apply ---
export {
  ApplyError,
  applyPlan,
  exportPipelines,
  pipelineFiles,
  previewCollectors,
  resolvePipelineLimit,
  syncPipelines,
  validatePipelines,
  verifyScope,
} from "./apply/index.js";
export type {
  ApplyChanges,
  ApplyErrorCode,
  ApplyFailure,
  ApplyMode,
  ApplyOptions,
  ApplyProgress,
  ApplyResult,
  CallCounts,
  CollectorPreview,
  CollectorPreviewOptions,
  CollectorReach,
  ExportPipelinesOptions,
  ExportPipelinesResult,
  ExportedFile,
  PipelinesClient,
  RemoteValidationResult,
  SyncPipelinesOptions,
  SyncPipelinesResult,
  ValidatePipelinesOptions,
  Verification,
  VerificationDifference,
} from "./apply/index.js";
export {
  renderResultText,
  renderResultMarkdown,
  renderResultJson,
  renderCollectorPreviewText,
  renderCollectorPreviewMarkdown,
} from "./render/index.js";
export type { ResultTextOptions } from "./render/index.js";

// --- emulator ---
export { startEmulator, FAULT_KINDS, FAULT_PHASES } from "./emulator/index.js";
export type {
  BasicAuthCredentials,
  CollectorJson,
  CollectorSeed,
  EmptyMatchersMode,
  Emulator,
  EmulatorLimits,
  EmulatorOptions,
  EmulatorSeed,
  EmulatorState,
  FaultDecision,
  FaultKind,
  FaultOptions,
  FaultPhase,
  PipelineJson,
  PipelineRevisionJson,
  PipelineSeed,
  RequestLogEntry,
} from "./emulator/index.js";

// --- SDK surface: the public Pipeline type, the resource API, the API errors ---
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
} from "./errors/index.js";
export type {
  FleetApiErrorCode,
  FleetApiErrorDetails,
  FleetErrorCode,
  FleetLibraryErrorCode,
  ToFleetErrorOptions,
} from "./errors/index.js";
// Straight from the module, not the pipelines index: nothing heavier than the generated messages loads.
export { pipelineFromMessage, pipelineMessageFromInput, revisionFromMessage } from "./pipelines/public.js";
export type {
  Pipeline,
  PipelineInput,
  PipelineRevision,
  PipelineRevisionOperation,
  PipelineSource,
  PipelineSourceInput,
  PipelineSourceType,
} from "./pipelines/public.js";
export { collectorFromMessage } from "./client/resources/collectors.js";
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
} from "./client/index.js";
