// The fingerprint of a remote snapshot, for the stale check at apply. It is
// strict on purpose: any change to a stored field (even one the semantic
// equality ignores, like matcher order) means the remote differs.
import type { Pipeline } from "../../gen/pipeline/v1/pipeline_pb.js";
import { sha256Hex } from "./sha256.js";
import { canonicalJson, compareStrings, toRemotePipeline, type RemotePipeline } from "../pipelines/index.js";

/**
 * A stable text for one remote pipeline: id, name, source, the stored spec
 * and `updatedAt`. The time is part of it so that a change reverted before
 * the apply (same content, later `updatedAt`) still counts as a change.
 */
export function pipelineDigestLine(remote: RemotePipeline): string {
  const s = remote.spec;
  return JSON.stringify([
    remote.id,
    s.name,
    remote.source === undefined ? null : [remote.source.type, remote.source.namespace],
    s.contents,
    s.matchers,
    remote.enabledUnset === true ? null : s.enabled,
    remote.configTypeUnset === true ? null : s.configType,
    canonicalJson(s.metadata),
    remote.updatedAt ?? null,
  ]);
}

/** `sha256:<hex>` over every remote pipeline; independent of the listing order. */
export function fingerprintRemote(remote: readonly (Pipeline | RemotePipeline)[]): string {
  return fingerprintLines(remote.map((p) => pipelineDigestLine(toRemotePipeline(p))));
}

export function fingerprintLines(lines: string[]): string {
  return "sha256:" + sha256Hex([...lines].sort(compareStrings).map((line) => line + "\n").join(""));
}
