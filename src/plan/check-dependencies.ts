// The cross-pipeline dependency checks alone, for `validate`: the desired set
// against what the service holds, without the rest of a plan's verdicts.
import type { Pipeline } from "../../gen/pipeline/v1/pipeline_pb.js";
import type { PipelineSpec, RemotePipeline, SourceScope } from "../pipelines/index.js";
import type { CollectorInventoryEntry } from "./dependencies.js";
import { planSync } from "./plan-sync.js";
import type { Finding, FindingCode, SyncPolicy } from "./types.js";

export const DEPENDENCY_CODES: ReadonlySet<FindingCode> = new Set(["DEPENDENCY_MISSING", "DEPENDENCY_BROKEN", "DEPENDENCY_REACH", "ATTRIBUTE_MISSING"]);

export interface CheckDependenciesInput {
  desired: readonly PipelineSpec[];
  /** Every pipeline on the service. */
  remote: readonly (Pipeline | RemotePipeline)[];
  /** The scope the folder owns; without it nothing counts as deleted. */
  scope?: SourceScope | undefined;
  policy?: SyncPolicy | undefined;
  collectors?: readonly CollectorInventoryEntry[] | undefined;
}

/** DEPENDENCY_* and ATTRIBUTE_MISSING findings of the plan these inputs would give. */
export function checkDependencies(input: CheckDependenciesInput): Finding[] {
  // A namespace no source can have: the scope owns nothing, so nothing is deleted.
  const scope = input.scope ?? { type: "git", namespace: "\u0000" };
  const plan = planSync({
    desired: input.desired,
    remote: input.remote,
    scope,
    limit: null,
    ...(input.policy ? { policy: input.policy } : {}),
    ...(input.collectors ? { collectors: input.collectors } : {}),
  });
  return plan.findings.filter((f) => DEPENDENCY_CODES.has(f.code));
}
