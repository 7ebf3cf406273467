// Sources and config types: plain names in the model, enums on the wire.
import { ConfigType, PipelineSource_SourceType } from "../../gen/pipeline/v1/pipeline_pb.js";
import type { ConfigTypeName, SourceRef, SourceScope, SourceTypeName } from "./spec.js";

export const SOURCE_TYPE_NAMES: readonly SourceTypeName[] = ["git", "terraform", "grafana"];
export const CONFIG_TYPE_NAMES: readonly ConfigTypeName[] = ["alloy", "otel"];

/**
 * True when a remote pipeline's stored source is exactly the scope: same type
 * and same namespace (case-sensitive). No source never matches.
 */
export function sourceMatchesScope(source: SourceRef | undefined, scope: SourceScope): boolean {
  return source !== undefined && source.type === scope.type && source.namespace === scope.namespace;
}

/** `git/my-repo`, `grafana`, or `no source`, for messages. */
export function formatSource(source: SourceRef | SourceScope | undefined): string {
  if (source === undefined) return "no source";
  if (source.type === "unspecified") {
    return source.namespace === "" ? "no source type" : `no source type/${source.namespace}`;
  }
  return source.namespace === "" ? source.type : `${source.type}/${source.namespace}`;
}

export function sourceTypeToProto(type: SourceTypeName): PipelineSource_SourceType {
  switch (type) {
    case "git":
      return PipelineSource_SourceType.GIT;
    case "terraform":
      return PipelineSource_SourceType.TERRAFORM;
    case "grafana":
      return PipelineSource_SourceType.GRAFANA;
  }
}

/** Unknown (future) enum values read as `unspecified`: they never match a scope. */
export function sourceTypeFromProto(type: PipelineSource_SourceType): SourceRef["type"] {
  switch (type) {
    case PipelineSource_SourceType.GIT:
      return "git";
    case PipelineSource_SourceType.TERRAFORM:
      return "terraform";
    case PipelineSource_SourceType.GRAFANA:
      return "grafana";
    default:
      return "unspecified";
  }
}

export function configTypeToProto(type: ConfigTypeName): ConfigType {
  return type === "otel" ? ConfigType.OTEL : ConfigType.ALLOY;
}

/** UNSPECIFIED reads as Alloy, as the service and the Terraform provider treat it. */
export function configTypeFromProto(type: ConfigType): ConfigTypeName {
  return type === ConfigType.OTEL ? "otel" : "alloy";
}

export function isSourceTypeName(value: unknown): value is SourceTypeName {
  return typeof value === "string" && (SOURCE_TYPE_NAMES as readonly string[]).includes(value);
}

export function isConfigTypeName(value: unknown): value is ConfigTypeName {
  return typeof value === "string" && (CONFIG_TYPE_NAMES as readonly string[]).includes(value);
}
