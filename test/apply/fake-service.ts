// An in-memory stand-in for the pipeline service, for unit tests of the
// executors: deterministic, instant, and with a hook to fail any call.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  PipelineSchema,
  PipelinesSchema,
  PipelineSource_SourceType,
  type Pipeline,
} from "../../gen/pipeline/v1/pipeline_pb.js";
import type { PipelinesClient } from "../../src/apply/index.js";

export interface FakeCall {
  method: string;
  /** The pipeline name (upsert) or id (delete), when the call has one. */
  key?: string;
}

export interface FakeService {
  client: PipelinesClient;
  calls: FakeCall[];
  pipelines(): Pipeline[];
  /** Throw from a call before it is handled; return undefined to let it through. */
  failWhen(hook: (call: FakeCall) => ConnectError | undefined): void;
  seed(p: { name: string; contents?: string; matchers?: string[]; enabled?: boolean; source?: { type: PipelineSource_SourceType; namespace: string } }): Pipeline;
  bulkDeleteImplemented: boolean;
}

export function fakeService(): FakeService {
  const store = new Map<string, Pipeline>();
  let nextId = 1;
  let hook: (call: FakeCall) => ConnectError | undefined = () => undefined;
  const calls: FakeCall[] = [];
  const svc: FakeService = {
    calls,
    bulkDeleteImplemented: true,
    pipelines: () => [...store.values()],
    failWhen(h) {
      hook = h;
    },
    seed(p) {
      const msg = create(PipelineSchema, {
        name: p.name,
        contents: p.contents ?? `// ${p.name}\n`,
        matchers: p.matchers ?? [],
        enabled: p.enabled ?? true,
        id: String(nextId++),
      });
      if (p.source) msg.source = { $typeName: "pipeline.v1.PipelineSource", ...p.source };
      store.set(p.name, msg);
      return msg;
    },
    client: undefined as unknown as PipelinesClient,
  };
  const enter = (call: FakeCall): void => {
    calls.push(call);
    const err = hook(call);
    if (err) throw err;
  };
  const write = (p: Pipeline): Pipeline => {
    const existing = store.get(p.name);
    const stored = create(PipelineSchema, { ...p, id: existing?.id ?? String(nextId++) });
    store.set(p.name, stored);
    return stored;
  };
  const pipelines = {
    async listPipelines() {
      enter({ method: "ListPipelines" });
      return create(PipelinesSchema, { pipelines: [...store.values()].map((p) => create(PipelineSchema, p)) });
    },
    async createPipeline(req: { pipeline: Pipeline; validateOnly?: boolean }) {
      enter({ method: "CreatePipeline", key: req.pipeline.name });
      if (req.pipeline.contents === "") throw new ConnectError("contents is required", Code.InvalidArgument);
      if (store.has(req.pipeline.name)) throw new ConnectError(`${req.pipeline.name} exists`, Code.AlreadyExists);
      return req.validateOnly ? req.pipeline : write(req.pipeline);
    },
    async updatePipeline(req: { pipeline: Pipeline; validateOnly?: boolean }) {
      enter({ method: "UpdatePipeline", key: req.pipeline.name });
      if (req.pipeline.contents === "") throw new ConnectError("contents is required", Code.InvalidArgument);
      const existing = [...store.values()].find((p) => p.id === req.pipeline.id);
      if (!existing) throw new ConnectError(`pipeline ${String(req.pipeline.id)} not found`, Code.NotFound);
      if (req.validateOnly) return req.pipeline;
      store.delete(existing.name);
      const stored = create(PipelineSchema, { ...req.pipeline, id: existing.id });
      store.set(stored.name, stored);
      return stored;
    },
    async getPipelineID(req: { name: string }) {
      enter({ method: "GetPipelineID", key: req.name });
      const found = store.get(req.name);
      if (!found) throw new ConnectError(`${req.name} not found`, Code.NotFound);
      return { id: found.id };
    },
    async getPipeline(req: { id: string }) {
      enter({ method: "GetPipeline", key: req.id });
      const found = [...store.values()].find((p) => p.id === req.id);
      if (!found) throw new ConnectError(`pipeline ${req.id} not found`, Code.NotFound);
      return create(PipelineSchema, found);
    },
    // No history: the fake keeps none (the emulator tests cover the history check).
    async listPipelinesRevisions() {
      enter({ method: "ListPipelinesRevisions" });
      return { pipelineRevisions: [] };
    },
    async listPipelineRevisions(req: { id: string }) {
      enter({ method: "ListPipelineRevisions", key: req.id });
      return { pipelineRevisions: [] };
    },
    async upsertPipeline(req: { pipeline: Pipeline; validateOnly?: boolean }) {
      enter({ method: "UpsertPipeline", key: req.pipeline.name });
      if (req.pipeline.contents === "") throw new ConnectError("contents is required", Code.InvalidArgument);
      return req.validateOnly ? req.pipeline : write(req.pipeline);
    },
    async deletePipeline(req: { id: string }) {
      enter({ method: "DeletePipeline", key: req.id });
      const found = [...store.values()].find((p) => p.id === req.id);
      if (!found) throw new ConnectError(`pipeline ${req.id} not found`, Code.NotFound);
      store.delete(found.name);
      return {};
    },
    async bulkDeletePipelines(req: { ids: string[] }) {
      enter({ method: "BulkDeletePipelines" });
      if (!svc.bulkDeleteImplemented) throw new ConnectError("not implemented", Code.Unimplemented);
      const found = req.ids.map((id) => [...store.values()].find((p) => p.id === id));
      if (found.some((p) => p === undefined)) throw new ConnectError("some ids not found", Code.NotFound);
      for (const p of found) store.delete(p!.name);
      return {};
    },
    async syncPipelines(req: { source: { type: PipelineSource_SourceType; namespace: string }; pipelines: Pipeline[] }) {
      enter({ method: "SyncPipelines" });
      const names = new Set(req.pipelines.map((p) => p.name));
      for (const p of req.pipelines) write(create(PipelineSchema, { ...p, source: { $typeName: "pipeline.v1.PipelineSource", type: req.source.type, namespace: req.source.namespace } }));
      for (const p of [...store.values()]) {
        if (p.source?.type === req.source.type && p.source.namespace === req.source.namespace && !names.has(p.name)) {
          store.delete(p.name);
        }
      }
      return {};
    },
  };
  svc.client = { pipelines } as unknown as PipelinesClient;
  return svc;
}

export const GIT = PipelineSource_SourceType.GIT;
export const TERRAFORM = PipelineSource_SourceType.TERRAFORM;
export const GRAFANA = PipelineSource_SourceType.GRAFANA;
