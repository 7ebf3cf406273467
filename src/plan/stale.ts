// The stale check: is the service still where the plan left it? One function
// decides it for checkStale, applyPlan and `apply --plan`, so that what one
// reports the other never accepts.
//
// The service is "where the plan left it" when every difference from the
// snapshot is the plan's own work: a pipeline the plan touches is either as
// in the snapshot or already as the plan wants it, and nothing else moved.
// That is what lets a half-applied plan be resumed. The listing alone cannot
// tell "not done yet" from "done, then undone by someone else" (an old saved
// plan re-run after a newer apply would roll it back), so when the revision
// history is given, every revision since the snapshot that touches the plan
// must be explained as the snapshot itself or as one of the plan's writes.
import type { Pipeline } from "../../gen/pipeline/v1/pipeline_pb.js";
import {
  diffRemote,
  formatSource,
  sourceMatchesScope,
  toRemotePipeline,
  type RemotePipeline,
  type RemoteRevision,
} from "../pipelines/index.js";
import { listNames, makeFinding, uniqueSorted } from "./findings.js";
import { fingerprintLines, pipelineDigestLine } from "./fingerprint.js";
import type { Finding, PlanAction, SyncPlan } from "./types.js";

/** Options of `checkStale`. */
export interface StaleCheckOptions {
  /** Apply anyway: the finding is still returned, as a non-blocking warning. */
  force?: boolean | undefined;
  /**
   * The stack's revision history (ListPipelinesRevisions), in any order. With
   * it, a change made and undone since the plan, or a write of the plan
   * undone by someone else, is stale too.
   */
  revisions?: readonly RemoteRevision[] | undefined;
}

export interface StaleAssessment {
  /** Set when the service changed in a way this plan did not cause. */
  finding?: Finding;
  /** True when the service differs from the snapshot only by the plan's own writes. */
  resumed: boolean;
  /** Planned names found already at target: the plan's own earlier progress. */
  alreadyDone: string[];
}

/**
 * `undefined` when applying the plan now is applying what was reviewed: the
 * service is the snapshot, or the snapshot plus part of this plan's own
 * writes. Else a STALE_PLAN finding naming what changed, vanished or appeared.
 */
export function checkStale(
  plan: SyncPlan,
  remoteNow: readonly (Pipeline | RemotePipeline)[],
  options: StaleCheckOptions = {},
): Finding | undefined {
  return assessStaleness(plan, remoteNow.map(toRemotePipeline), options).finding;
}

/** The decision behind `checkStale`, with what the apply needs to resume. */
export function assessStaleness(
  plan: SyncPlan,
  remoteNow: readonly RemotePipeline[],
  options: StaleCheckOptions = {},
): StaleAssessment {
  const nowByName = new Map<string, RemotePipeline>();
  for (const r of remoteNow) nowByName.set(r.spec.name, r);
  const touched = new Map(plan.actions.map((a) => [a.name, a]));

  const changed: string[] = [];
  const gone: string[] = [];
  const appeared: string[] = [];
  const alreadyDone: string[] = [];
  let resumed = false;

  for (const action of plan.actions) {
    const now = nowByName.get(action.name);
    if (asInSnapshot(action, now)) continue;
    if (atPlannedTarget(plan, action, now)) {
      if (action.kind !== "noop") alreadyDone.push(action.name);
      resumed = true;
      continue;
    }
    if (action.remote === undefined) appeared.push(action.name);
    else if (now === undefined) gone.push(action.name);
    else changed.push(action.name);
  }
  // Pipelines the plan does not touch must be exactly as in the snapshot: a
  // pipeline new in the scope would be deleted by a sync without review.
  const untouchedNow = remoteNow.filter((r) => !touched.has(r.spec.name));
  for (const r of untouchedNow) {
    if (sourceMatchesScope(r.source, plan.scope)) appeared.push(r.spec.name);
  }
  const snapshotRebuilt = [
    ...untouchedNow.map(pipelineDigestLine),
    ...plan.actions.flatMap((a) => (a.remote ? [pipelineDigestLine(a.remote)] : [])),
  ];
  const othersMoved = fingerprintLines(snapshotRebuilt) !== plan.remoteFingerprint;

  const rewritten = options.revisions === undefined ? [] : unexplainedRevisions(plan, options.revisions);
  for (const name of rewritten) if (!changed.includes(name) && !gone.includes(name) && !appeared.includes(name)) changed.push(name);

  if (changed.length + gone.length + appeared.length === 0 && !othersMoved) {
    return { resumed, alreadyDone: alreadyDone.sort() };
  }
  const parts: string[] = [];
  if (changed.length > 0) parts.push(`changed: ${listNames(uniqueSorted(changed))}`);
  if (gone.length > 0) parts.push(`deleted: ${listNames(uniqueSorted(gone))}`);
  if (appeared.length > 0) parts.push(`new: ${listNames(uniqueSorted(appeared))}`);
  if (othersMoved && parts.length === 0) parts.push(`pipelines outside this plan changed (${plan.remoteCount} when planned, ${remoteNow.length} now)`);
  const force = options.force === true;
  const finding = makeFinding({
    code: "STALE_PLAN",
    blocking: !force,
    message: `the service changed since the plan for ${formatSource(plan.scope)} was made (${parts.join("; ")})${force ? "; applying anyway (force)" : ""}`,
    hint: force
      ? "review the new plan next time: a forced apply overwrites what changed"
      : "make a new plan and review it; pass --force only if the plan should win over these changes",
    names: uniqueSorted([...changed, ...gone, ...appeared]),
  });
  return { finding, resumed: false, alreadyDone: [] };
}

/** The pipeline is exactly as the plan saw it (same id, content and `updatedAt`), or absent as it was. */
function asInSnapshot(action: PlanAction, now: RemotePipeline | undefined): boolean {
  if (action.remote === undefined) return now === undefined;
  return now !== undefined && pipelineDigestLine(now) === pipelineDigestLine(action.remote);
}

/** The pipeline is where this plan takes it. */
function atPlannedTarget(plan: SyncPlan, action: PlanAction, now: RemotePipeline | undefined): boolean {
  if (action.kind === "delete") return now === undefined;
  if (action.kind === "noop" || action.desired === undefined) return false;
  // A takeover the plan did not allow would not have been written by it.
  if (action.kind === "takeover" && action.allowed !== true) return false;
  return now !== undefined && sourceMatchesScope(now.source, plan.scope) && diffRemote(now, action.desired).length === 0;
}

/**
 * Names of the plan whose history since the snapshot holds a revision that is
 * neither the state the plan saw nor one of the plan's own writes.
 */
function unexplainedRevisions(plan: SyncPlan, revisions: readonly RemoteRevision[]): string[] {
  const since = plan.snapshotAt;
  if (since === undefined) return [];
  const byName = new Map(plan.actions.map((a) => [a.name, a]));
  const byId = new Map(plan.actions.flatMap((a) => (a.remote ? [[a.remote.id, a] as const] : [])));
  const out: string[] = [];
  for (const rev of revisions) {
    if (rev.createdAt === undefined || rev.createdAt < since) continue;
    const action = byId.get(rev.pipeline.id) ?? byName.get(rev.pipeline.spec.name);
    if (action === undefined) continue;
    if (explained(plan, action, rev)) continue;
    out.push(action.name);
  }
  return out;
}

function explained(plan: SyncPlan, action: PlanAction, rev: RemoteRevision): boolean {
  const seen = action.remote;
  // The write that made the state the plan saw (same id, content and time).
  if (rev.operation !== "delete" && seen !== undefined && pipelineDigestLine(rev.pipeline) === pipelineDigestLine(seen)) {
    return true;
  }
  if (rev.operation === "delete") {
    // The plan's own delete of the pipeline it saw.
    return action.kind === "delete" && seen !== undefined && pipelineDigestLine(rev.pipeline) === pipelineDigestLine(seen);
  }
  // The plan's own create, update or takeover.
  return atPlannedTarget(plan, action, rev.pipeline);
}
