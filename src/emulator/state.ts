// The state as JSON, the same shape everywhere: `emulator.state()`,
// `GET /_emulator/state`, the `--state` file, and (as input) seeds. Messages
// are written in protojson (camelCase, enum names, RFC 3339 timestamps).
import { fromJson, toJson, type JsonObject, type JsonValue } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { PipelineRevisionSchema, PipelineSchema, type Pipeline } from "../../gen/pipeline/v1/pipeline_pb.js";
import { CollectorSchema, type Collector } from "../../gen/collector/v1/collector_pb.js";
import type { EmulatorStore } from "./store.js";

/** A pipeline as the emulator holds it, in protojson (camelCase, enum names, RFC 3339 times). */
export interface PipelineJson {
  /** Decimal id, assigned on create. */
  id?: string;
  /** Unique within the stack. */
  name: string;
  /** The configuration text, byte for byte as written. */
  contents: string;
  /** The matchers as written. */
  matchers: string[];
  /** Absent when the writer left it out. */
  enabled?: boolean;
  /** `CONFIG_TYPE_ALLOY`, `CONFIG_TYPE_OTEL` or `CONFIG_TYPE_UNSPECIFIED`. */
  configType: string;
  /** Free-form JSON kept with the pipeline. */
  metadata?: JsonObject;
  /** `type` is `SOURCE_TYPE_GIT`, `SOURCE_TYPE_TERRAFORM`, … */
  source?: { type: string; namespace: string };
  /** When it was created (RFC 3339). */
  createdAt?: string;
  /** When it last changed (RFC 3339). */
  updatedAt?: string;
}

/** A collector as the emulator holds it, in protojson. */
export interface CollectorJson {
  /** The collector's id. */
  id: string;
  /** Display name; `""` when none. */
  name: string;
  /** Attributes the collector reported when it registered. */
  localAttributes: Record<string, string>;
  /** Attributes set through the API. */
  remoteAttributes: Record<string, string>;
  /** Absent when never set (counts as enabled). */
  enabled?: boolean;
  /** `COLLECTOR_TYPE_ALLOY`, `COLLECTOR_TYPE_OTEL` or `COLLECTOR_TYPE_UNSPECIFIED`. */
  collectorType: string;
  /** When it was created (RFC 3339). */
  createdAt?: string;
  /** When it last changed (RFC 3339). */
  updatedAt?: string;
  /** When it unregistered (RFC 3339), if it did. */
  markedInactiveAt?: string;
}

/** One recorded change of a pipeline, in protojson. */
export interface PipelineRevisionJson {
  /** Decimal id, with its own counter. */
  revisionId: string;
  /** The pipeline after the change; for a delete, as it was deleted. */
  snapshot: PipelineJson;
  /** When the change was made (RFC 3339). */
  createdAt: string;
  /** `INSERT`, `UPDATE` or `DELETE`. */
  operation: string;
}

/** Everything the emulator holds, as `state()` and `GET /_emulator/state` give it. */
export interface EmulatorState {
  /** Ordered by numeric id. */
  pipelines: PipelineJson[];
  /** In creation order. */
  collectors: CollectorJson[];
  /** Oldest first. */
  revisions: PipelineRevisionJson[];
  /** The id the next new pipeline gets. */
  nextPipelineId: number;
  /** The id the next revision gets. */
  nextRevisionId: number;
}

/**
 * A pipeline to put in place: protojson, snake_case or camelCase. For
 * convenience `source.type` and `configType` also take the short names
 * `git`, `terraform`, `grafana`, `alloy`, `otel`.
 */
export interface PipelineSeed {
  /** Unique within the seed and the stack. */
  name: string;
  /** The configuration text. */
  contents: string;
  /** Default `[]`. */
  matchers?: string[];
  /** Left absent when not given, as a writer that omits it. */
  enabled?: boolean;
  /** `alloy`, `otel`, or the protojson enum name. Default Alloy. */
  configType?: string;
  /** Free-form JSON kept with the pipeline. */
  metadata?: JsonObject;
  /** The owner: `type` is `git`, `terraform`, `grafana` or the enum name. Default: none. */
  source?: { type: string; namespace: string };
  /** Kept when given (decimal); otherwise assigned. */
  id?: string;
  /** RFC 3339; default now. */
  createdAt?: string;
  /** RFC 3339; default `createdAt`. */
  updatedAt?: string;
}

/** A collector to put in place, local attributes included (protojson). */
export interface CollectorSeed {
  /** The collector's id. */
  id: string;
  /** Display name. */
  name?: string;
  /** Attributes as if the collector had registered with them. */
  localAttributes?: Record<string, string>;
  /** Attributes as if set through the API. */
  remoteAttributes?: Record<string, string>;
  /** Default: absent (counts as enabled). */
  enabled?: boolean;
  /** `alloy`, `otel`, or the protojson enum name. */
  collectorType?: string;
}

/** What `seed()` and `POST /_emulator/seed` put in place, all or nothing. */
export interface EmulatorSeed {
  /** Pipelines, with their source. */
  pipelines?: readonly PipelineSeed[];
  /** Collectors, with their attributes. */
  collectors?: readonly CollectorSeed[];
}

const writeOptions = { alwaysEmitImplicit: true } as const;

export function pipelineToJson(p: Pipeline): PipelineJson {
  return toJson(PipelineSchema, p, writeOptions) as unknown as PipelineJson;
}

export function collectorToJson(c: Collector): CollectorJson {
  const json = toJson(CollectorSchema, c, writeOptions) as Record<string, JsonValue>;
  // The deprecated aliases are never filled in; leave them out of the view.
  delete json["attributes"];
  delete json["attributeOverrides"];
  return json as unknown as CollectorJson;
}

export function stateToJson(store: EmulatorStore): EmulatorState {
  const dump = store.dump();
  return {
    pipelines: dump.pipelines.map(pipelineToJson),
    collectors: dump.collectors.map(collectorToJson),
    revisions: dump.revisions.map((r) => toJson(PipelineRevisionSchema, r, writeOptions) as unknown as PipelineRevisionJson),
    nextPipelineId: dump.nextPipelineId,
    nextRevisionId: dump.nextRevisionId,
  };
}

const SHORT_SOURCE_TYPES: Record<string, string> = {
  git: "SOURCE_TYPE_GIT",
  terraform: "SOURCE_TYPE_TERRAFORM",
  grafana: "SOURCE_TYPE_GRAFANA",
  unspecified: "SOURCE_TYPE_UNSPECIFIED",
};
const SHORT_CONFIG_TYPES: Record<string, string> = {
  alloy: "CONFIG_TYPE_ALLOY",
  otel: "CONFIG_TYPE_OTEL",
  unspecified: "CONFIG_TYPE_UNSPECIFIED",
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function expandShortNames(input: Record<string, unknown>): Record<string, unknown> {
  const out = { ...input };
  for (const key of ["configType", "config_type"]) {
    const v = out[key];
    if (typeof v === "string" && v.toLowerCase() in SHORT_CONFIG_TYPES) out[key] = SHORT_CONFIG_TYPES[v.toLowerCase()];
  }
  const source = out["source"];
  if (isObject(source) && typeof source["type"] === "string" && source["type"].toLowerCase() in SHORT_SOURCE_TYPES) {
    out["source"] = { ...source, type: SHORT_SOURCE_TYPES[source["type"].toLowerCase()] };
  }
  return out;
}

function parseMessage<T>(what: string, index: number, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ConnectError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConnectError(`${what}[${index}]: ${reason}`, Code.InvalidArgument);
  }
}

export function parsePipelineJson(value: unknown, index: number, what = "pipelines"): Pipeline {
  if (!isObject(value)) throw new ConnectError(`${what}[${index}] must be an object`, Code.InvalidArgument);
  return parseMessage(what, index, () => fromJson(PipelineSchema, expandShortNames(value) as JsonValue));
}

export function parseCollectorJson(value: unknown, index: number, what = "collectors"): Collector {
  if (!isObject(value)) throw new ConnectError(`${what}[${index}] must be an object`, Code.InvalidArgument);
  return parseMessage(what, index, () => fromJson(CollectorSchema, value as JsonValue));
}

/**
 * Puts seed data in place, all or nothing: on any invalid entry the store
 * is left as it was.
 */
export function applySeed(store: EmulatorStore, seed: unknown): void {
  if (!isObject(seed)) throw new ConnectError("a seed must be an object", Code.InvalidArgument);
  const rawPipelines = seed["pipelines"] ?? [];
  const rawCollectors = seed["collectors"] ?? [];
  if (!Array.isArray(rawPipelines) || !Array.isArray(rawCollectors)) {
    throw new ConnectError("seed.pipelines and seed.collectors must be arrays", Code.InvalidArgument);
  }
  const pipelines = rawPipelines.map((p, i) => parsePipelineJson(p, i));
  const collectors = rawCollectors.map((c, i) => parseCollectorJson(c, i));
  const before = store.dump();
  try {
    for (const p of pipelines) store.seedPipeline(p);
    for (const c of collectors) store.seedCollector(c);
  } catch (error) {
    store.restore(before);
    throw error;
  }
}

/** Reads a state written by `stateToJson` back into the store. */
export function restoreState(store: EmulatorStore, state: unknown): void {
  if (!isObject(state)) throw new ConnectError("the state must be an object", Code.InvalidArgument);
  const list = (key: string): unknown[] => {
    const v = state[key] ?? [];
    if (!Array.isArray(v)) throw new ConnectError(`state.${key} must be an array`, Code.InvalidArgument);
    return v;
  };
  const pipelines = list("pipelines").map((p, i) => parsePipelineJson(p, i));
  const collectors = list("collectors").map((c, i) => parseCollectorJson(c, i));
  const revisions = list("revisions").map((r, i) =>
    parseMessage("revisions", i, () => fromJson(PipelineRevisionSchema, r as JsonValue)),
  );
  const num = (key: string) => (typeof state[key] === "number" ? (state[key] as number) : undefined);
  const nextPipelineId = num("nextPipelineId");
  const nextRevisionId = num("nextRevisionId");
  store.restore({
    pipelines,
    collectors,
    revisions,
    ...(nextPipelineId !== undefined ? { nextPipelineId } : {}),
    ...(nextRevisionId !== undefined ? { nextRevisionId } : {}),
  });
}
