// The stale check: was the plan made on the remote that is there now?
import type { Pipeline } from "../../gen/pipeline/v1/pipeline_pb.js";
import { formatSource, sourceMatchesScope, toRemotePipeline, type RemotePipeline } from "../pipelines/index.js";
import { listNames, makeFinding, uniqueSorted } from "./findings.js";
import { fingerprintLines, pipelineDigestLine } from "./fingerprint.js";
import type { Finding, SyncPlan } from "./types.js";

/** Options of `checkStale`. */
export interface StaleCheckOptions {
  /** Apply anyway: the finding is still returned, as a non-blocking warning. */
  force?: boolean | undefined;
}

/**
 * `undefined` when the remote is the snapshot the plan was made on; else a
 * STALE_PLAN finding naming the pipelines of the plan that changed, vanished
 * or appeared (changes to pipelines the plan never looked at are counted).
 */
export function checkStale(
  plan: SyncPlan,
  remoteNow: readonly (Pipeline | RemotePipeline)[],
  options: StaleCheckOptions = {},
): Finding | undefined {
  const now = remoteNow.map(toRemotePipeline);
  const lines = now.map(pipelineDigestLine);
  if (fingerprintLines(lines) === plan.remoteFingerprint) return undefined;

  const nowByName = new Map<string, { remote: RemotePipeline; line: string }>();
  now.forEach((remote, i) => nowByName.set(remote.spec.name, { remote, line: lines[i]! }));
  const changed: string[] = [];
  const gone: string[] = [];
  const appeared: string[] = [];
  const known = new Set<string>();
  for (const action of plan.actions) {
    known.add(action.name);
    const current = nowByName.get(action.name);
    if (action.remote === undefined) {
      if (current !== undefined) appeared.push(action.name);
    } else if (current === undefined) {
      gone.push(action.name);
    } else if (current.line !== pipelineDigestLine(action.remote)) {
      changed.push(action.name);
    }
  }
  // A pipeline new in the scope would be deleted by a sync without review.
  for (const { remote } of nowByName.values()) {
    if (!known.has(remote.spec.name) && sourceMatchesScope(remote.source, plan.scope)) appeared.push(remote.spec.name);
  }

  const parts: string[] = [];
  if (changed.length > 0) parts.push(`changed: ${listNames(uniqueSorted(changed))}`);
  if (gone.length > 0) parts.push(`deleted: ${listNames(uniqueSorted(gone))}`);
  if (appeared.length > 0) parts.push(`new: ${listNames(uniqueSorted(appeared))}`);
  const detail =
    parts.length > 0
      ? parts.join("; ")
      : `pipelines outside this plan changed (${plan.remoteCount} when planned, ${nowByName.size} now)`;
  const force = options.force === true;
  return makeFinding({
    code: "STALE_PLAN",
    blocking: !force,
    message: `the service changed since the plan for ${formatSource(plan.scope)} was made (${detail})${force ? "; applying anyway (force)" : ""}`,
    hint: force
      ? "review the new plan next time: a forced apply overwrites what changed"
      : "make a new plan and review it; pass --force only if the plan should win over these changes",
    names: [...changed, ...gone, ...appeared],
  });
}
