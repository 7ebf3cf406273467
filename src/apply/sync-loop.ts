// syncPipelines: load → list → plan → check → apply → verify in one call, for
// scripts that want the whole loop. The plan is made on the same listing the
// apply starts from, so there is no extra re-list.
import type { FleetClient } from "../client/index.js";
import type { LoadIssue } from "../loader/index.js";
import { loadPipelines } from "../loader/index.js";
import type { PipelineSpec, SourceScope } from "../pipelines/index.js";
import type { CollectorInventoryEntry, SyncPlan, SyncPolicy } from "../plan/index.js";
import { assertApplicable, planSync } from "../plan/index.js";
import { executePlan } from "./apply.js";
import { CallLog } from "./calls.js";
import { ConfigurationError } from "../errors/index.js";
import { resolvePipelineLimit } from "./limits.js";
import { readHistory } from "./overwrites.js";
import { listSnapshot } from "./remote.js";
import type { ApplyOptions, ApplyResult } from "./types.js";

/** What `syncPipelines` takes besides the desired set. */
export interface SyncPipelinesBaseOptions extends ApplyOptions {
  /** The source the desired set belongs to: only its pipelines are ever deleted. */
  scope: SourceScope;
  /** What the safety checks let through. Default: nothing dangerous. */
  policy?: SyncPolicy | undefined;
  /** The pipeline limit; default GetLimits when it answers, else 200. */
  limit?: number | undefined;
  /** Plan and check only; write nothing. Default false. */
  dryRun?: boolean | undefined;
  /**
   * The enabled collectors (`listCollectorInventory`): with them the plan's
   * dependency checks tell which collectors an exporter misses and which lack
   * an attribute a pipeline reads.
   */
  collectors?: readonly CollectorInventoryEntry[] | undefined;
  /** Called with the plan as soon as it is made, before the safety checks stop a blocked one. */
  onPlan?: ((plan: SyncPlan) => void | Promise<void>) | undefined;
}

/** The desired set from a folder of pipeline files. */
export interface SyncFromDir {
  /** A folder of pipeline files to load. */
  dir: string;
  /** Globs to skip when loading `dir`. */
  exclude?: string[] | undefined;
  /** Not with `dir`: leave it out. */
  desired?: never;
}

/** The desired set as data. */
export interface SyncFromDesired {
  /** The desired pipelines (a `Pipeline` read back is one too). */
  desired: PipelineSpec[];
  /** Not with `desired`: leave it out. */
  dir?: never;
  /** Not with `desired`. */
  exclude?: never;
}

/** Exactly one of `dir` and `desired` (checked at run time too). */
export type SyncPipelinesOptions = SyncPipelinesBaseOptions & (SyncFromDir | SyncFromDesired);

/** What `syncPipelines` resolves to. */
export interface SyncPipelinesResult {
  /** The plan that was made (and applied, unless a dry run). */
  plan: SyncPlan;
  /** Loader warnings (for `dir`). */
  warnings: LoadIssue[];
  /** Absent for a dry run. */
  result?: ApplyResult | undefined;
}

/** The result of a run that applied: `result` is there. */
export interface SyncPipelinesAppliedResult extends SyncPipelinesResult {
  result: ApplyResult;
}

/** The result of a dry run: no `result`. */
export interface SyncPipelinesDryRunResult extends SyncPipelinesResult {
  result?: undefined;
}

/**
 * Plans the desired set against the service and, unless `dryRun`, applies
 * and verifies it. Throws LoadError, SafetyCheckError (blocked plan) or
 * ApplyError like the steps it runs.
 */
export function syncPipelines(
  client: FleetClient,
  options: SyncPipelinesOptions & { dryRun: true },
): Promise<SyncPipelinesDryRunResult>;
export function syncPipelines(
  client: FleetClient,
  options: SyncPipelinesOptions & { dryRun?: false | undefined },
): Promise<SyncPipelinesAppliedResult>;
export function syncPipelines(client: FleetClient, options: SyncPipelinesOptions): Promise<SyncPipelinesResult>;
export async function syncPipelines(client: FleetClient, options: SyncPipelinesOptions): Promise<SyncPipelinesResult> {
  if ((options.dir === undefined) === (options.desired === undefined)) {
    throw new ConfigurationError("syncPipelines needs exactly one of `dir` and `desired`.");
  }
  const now = options.now ?? (() => performance.now());
  const started = now();
  const { signal } = options;
  let desired: PipelineSpec[];
  let warnings: LoadIssue[] = [];
  if (options.dir !== undefined) {
    const loaded = await loadPipelines(options.dir, {
      ...(options.exclude ? { exclude: options.exclude } : {}),
      ...(signal ? { signal } : {}),
    });
    desired = loaded.specs;
    warnings = loaded.warnings;
  } else {
    desired = options.desired ?? [];
  }
  const calls = new CallLog();
  if (options.limit === undefined) calls.count("GetLimits");
  const { limit, limitSource } = await resolvePipelineLimit(client, {
    ...(options.limit !== undefined ? { override: options.limit } : {}),
    ...(signal ? { signal } : {}),
  });
  // A sync's writes are told apart in the history from what was there before
  // it: that history is read before the listing, to keep the listing as
  // recent as can be (one call; a sync is only checked when it is read).
  const mode = options.mode ?? "sync";
  const history =
    options.dryRun !== true && mode === "sync" && options.historyCheck !== "off" && options.historyCheck !== "pipeline"
      ? await readHistory(client, calls, "stack", [], signal)
      : undefined;
  const { pipelines: remote, listedAt } = await listSnapshot(client, calls, signal);
  const plan = planSync({
    desired,
    remote,
    listedAt,
    scope: options.scope,
    limit,
    limitSource,
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.collectors ? { collectors: options.collectors } : {}),
  });
  await options.onPlan?.(plan);
  if (options.dryRun === true) return { plan, warnings };
  assertApplicable(plan);
  const result = await executePlan(client, plan, remote, options, {
    calls,
    started,
    now,
    ...(listedAt ? { listedAt } : {}),
    ...(history ? { historyBefore: history } : {}),
  });
  return { plan, warnings, result };
}
