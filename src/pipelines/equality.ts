// Semantic equality between a remote pipeline and a desired spec, expressed
// as a per-field diff: an empty diff means "nothing to write".
import {
  canonicalJson,
  canonicalMatcherSet,
  metadataForComparison,
  normalizeContents,
  sortJsonKeys,
} from "./normalize.js";
import type { FieldDiff, NormalizedPipelineSpec, RemotePipeline } from "./spec.js";

/**
 * The fields where `desired` differs from `remote`, in a fixed order
 * (contents, matchers, enabled, configType, metadata). Values are the
 * comparison forms: normalised contents, the canonical matcher set, metadata
 * with sorted keys (`null` when absent or empty). `[]` ⇔ semantically equal.
 */
export function diffSpecs(remote: NormalizedPipelineSpec, desired: NormalizedPipelineSpec): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  const beforeContents = normalizeContents(remote.contents);
  const afterContents = normalizeContents(desired.contents);
  if (beforeContents !== afterContents) {
    diffs.push({ field: "contents", before: beforeContents, after: afterContents });
  }
  const beforeMatchers = canonicalMatcherSet(remote.matchers);
  const afterMatchers = canonicalMatcherSet(desired.matchers);
  if (!sameStrings(beforeMatchers, afterMatchers)) {
    diffs.push({ field: "matchers", before: beforeMatchers, after: afterMatchers });
  }
  if (remote.enabled !== desired.enabled) {
    diffs.push({ field: "enabled", before: remote.enabled, after: desired.enabled });
  }
  if (remote.configType !== desired.configType) {
    diffs.push({ field: "configType", before: remote.configType, after: desired.configType });
  }
  const beforeMeta = metadataForComparison(remote.metadata);
  const afterMeta = metadataForComparison(desired.metadata);
  if (canonicalJson(beforeMeta) !== canonicalJson(afterMeta)) {
    diffs.push({
      field: "metadata",
      before: beforeMeta === null ? null : sortJsonKeys(beforeMeta),
      after: afterMeta === null ? null : sortJsonKeys(afterMeta),
    });
  }
  return diffs;
}

/** True when writing `b` over `a` would change nothing that matters. */
export function specsEqual(a: NormalizedPipelineSpec, b: NormalizedPipelineSpec): boolean {
  return diffSpecs(a, b).length === 0;
}

/** The fields where `desired` differs from the pipeline the service holds. */
export function diffRemote(remote: RemotePipeline, desired: NormalizedPipelineSpec): FieldDiff[] {
  return diffSpecs(remote.spec, desired);
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
