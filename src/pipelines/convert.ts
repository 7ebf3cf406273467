// Between the generated `Pipeline` message and the model's plain data.
import { create } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import {
  PipelineSchema,
  ConfigType,
  PipelineRevision_Operation,
  PipelineSourceSchema,
  type Pipeline,
  type PipelineRevision,
} from "../../gen/pipeline/v1/pipeline_pb.js";
import { configTypeFromProto, configTypeToProto, sourceTypeFromProto, sourceTypeToProto } from "./source.js";
import type { JsonObject, NormalizedPipelineSpec, RemotePipeline, RemoteRevision, SourceScope } from "./spec.js";

/**
 * A pipeline read from the service as plain, JSON-safe data. UNSPECIFIED
 * config type reads as Alloy (with `configTypeUnset`); an absent `enabled`
 * reads as `false` (with `enabledUnset`), the proto default and what
 * GetConfig does with it: such a pipeline reaches no collector.
 */
export function remoteFromPipeline(p: Pipeline): RemotePipeline {
  const spec: NormalizedPipelineSpec = {
    name: p.name,
    contents: p.contents,
    matchers: [...p.matchers],
    enabled: p.enabled ?? false,
    configType: configTypeFromProto(p.configType),
  };
  if (p.metadata !== undefined) spec.metadata = structuredClone(p.metadata) as JsonObject;
  const remote: RemotePipeline = { id: p.id ?? "", spec };
  if (p.source !== undefined) {
    remote.source = { type: sourceTypeFromProto(p.source.type), namespace: p.source.namespace };
  }
  if (p.enabled === undefined) remote.enabledUnset = true;
  if (p.configType === ConfigType.UNSPECIFIED) remote.configTypeUnset = true;
  if (p.updatedAt !== undefined) remote.updatedAt = timestampDate(p.updatedAt).toISOString();
  return remote;
}

/** Accepts either form, as the plan and apply layers do. */
export function toRemotePipeline(p: Pipeline | RemotePipeline): RemotePipeline {
  return isPipelineMessage(p) ? remoteFromPipeline(p) : p;
}

export function isPipelineMessage(p: Pipeline | RemotePipeline): p is Pipeline {
  return (p as { $typeName?: unknown }).$typeName === "pipeline.v1.Pipeline";
}

/**
 * The message to write. Writes replace the whole pipeline, so `enabled` and
 * `configType` are always set. Contents and matchers are sent exactly as
 * given; `file` and `contentsFile` never leave the process; no `id`.
 */
export function pipelineMessageFromSpec(spec: NormalizedPipelineSpec, source?: SourceScope): Pipeline {
  const message = create(PipelineSchema, {
    name: spec.name,
    contents: spec.contents,
    matchers: [...spec.matchers],
    enabled: spec.enabled,
    configType: configTypeToProto(spec.configType),
  });
  if (spec.metadata !== undefined) message.metadata = structuredClone(spec.metadata);
  if (source !== undefined) {
    message.source = create(PipelineSourceSchema, {
      type: sourceTypeToProto(source.type),
      namespace: source.namespace,
    });
  }
  return message;
}

/**
 * The message that writes `remote` back exactly as the service stores it
 * (unset fields stay unset), with `source` as given. A sync must send the
 * pipelines it leaves unchanged this way: any other spelling of the same
 * pipeline is a new revision, a new `updatedAt` and new bytes for collectors.
 */
export function pipelineMessageFromRemote(remote: RemotePipeline, source: SourceScope): Pipeline {
  const message = pipelineMessageFromSpec(remote.spec, source);
  if (remote.enabledUnset === true) message.enabled = undefined;
  if (remote.configTypeUnset === true) message.configType = ConfigType.UNSPECIFIED;
  return message;
}

const OPERATIONS: Record<PipelineRevision_Operation, RemoteRevision["operation"]> = {
  [PipelineRevision_Operation.UNSPECIFIED]: "unspecified",
  [PipelineRevision_Operation.INSERT]: "insert",
  [PipelineRevision_Operation.UPDATE]: "update",
  [PipelineRevision_Operation.DELETE]: "delete",
};

/** A revision read from the service as plain data (no snapshot reads as an empty pipeline). */
export function remoteRevisionFromMessage(r: PipelineRevision): RemoteRevision {
  const out: RemoteRevision = {
    revisionId: r.revisionId,
    operation: OPERATIONS[r.operation] ?? "unspecified",
    pipeline: remoteFromPipeline(r.snapshot ?? create(PipelineSchema, {})),
  };
  if (r.createdAt !== undefined) out.createdAt = timestampDate(r.createdAt).toISOString();
  return out;
}
