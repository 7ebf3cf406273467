// Read-back verification: after an apply, the scope must hold exactly the
// desired set, compared semantically (the same rules as the plan).
import type { NormalizedPipelineSpec, RemotePipeline, SourceScope } from "../pipelines/index.js";
import { diffRemote } from "../pipelines/index.js";
import { inScope } from "./remote.js";
import type { Verification, VerificationDifference } from "./types.js";

export function verifyScope(
  desired: readonly NormalizedPipelineSpec[],
  scope: SourceScope,
  remoteAfter: readonly RemotePipeline[],
): Verification {
  const scoped = new Map(remoteAfter.filter((r) => inScope(r, scope)).map((r) => [r.spec.name, r]));
  const wanted = new Set(desired.map((d) => d.name));
  const missing: string[] = [];
  const different: VerificationDifference[] = [];
  for (const spec of desired) {
    const remote = scoped.get(spec.name);
    if (!remote) {
      missing.push(spec.name);
      continue;
    }
    const diff = diffRemote(remote, spec);
    if (diff.length > 0) different.push({ name: spec.name, diff });
  }
  const unexpected = [...scoped.keys()].filter((name) => !wanted.has(name));
  missing.sort();
  unexpected.sort();
  different.sort((a, b) => (a.name < b.name ? -1 : 1));
  return { ok: missing.length + unexpected.length + different.length === 0, missing, unexpected, different };
}
