// Apply: the sync and fallback executors, the stale-plan check, validate_only
// preflight, collector preview, and the whole load → apply loop.
export { applyPlan } from "./apply.js";
export { ApplyError } from "./errors.js";
export type { ApplyErrorCode } from "./errors.js";
export { validatePipelines } from "./validate.js";
export type { RemoteValidationResult, ValidatePipelinesOptions } from "./validate.js";
export { previewCollectors, effectiveAttributes } from "./collectors.js";
export { listCollectorInventory } from "./collector-inventory.js";
export type { CollectorPreview, CollectorPreviewOptions, CollectorReach } from "./collectors.js";
export { resolvePipelineLimit } from "./limits.js";
export type { ResolvedLimit } from "./limits.js";
export { syncPipelines } from "./sync-loop.js";
export type { SyncPipelinesOptions, SyncPipelinesResult } from "./sync-loop.js";
export { verifyScope } from "./verify.js";
export { listRemote, remainingWork } from "./remote.js";
export type { PipelinesClient, RemainingWork, UpsertWork, DeleteWork } from "./remote.js";
export { CallLog } from "./calls.js";
export type {
  ApplyChanges,
  ApplyFailure,
  ApplyMode,
  ApplyOptions,
  ApplyProgress,
  ApplyResult,
  CallCounts,
  Verification,
  VerificationDifference,
} from "./types.js";
export { exportPipelines, pipelineFiles } from "./export.js";
export type { ExportPipelinesOptions, ExportPipelinesResult, ExportedFile } from "./export.js";
export type { SyncFromDesired, SyncFromDir, SyncPipelinesAppliedResult, SyncPipelinesBaseOptions, SyncPipelinesDryRunResult } from "./sync-loop.js";
