// The desired state as plain data. Nothing here knows about files, the
// network or the generated protobuf types' runtime: a PipelineSpec can be
// written by hand, loaded from Git or read back from the service.

/** Any JSON value, as carried by a pipeline's `metadata`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object: the shape of a pipeline's `metadata`. */
export type JsonObject = { [key: string]: JsonValue };

/** The configuration language of a pipeline's contents. */
export type ConfigTypeName = "alloy" | "otel";

/** The kind of tool that owns a pipeline on the service. */
export type SourceTypeName = "git" | "terraform" | "grafana";

/**
 * Where a set of pipelines is managed from. A sync only ever deletes
 * pipelines whose stored source equals the scope.
 */
export interface SourceScope {
  /** The tool that manages the pipelines: `git`, `terraform` or `grafana`. */
  type: SourceTypeName;
  /** Separates owners of the same type, e.g. one repository from another. Compared case-sensitively. */
  namespace: string;
}

/** One pipeline as the user wants it to be. */
export interface PipelineSpec {
  /** Unique within the stack. */
  name: string;
  /** The configuration text. */
  contents: string;
  /** Alertmanager matchers; default `[]`. */
  matchers?: string[];
  /** Default `true`. */
  enabled?: boolean;
  /** Default `"alloy"`. */
  configType?: ConfigTypeName;
  /** Free-form JSON object kept with the pipeline. */
  metadata?: JsonObject;
  /** The file the spec was read from, for messages. Never sent. */
  file?: string;
  /** The file the contents were read from, when not the metadata file. Never sent. */
  contentsFile?: string;
  /**
   * For contents written inline in `file` (no `contentsFile`): the line of
   * `file` where they begin, so that a problem in them points at the right
   * line. Never sent.
   */
  contentsLine?: number;
}

/** A spec with every default applied: what is compared and what is sent. */
export interface NormalizedPipelineSpec {
  /** Unique within the stack. */
  name: string;
  /** The configuration text, as written. */
  contents: string;
  /** The matchers, as written (`[]` when none). */
  matchers: string[];
  /** Whether collectors receive it. */
  enabled: boolean;
  /** The configuration language. */
  configType: ConfigTypeName;
  /** Free-form JSON kept with the pipeline. */
  metadata?: JsonObject;
  /** The file the spec was read from, for messages. Never sent. */
  file?: string;
  /** The file the contents were read from, when not `file`. Never sent. */
  contentsFile?: string;
  /** The line of `file` where inline contents begin. Never sent. */
  contentsLine?: number;
}

/**
 * The source stored on a remote pipeline, as plain data. `unspecified` covers
 * pipelines written without a source (by hand through the API, or older ones).
 */
export interface SourceRef {
  /** The owning tool; `unspecified` when the pipeline was written without one. */
  type: SourceTypeName | "unspecified";
  /** The owner's namespace; `""` when none was stored. */
  namespace: string;
}

/**
 * A pipeline as it exists on the service, reduced to plain JSON-safe data
 * (the generated message carries bigint timestamps).
 */
export interface RemotePipeline {
  /** The id the service assigned (a decimal string). */
  id: string;
  /** Absent when the service stored the pipeline without a source. */
  source?: SourceRef;
  /** What the service stores, with every default applied. */
  spec: NormalizedPipelineSpec;
  /**
   * True when the service sent no `enabled` at all. `spec.enabled` then holds
   * `false`: the proto default, and what GetConfig makes of it (the pipeline
   * reaches no collector). Kept so that the pipeline can be written back
   * exactly as stored.
   */
  enabledUnset?: true;
  /** True when the service stored no config type (`spec.configType` then reads `alloy`). */
  configTypeUnset?: true;
  /** RFC 3339, when the service sent it. */
  updatedAt?: string;
}

/** One entry of the service's revision history, as plain data. */
export interface RemoteRevision {
  /** The service's id of this revision. */
  revisionId: string;
  /** What the change was. */
  operation: "insert" | "update" | "delete" | "unspecified";
  /** RFC 3339, when the service sent it. */
  createdAt?: string;
  /** The pipeline after the write; for a delete, the pipeline as it was deleted. */
  pipeline: RemotePipeline;
}

/** The fields of a pipeline that a plan compares. */
export type DiffField = "contents" | "matchers" | "enabled" | "configType" | "metadata";

/** One field that differs between the remote pipeline and the desired spec. */
export interface FieldDiff {
  /** The field that differs. */
  field: DiffField;
  /** The remote value (normalised); `null` when absent. */
  before: JsonValue;
  /** The desired value (normalised); `null` when absent. */
  after: JsonValue;
}
