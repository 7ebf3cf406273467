// The SDK's asynchronous entry points, loaded on their first call. They sit
// behind a dynamic import() so that importing the package costs only the
// synchronous core (matchers, plan, render, client): the apply layer and the
// loader (which needs node:fs, and so keeps the core bundlable for browsers
// and edge runtimes) load when a caller first needs them.
//
// Each wrapper repeats its function's signature, so that the API report and
// editors show it; calling the real function with the wrapper's parameters
// makes the compiler check that the two agree.
import type * as Apply from "./apply/index.js";
import type {
  ApplyOptions,
  ApplyResult,
  CollectorPreview,
  CollectorPreviewOptions,
  ExportPipelinesOptions,
  ExportPipelinesResult,
  PipelinesClient,
  RemoteValidationResult,
  ResolvedLimit,
  SyncPipelinesAppliedResult,
  SyncPipelinesDryRunResult,
  SyncPipelinesOptions,
  SyncPipelinesResult,
  ValidatePipelinesOptions,
} from "./apply/index.js";
import type { FleetClient } from "./client/index.js";
import type * as Loader from "./loader/index.js";
import type { LoadOptions, LoadResult } from "./loader/index.js";
import type { NormalizedPipelineSpec, PipelineSpec } from "./pipelines/index.js";
import type { SyncPlan } from "./plan/index.js";

let applyModule: Promise<typeof Apply> | undefined;
let loaderModule: Promise<typeof Loader> | undefined;

// One import per module, shared by every caller; a failed import is retried on the next call.
function apply(): Promise<typeof Apply> {
  applyModule ??= import("./apply/index.js").catch((error: unknown) => {
    applyModule = undefined;
    throw error;
  });
  return applyModule;
}

function loader(): Promise<typeof Loader> {
  loaderModule ??= import("./loader/index.js").catch((error: unknown) => {
    loaderModule = undefined;
    throw error;
  });
  return loaderModule;
}

/**
 * Reads a folder of pipeline files into specs, every problem carrying its
 * file and line (throws LoadError when a file is invalid). Node only: it
 * reads the file system.
 */
export async function loadPipelines(dir: string, options: LoadOptions = {}): Promise<LoadResult> {
  return (await loader()).loadPipelines(dir, options);
}

/**
 * Applies a plan made by `planSync` (sync or fallback), then verifies the
 * scope by reading it back. Refuses a blocked plan (SafetyCheckError) and a
 * plan the service has moved away from (ApplyError `STALE_PLAN`, unless
 * `force`); throws ApplyError with the partial result when a write failed.
 */
export async function applyPlan(client: PipelinesClient, plan: SyncPlan, options: ApplyOptions = {}): Promise<ApplyResult> {
  return (await apply()).applyPlan(client, plan, options);
}

/**
 * Plans the desired set (a folder or a list of specs) against the service
 * and, unless `dryRun`, applies and verifies it. Throws LoadError,
 * SafetyCheckError (blocked plan) or ApplyError like the steps it runs.
 */
export function syncPipelines(client: FleetClient, options: SyncPipelinesOptions & { dryRun: true }): Promise<SyncPipelinesDryRunResult>;
export function syncPipelines(
  client: FleetClient,
  options: SyncPipelinesOptions & { dryRun?: false | undefined },
): Promise<SyncPipelinesAppliedResult>;
export function syncPipelines(client: FleetClient, options: SyncPipelinesOptions): Promise<SyncPipelinesResult>;
export async function syncPipelines(client: FleetClient, options: SyncPipelinesOptions): Promise<SyncPipelinesResult> {
  return (await apply()).syncPipelines(client, options);
}

/**
 * Asks the service to validate every spec (`UpsertPipeline` with
 * `validate_only`), changing nothing; one result per spec, in input order.
 */
export async function validatePipelines(
  client: PipelinesClient,
  specs: readonly (PipelineSpec | NormalizedPipelineSpec)[],
  options: ValidatePipelinesOptions = {},
): Promise<RemoteValidationResult[]> {
  return (await apply()).validatePipelines(client, specs, options);
}

/** Lists the service's pipelines (optionally one scope's) in the folder format, and writes them as files when asked. */
export async function exportPipelines(client: PipelinesClient, options: ExportPipelinesOptions): Promise<ExportPipelinesResult> {
  return (await apply()).exportPipelines(client, options);
}

/** Which collectors each pipeline of a plan reaches, before and after, from the service's collector list. */
export async function previewCollectors(
  client: Pick<FleetClient, "collectors">,
  plan: SyncPlan,
  options: CollectorPreviewOptions = {},
): Promise<CollectorPreview> {
  return (await apply()).previewCollectors(client, plan, options);
}

/**
 * The pipeline limit to plan against: `override` when given; else the
 * stack's (GetLimits), where no pipeline limit means none; else, only when
 * GetLimits cannot be read, the documented 200.
 */
export async function resolvePipelineLimit(
  client: Pick<FleetClient, "getLimits">,
  options: { override?: number | undefined; signal?: AbortSignal | undefined } = {},
): Promise<ResolvedLimit> {
  return (await apply()).resolvePipelineLimit(client, options);
}
