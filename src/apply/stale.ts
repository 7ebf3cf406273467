// The stale-plan check, extended to recognise a plan's own partial progress:
// a rerun of a plan that half-applied must not be refused as stale, or the
// fallback could never converge.
import type { RemotePipeline } from "../pipelines/index.js";
import type { Finding, SyncPlan } from "../plan/index.js";
import { checkStale, fingerprintRemote } from "../plan/index.js";
import { atTarget } from "./remote.js";

export interface RemoteAssessment {
  /** Set when the remote changed in a way this plan did not cause. */
  stale?: Finding;
  /** True when the remote is the snapshot with some of the plan's writes already done. */
  resumed: boolean;
}

export function assessRemote(plan: SyncPlan, remoteNow: readonly RemotePipeline[]): RemoteAssessment {
  const finding = checkStale(plan, [...remoteNow]);
  if (finding === undefined) return { resumed: false };
  return isPartialProgress(plan, remoteNow) ? { resumed: true } : { stale: finding, resumed: false };
}

/**
 * True when every pipeline the plan does not touch is exactly as in the
 * snapshot, and every pipeline it touches is either as in the snapshot or
 * already as the plan wants it.
 */
function isPartialProgress(plan: SyncPlan, remoteNow: readonly RemotePipeline[]): boolean {
  const touched = new Set(plan.actions.map((a) => a.name));
  const byName = new Map(remoteNow.map((r) => [r.spec.name, r]));
  const untouchedNow = remoteNow.filter((r) => !touched.has(r.spec.name));
  const snapshotRebuilt = [...untouchedNow, ...plan.actions.flatMap((a) => (a.remote ? [a.remote] : []))];
  if (fingerprintRemote(snapshotRebuilt) !== plan.remoteFingerprint) return false;

  for (const action of plan.actions) {
    const now = byName.get(action.name);
    const asBefore = action.remote
      ? now !== undefined && fingerprintRemote([now]) === fingerprintRemote([action.remote])
      : now === undefined;
    const asAfter =
      action.kind === "delete"
        ? now === undefined
        : action.desired !== undefined && atTarget(now, action.desired, plan.scope);
    if (!asBefore && !asAfter) return false;
  }
  return true;
}
