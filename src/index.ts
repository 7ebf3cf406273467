// `fleet-pipelines`: the SDK. Every exported name is listed explicitly, so
// nothing becomes public by accident; etc/fleet-pipelines.api.md is the
// checked-in report of this surface (`npm run api:check` in CI). The
// emulator and its test helpers are `fleet-pipelines/emulator`; the
// generated messages are `fleet-pipelines/gen`.
//
// Startup: only what a synchronous export needs is imported here. The
// asynchronous entry points that need the apply layer or node:fs come from
// ./on-demand.js and load on their first call; the Node transport loads on
// the client's first call. The CommonJS build goes further: each line below
// is required on first access of one of its names (see tsup.config.ts).

// --- errors ---
export { FleetError, ConfigurationError } from "./errors/index.js";
// Connect's error type and codes, for `error instanceof ConnectError && error.code === Code.NotFound`.
export { ConnectError, Code } from "@connectrpc/connect";

// --- pipelines (the desired state) ---
export type {
  ConfigTypeName,
  JsonObject,
  JsonValue,
  PipelineSpec,
  SourceScope,
  SourceTypeName,
} from "./pipelines/spec.js";
export type { DiffField, FieldDiff, NormalizedPipelineSpec, RemotePipeline, RemoteRevision, SourceRef } from "./pipelines/index.js";

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

// --- Alloy (parse and format as `alloy fmt` does) ---
export { parseAlloy, formatAlloy, formatAlloyDiagnostic } from "./alloy/index.js";
export type {
  AlloyDiagnostic,
  AlloyDiagnosticSeverity,
  AlloyFile,
  AlloyFormatOptions,
  AlloyFormatResult,
  AlloyParseOptions,
  AlloyParseResult,
} from "./alloy/index.js";

// --- loader (Node only; loads with the first call) ---
export { loadPipelines } from "./on-demand.js";
// The loader's error class and issue printer, without the loader (and node:fs) itself.
export { LoadError } from "./loader/load-error.js";
export { formatLoadIssue } from "./loader/format.js";
export type { LoadIssue, LoadIssueCode, LoadIssueSeverity, LoadOptions, LoadResult } from "./loader/index.js";

// --- plan ---
export {
  planSync,
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
  CollectorInventoryEntry,
  Finding,
  FindingCode,
  LimitSource,
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
  renderResultText,
  renderResultMarkdown,
  renderResultJson,
  renderCollectorPreviewText,
  renderCollectorPreviewMarkdown,
  unifiedDiff,
} from "./render/index.js";
export type { MarkdownRenderOptions, ResultTextOptions, TextRenderOptions, UnifiedDiffOptions } from "./render/index.js";

// --- client ---
export { createFleetClient } from "./client/index.js";
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
  RetryOptions,
  TenantLimits,
} from "./client/index.js";

// --- apply (loads with the first call) ---
export { applyPlan, exportPipelines, previewCollectors, resolvePipelineLimit, syncPipelines, validatePipelines } from "./on-demand.js";
// The class alone, so that `instanceof ApplyError` needs no apply layer.
export { ApplyError } from "./apply/errors.js";
// Parts of ApplyResult that the apply layer's index does not list (types only).
export type { OverwrittenPipeline, SkippedWrite } from "./apply/types.js";
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
  ResolvedLimit,
  SyncPipelinesOptions,
  SyncPipelinesResult,
  ValidatePipelinesOptions,
  Verification,
  VerificationDifference,
} from "./apply/index.js";

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
} from "./client/index.js";
export type { FleetApiErrorDetails, ToFleetErrorOptions } from "./client/index.js";
export type { FleetApiErrorCode, FleetErrorCode, FleetLibraryErrorCode } from "./errors/index.js";
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
export type {
  SyncFromDesired,
  SyncFromDir,
  SyncPipelinesAppliedResult,
  SyncPipelinesBaseOptions,
  SyncPipelinesDryRunResult,
} from "./apply/index.js";
