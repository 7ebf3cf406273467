// The one pipeline shape for people: plain data with string literals and
// Dates, read from and written to the service through the resource API
// (`fleet.pipelines`). The generated message, with numeric enums and
// protobuf timestamps, stays in `fleet-pipelines/gen` for the raw clients.
import { create } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import {
  ConfigType,
  PipelineRevision_Operation,
  PipelineSchema,
  PipelineSource_SourceType,
  PipelineSourceSchema,
  type Pipeline as PipelineMessage,
  type PipelineRevision as PipelineRevisionMessage,
} from "../../gen/pipeline/v1/pipeline_pb.js";
import { ConfigurationError } from "../errors/index.js";
import type { ConfigTypeName, JsonObject } from "./spec.js";
import { sourceTypeFromProto } from "./source.js";

/** The kind of tool that owns a pipeline; `unspecified` when it was written without one. */
export type PipelineSourceType = "git" | "terraform" | "grafana" | "unspecified";

/** Where a pipeline is managed from, as stored on the service. */
export interface PipelineSource {
  /** The tool that owns the pipeline; `unspecified` for a value this version does not know. */
  type: PipelineSourceType;
  /** Separates owners of the same type (one Git repository from another); `""` when none. */
  namespace: string;
}

/** A source to write. `namespace` defaults to `""`. */
export interface PipelineSourceInput {
  /** The tool that owns the pipeline (`git`, `terraform`, `grafana`). */
  type: PipelineSourceType;
  /** Separates owners of the same type. Default `""`. */
  namespace?: string | undefined;
}

/**
 * A pipeline as the service stores it. Every field the service always has
 * is required; `source`, `metadata` and the timestamps are absent when the
 * service has none.
 */
export interface Pipeline {
  /** Assigned by the service; stable for the pipeline's life. */
  id: string;
  /** Unique within the stack. */
  name: string;
  /** The configuration text, exactly as stored. */
  contents: string;
  /** Alertmanager matchers selecting the collectors that receive the pipeline. */
  matchers: string[];
  /**
   * Whether collectors receive it. A pipeline stored without the field reads
   * as `false`: the proto default, and what GetConfig makes of it (the plan
   * and export read it the same way); `pipelines.update` leaves such a
   * pipeline's field unset unless the patch sets it.
   */
  enabled: boolean;
  /** UNSPECIFIED on the wire reads as `"alloy"`, as the service treats it. */
  configType: ConfigTypeName;
  /** Absent when the pipeline was stored without a source. */
  source?: PipelineSource;
  /** Free-form JSON kept with the pipeline. */
  metadata?: JsonObject;
  /** When the service created it, when it says. */
  createdAt?: Date;
  /** When the service last changed it, when it says. */
  updatedAt?: Date;
}

/**
 * A pipeline to write: a `Pipeline` without what the service assigns (id,
 * timestamps), with defaults for the rest. Writes replace the whole pipeline,
 * so a field left out is written as its default (and `source` / `metadata`
 * as absent), not kept. A `PipelineSpec` from `loadPipelines` is one.
 */
export interface PipelineInput {
  /** Unique within the stack. */
  name: string;
  /** The configuration text, sent exactly as given. */
  contents: string;
  /** Default `[]`. */
  matchers?: string[] | undefined;
  /** Default `true`. */
  enabled?: boolean | undefined;
  /** Default `"alloy"`. */
  configType?: ConfigTypeName | undefined;
  /** Default: none. */
  source?: PipelineSourceInput | undefined;
  /** Default: none. */
  metadata?: JsonObject | undefined;
}

/** What kind of change a revision records; `unspecified` for a value this version does not know. */
export type PipelineRevisionOperation = "insert" | "update" | "delete" | "unspecified";

/** One recorded change of a pipeline. */
export interface PipelineRevision {
  /** The service's id of this revision. */
  revisionId: string;
  /** What the change was. */
  operation: PipelineRevisionOperation;
  /** When the change was recorded. */
  createdAt: Date;
  /** The pipeline right after the change (right before it, for a delete). */
  pipeline: Pipeline;
}

const sourceTypes: Record<PipelineSourceType, PipelineSource_SourceType> = {
  git: PipelineSource_SourceType.GIT,
  terraform: PipelineSource_SourceType.TERRAFORM,
  grafana: PipelineSource_SourceType.GRAFANA,
  unspecified: PipelineSource_SourceType.UNSPECIFIED,
};

/** The generated message as a `Pipeline`. */
export function pipelineFromMessage(message: PipelineMessage): Pipeline {
  const p: Pipeline = {
    id: message.id ?? "",
    name: message.name,
    contents: message.contents,
    matchers: [...message.matchers],
    enabled: message.enabled ?? false,
    configType: message.configType === ConfigType.OTEL ? "otel" : "alloy",
  };
  if (message.source !== undefined) {
    p.source = { type: sourceTypeFromProto(message.source.type), namespace: message.source.namespace };
  }
  if (message.metadata !== undefined) p.metadata = structuredClone(message.metadata) as JsonObject;
  if (message.createdAt !== undefined) p.createdAt = timestampDate(message.createdAt);
  if (message.updatedAt !== undefined) p.updatedAt = timestampDate(message.updatedAt);
  return p;
}

/**
 * The message a write sends: defaults applied, `enabled` and `configType`
 * always set (the service replaces, it does not patch). Fields the service
 * assigns are never taken from `input` (so a `Pipeline` read back can be
 * written as it is); `id` is set only when given here, for UpdatePipeline.
 */
export function pipelineMessageFromInput(input: PipelineInput, id?: string): PipelineMessage {
  const label = `pipeline ${JSON.stringify(String(input.name))}`;
  const configType = input.configType ?? "alloy";
  if (configType !== "alloy" && configType !== "otel") {
    throw new ConfigurationError(`${label}: unknown configType ${JSON.stringify(configType)}; use "alloy" or "otel"`);
  }
  const message = create(PipelineSchema, {
    name: input.name,
    contents: input.contents,
    matchers: [...(input.matchers ?? [])],
    enabled: input.enabled ?? true,
    configType: configType === "otel" ? ConfigType.OTEL : ConfigType.ALLOY,
  });
  if (id !== undefined) message.id = id;
  if (input.metadata !== undefined) message.metadata = structuredClone(input.metadata);
  if (input.source !== undefined) {
    if (!Object.hasOwn(sourceTypes, input.source.type)) {
      throw new ConfigurationError(
        `${label}: unknown source type ${JSON.stringify(input.source.type)}; use ${Object.keys(sourceTypes).map((t) => JSON.stringify(t)).join(", ")}`,
      );
    }
    message.source = create(PipelineSourceSchema, {
      type: sourceTypes[input.source.type],
      namespace: input.source.namespace ?? "",
    });
  }
  return message;
}

function operationName(op: PipelineRevision_Operation): PipelineRevisionOperation {
  switch (op) {
    case PipelineRevision_Operation.INSERT:
      return "insert";
    case PipelineRevision_Operation.UPDATE:
      return "update";
    case PipelineRevision_Operation.DELETE:
      return "delete";
    default:
      return "unspecified";
  }
}

/** The generated revision as a `PipelineRevision`; undefined when it has no snapshot or no time. */
export function revisionFromMessage(message: PipelineRevisionMessage): PipelineRevision | undefined {
  if (message.snapshot === undefined || message.createdAt === undefined) return undefined;
  return {
    revisionId: message.revisionId,
    operation: operationName(message.operation),
    createdAt: timestampDate(message.createdAt),
    pipeline: pipelineFromMessage(message.snapshot),
  };
}
