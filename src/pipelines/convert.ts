// Between the generated `Pipeline` message and the model's plain data.
import { create } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import {
  PipelineSchema,
  PipelineSourceSchema,
  type Pipeline,
} from "../../gen/pipeline/v1/pipeline_pb.js";
import { configTypeFromProto, configTypeToProto, sourceTypeFromProto, sourceTypeToProto } from "./source.js";
import type { JsonObject, NormalizedPipelineSpec, RemotePipeline, SourceScope } from "./spec.js";

/**
 * A pipeline read from the service as plain, JSON-safe data. UNSPECIFIED
 * config type reads as Alloy. An absent `enabled` reads as `true` with
 * `enabledUnset` set (the hosted default is unknown; see RemotePipeline).
 */
export function remoteFromPipeline(p: Pipeline): RemotePipeline {
  const spec: NormalizedPipelineSpec = {
    name: p.name,
    contents: p.contents,
    matchers: [...p.matchers],
    enabled: p.enabled ?? true,
    configType: configTypeFromProto(p.configType),
  };
  if (p.metadata !== undefined) spec.metadata = structuredClone(p.metadata) as JsonObject;
  const remote: RemotePipeline = { id: p.id ?? "", spec };
  if (p.source !== undefined) {
    remote.source = { type: sourceTypeFromProto(p.source.type), namespace: p.source.namespace };
  }
  if (p.enabled === undefined) remote.enabledUnset = true;
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
