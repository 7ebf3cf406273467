// fleet.pipelines: the pipeline service as resources. Every method speaks the
// public `Pipeline` type and throws FleetApiError subclasses; the generated
// methods (listPipelines, ...) stay on the same object and on `fleet.raw`.
import type { Client } from "@connectrpc/connect";
import { Code } from "@connectrpc/connect";
import { ConfigurationError } from "../../errors/index.js";
import { ConflictError, NotFoundError } from "../api-error.js";
import { ConfigType, PipelineService, type Pipeline as PipelineMessage } from "../../../gen/pipeline/v1/pipeline_pb.js";
import {
  pipelineFromMessage,
  pipelineMessageFromInput,
  revisionFromMessage,
  type ConfigTypeName,
  type JsonObject,
  type Pipeline,
  type PipelineInput,
  type PipelineRevision,
  type PipelineSourceInput,
} from "../../pipelines/index.js";
import { call, callOptions, type RequestOptions, type WriteOptions } from "./request.js";

/** A pipeline by name, or by id. */
export type PipelineRef = string | { id: string };

/** Filters of `pipelines.list`, applied by the service. */
export interface PipelineListFilter {
  /** Only pipelines of this configuration language. */
  configType?: ConfigTypeName | undefined;
  /** Only enabled (or only disabled) pipelines. */
  enabled?: boolean | undefined;
  /** Only pipelines a collector with these local attributes would receive. */
  localAttributes?: Record<string, string> | undefined;
  /** Only pipelines a collector with these remote attributes would receive. */
  remoteAttributes?: Record<string, string> | undefined;
}

/**
 * The fields `pipelines.update` changes. A field that is absent (or
 * `undefined`) keeps its value; `null` removes `source` or `metadata`.
 */
export interface PipelinePatch {
  /** Renames the pipeline. */
  name?: string | undefined;
  /** New configuration text. */
  contents?: string | undefined;
  /** New matchers, replacing the list. */
  matchers?: string[] | undefined;
  /** Enables or disables it. */
  enabled?: boolean | undefined;
  /** A new configuration language. */
  configType?: ConfigTypeName | undefined;
  /** A new owner; `null` removes the source. */
  source?: PipelineSourceInput | null | undefined;
  /** New metadata, replacing the old; `null` removes it. */
  metadata?: JsonObject | null | undefined;
}

/** `fleet.pipelines`: the pipeline service as resources, throwing `FleetApiError` subclasses. */
export interface PipelinesResource {
  /** Every pipeline of the stack (contents included), narrowed by `filter`; in the service's order. */
  list(filter?: PipelineListFilter, options?: RequestOptions): Promise<Pipeline[]>;
  /** One pipeline, by name (two calls: GetPipelineID, GetPipeline) or by `{ id }`. */
  get(ref: PipelineRef, options?: RequestOptions): Promise<Pipeline>;
  /** Adds a pipeline; AlreadyExistsError when the name is taken. */
  create(input: PipelineInput, options?: WriteOptions): Promise<Pipeline>;
  /**
   * Creates the pipeline, or replaces the one with the same name (whatever
   * its source). Accepts a `Pipeline` read back: its id and timestamps are
   * ignored. The write replaces the whole pipeline: a field left out of
   * `input` is written as its default, not kept (use `update` to change
   * one field).
   */
  upsert(input: PipelineInput | Pipeline, options?: WriteOptions): Promise<Pipeline>;
  /**
   * Reads the pipeline, applies `patch` (or what the function returns for
   * the pipeline read), and writes the result back by id with
   * UpdatePipeline, keeping every field the patch does not name (source
   * included). Right before the write it reads the pipeline again and
   * refuses with ConflictError, writing nothing, when it changed since the
   * first read (other `updatedAt` or other content) or was deleted. No write
   * when the patch changes nothing.
   *
   * The service has no conditional write, so a change landing between that
   * second read and the write (a few milliseconds) is still overwritten.
   */
  update(
    ref: PipelineRef,
    patch: PipelinePatch | ((current: Pipeline) => PipelinePatch | Promise<PipelinePatch>),
    options?: RequestOptions,
  ): Promise<Pipeline>;
  /** Removes the pipeline; NotFoundError when there is none. */
  delete(ref: PipelineRef, options?: RequestOptions): Promise<void>;
  /**
   * The recorded changes of one pipeline, oldest first (by `createdAt`).
   * Pass `{ id }` for a pipeline that was deleted (its name no longer
   * resolves). Revisions the service sent without a snapshot or a time are
   * left out.
   */
  history(ref: PipelineRef, options?: RequestOptions): Promise<PipelineRevision[]>;
}

const service = PipelineService;

function checkRef(ref: PipelineRef): void {
  const ok = typeof ref === "string" ? ref !== "" : typeof ref === "object" && ref !== null && typeof ref.id === "string" && ref.id !== "";
  if (!ok) throw new ConfigurationError("a pipeline reference must be a non-empty name or { id } with a non-empty id");
}

/** The fields a write sends, from a read pipeline. */
function inputOf(p: Pipeline): PipelineInput {
  const input: PipelineInput = {
    name: p.name,
    contents: p.contents,
    matchers: [...p.matchers],
    enabled: p.enabled,
    configType: p.configType,
  };
  if (p.source !== undefined) input.source = { ...p.source };
  if (p.metadata !== undefined) input.metadata = p.metadata;
  return input;
}

function applyPatch(current: Pipeline, patch: PipelinePatch): PipelineInput {
  if (typeof patch !== "object" || patch === null) {
    throw new ConfigurationError(`pipeline ${JSON.stringify(current.name)}: the patch must be an object`);
  }
  const next = inputOf(current);
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.contents !== undefined) next.contents = patch.contents;
  if (patch.matchers !== undefined) next.matchers = [...patch.matchers];
  if (patch.enabled !== undefined) next.enabled = patch.enabled;
  if (patch.configType !== undefined) next.configType = patch.configType;
  if (patch.source === null) delete next.source;
  else if (patch.source !== undefined) next.source = patch.source;
  if (patch.metadata === null) delete next.metadata;
  else if (patch.metadata !== undefined) next.metadata = patch.metadata;
  return next;
}

/** Same stored content: every field a write sets, compared exactly. */
function sameContent(a: PipelineInput, b: PipelineInput): boolean {
  const x = pipelineMessageFromInput(a);
  const y = pipelineMessageFromInput(b);
  return (
    x.name === y.name &&
    x.contents === y.contents &&
    x.enabled === y.enabled &&
    x.configType === y.configType &&
    x.matchers.length === y.matchers.length &&
    x.matchers.every((m, i) => m === y.matchers[i]) &&
    x.source?.type === y.source?.type &&
    x.source?.namespace === y.source?.namespace &&
    JSON.stringify(x.metadata ?? null) === JSON.stringify(y.metadata ?? null)
  );
}

function sameVersion(read: Pipeline, latest: Pipeline): boolean {
  return read.updatedAt?.getTime() === latest.updatedAt?.getTime() && sameContent(inputOf(read), inputOf(latest));
}

function compareRevisions(a: PipelineRevision, b: PipelineRevision): number {
  const byTime = a.createdAt.getTime() - b.createdAt.getTime();
  if (byTime !== 0) return byTime;
  // Same millisecond: numeric ids (as the emulator's) keep their order.
  if (/^\d+$/.test(a.revisionId) && /^\d+$/.test(b.revisionId)) return Number(a.revisionId) - Number(b.revisionId);
  return 0;
}

export function createPipelinesResource(raw: Client<typeof PipelineService>): PipelinesResource {
  const resolveId = async (ref: PipelineRef, options: RequestOptions | undefined): Promise<string> => {
    checkRef(ref);
    if (typeof ref !== "string") return ref.id;
    const found = await call(service, "GetPipelineID", () => raw.getPipelineID({ name: ref }, callOptions(options)));
    return found.id;
  };
  const getMessage = (id: string, options: RequestOptions | undefined) =>
    call(service, "GetPipeline", () => raw.getPipeline({ id }, callOptions(options)));
  const getById = async (id: string, options: RequestOptions | undefined): Promise<Pipeline> =>
    pipelineFromMessage(await getMessage(id, options));
  const get = async (ref: PipelineRef, options: RequestOptions | undefined): Promise<Pipeline> =>
    getById(await resolveId(ref, options), options);
  const write = async (
    method: "CreatePipeline" | "UpsertPipeline",
    input: PipelineInput,
    options: WriteOptions | undefined,
  ): Promise<Pipeline> => {
    const request = { pipeline: pipelineMessageFromInput(input), validateOnly: options?.validateOnly === true };
    const answer = await call(service, method, () =>
      method === "CreatePipeline"
        ? raw.createPipeline(request, callOptions(options))
        : raw.upsertPipeline(request, callOptions(options)),
    );
    return pipelineFromMessage(answer);
  };

  return {
    async list(filter = {}, options) {
      const request: { configType?: ConfigType; enabled?: boolean; localAttributes?: Record<string, string>; remoteAttributes?: Record<string, string> } = {};
      if (filter.configType !== undefined) request.configType = filter.configType === "otel" ? ConfigType.OTEL : ConfigType.ALLOY;
      if (filter.enabled !== undefined) request.enabled = filter.enabled;
      if (filter.localAttributes !== undefined) request.localAttributes = { ...filter.localAttributes };
      if (filter.remoteAttributes !== undefined) request.remoteAttributes = { ...filter.remoteAttributes };
      const answer = await call(service, "ListPipelines", () => raw.listPipelines(request, callOptions(options)));
      return answer.pipelines.map(pipelineFromMessage);
    },

    get(ref, options) {
      return get(ref, options);
    },

    create(input, options) {
      return write("CreatePipeline", input, options);
    },

    upsert(input, options) {
      // Only the fields a write carries: a read-back Pipeline's id and
      // timestamps would make the service refuse the upsert.
      const { name, contents, matchers, enabled, configType, source, metadata } = input;
      return write("UpsertPipeline", { name, contents, matchers, enabled, configType, source, metadata }, options);
    },

    async update(ref, patch, options) {
      const stored = await getMessage(await resolveId(ref, options), options);
      const current = pipelineFromMessage(stored);
      const wanted = typeof patch === "function" ? await patch(structuredClone(current)) : patch;
      const next = applyPatch(current, wanted);
      if (sameContent(inputOf(current), next)) return current;
      let latestMessage: PipelineMessage;
      try {
        latestMessage = await getMessage(current.id, options);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        throw new ConflictError(
          `pipeline ${JSON.stringify(current.name)} (id ${current.id}) was deleted after it was read; nothing was written`,
          { connectCode: Code.Aborted, procedure: `${service.typeName}/UpdatePipeline`, cause: error },
        );
      }
      const latest = pipelineFromMessage(latestMessage);
      // The raw `enabled` too: unset and true read alike.
      if (!sameVersion(current, latest) || stored.enabled !== latestMessage.enabled) {
        const when = (d: Date | undefined) => (d === undefined ? "unknown" : d.toISOString());
        throw new ConflictError(
          `pipeline ${JSON.stringify(current.name)} (id ${current.id}) changed after it was read ` +
            `(updatedAt ${when(current.updatedAt)} → ${when(latest.updatedAt)}); nothing was written. Read it again and retry`,
          { connectCode: Code.Aborted, procedure: `${service.typeName}/UpdatePipeline` },
        );
      }
      const pipeline = pipelineMessageFromInput(next, current.id);
      // Keep a field the service stored unset as unset, when the patch does not set it.
      if (stored.enabled === undefined && wanted.enabled === undefined) pipeline.enabled = undefined;
      const answer = await call(service, "UpdatePipeline", () => raw.updatePipeline({ pipeline }, callOptions(options)));
      return pipelineFromMessage(answer);
    },

    async delete(ref, options) {
      const id = await resolveId(ref, options);
      await call(service, "DeletePipeline", () => raw.deletePipeline({ id }, callOptions(options)));
    },

    async history(ref, options) {
      const id = await resolveId(ref, options);
      const answer = await call(service, "ListPipelineRevisions", () => raw.listPipelineRevisions({ id }, callOptions(options)));
      const revisions: PipelineRevision[] = [];
      for (const r of answer.pipelineRevisions) {
        const revision = revisionFromMessage(r);
        if (revision !== undefined) revisions.push(revision);
      }
      return revisions.sort(compareRevisions);
    },
  };
}
