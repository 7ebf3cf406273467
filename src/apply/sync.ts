// The sync executor: one SyncPipelines with the whole desired set. The server
// upserts by name and deletes the scope's other pipelines, atomically.
import { pipelineMessageFromRemote, pipelineMessageFromSpec, sourceTypeToProto, type RemotePipeline } from "../pipelines/index.js";
import type { SyncPlan } from "../plan/index.js";
import { failureFrom, type CallLog } from "./calls.js";
import type { WriteRecord } from "./overwrites.js";
import { emptyOutcome, record, type Outcome } from "./outcome.js";
import { atTarget, type PipelinesClient, type RemainingWork } from "./remote.js";
import type { ApplyOptions } from "./types.js";

export async function executeSync(
  client: PipelinesClient,
  plan: SyncPlan,
  work: RemainingWork,
  remoteNow: readonly RemotePipeline[],
  options: ApplyOptions,
  calls: CallLog,
): Promise<Outcome> {
  const outcome = emptyOutcome();
  if (work.upserts.length === 0 && work.deletes.length === 0) return outcome;
  const byName = new Map(remoteNow.map((r) => [r.spec.name, r]));
  // A pipeline already as desired is sent exactly as the service stores it:
  // any other spelling of it would be a new revision and new bytes for its collectors.
  const pipelines = plan.desired.map((spec) => {
    const current = byName.get(spec.name);
    return current !== undefined && atTarget(current, spec, plan.scope)
      ? pipelineMessageFromRemote(current, plan.scope)
      : pipelineMessageFromSpec(spec, plan.scope);
  });
  const writes: WriteRecord[] = [
    ...work.upserts.map((u) => {
      const expected = byName.get(u.spec.name);
      return expected === undefined
        ? { name: u.spec.name, kind: u.kind, target: u.spec }
        : { name: u.spec.name, kind: u.kind, target: u.spec, expected };
    }),
    ...work.deletes.map((d) => {
      const expected = byName.get(d.name);
      return expected === undefined
        ? { name: d.name, kind: "delete" as const, id: d.id }
        : { name: d.name, kind: "delete" as const, id: d.id, expected };
    }),
  ];
  const progress = (ok: boolean): void => options.onProgress?.({ done: 1, total: 1, action: "sync", ok });
  calls.count("SyncPipelines");
  try {
    await client.pipelines.syncPipelines(
      { source: { type: sourceTypeToProto(plan.scope.type), namespace: plan.scope.namespace }, pipelines },
      options.signal ? { signal: options.signal } : {},
    );
    for (const u of work.upserts) record(outcome.changes, u.kind, u.spec.name);
    for (const d of work.deletes) record(outcome.changes, "delete", d.name);
    outcome.writes = writes;
    progress(true);
  } catch (err) {
    outcome.failures.push(failureFrom(err, "sync"));
    outcome.pendingWrites = writes;
    progress(false);
  }
  return outcome;
}
