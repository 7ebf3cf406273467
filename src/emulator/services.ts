// The Connect service implementations: thin adapters from request messages
// to store operations. Everything that decides lives in the store.
import type { ConnectRouter } from "@connectrpc/connect";
import { PipelineService } from "../../gen/pipeline/v1/pipeline_pb.js";
import { CollectorService } from "../../gen/collector/v1/collector_pb.js";
import type { EmulatorStore } from "./store.js";

export function registerServices(router: ConnectRouter, store: EmulatorStore): void {
  // CreateAlloyPipelines is internal to the service (it seeds self-monitoring
  // pipelines); left out, the router answers it with `unimplemented`.
  router.service(PipelineService, {
    getPipeline: (req) => store.getPipeline(req.id),
    getPipelineID: (req) => ({ id: store.getPipelineId(req.name) }),
    listPipelines: (req) => ({
      pipelines: store.listPipelines({
        localAttributes: req.localAttributes,
        remoteAttributes: req.remoteAttributes,
        configType: req.configType,
        enabled: req.enabled,
      }),
    }),
    createPipeline: (req) => store.createPipeline(req.pipeline, req.validateOnly),
    updatePipeline: (req) => store.updatePipeline(req.pipeline, req.validateOnly),
    upsertPipeline: (req) => store.upsertPipeline(req.pipeline, req.validateOnly),
    deletePipeline: (req) => {
      store.deletePipeline(req.id);
      return {};
    },
    bulkDeletePipelines: (req) => {
      store.bulkDeletePipelines(req.ids);
      return {};
    },
    listPipelinesRevisions: () => ({ pipelineRevisions: store.listRevisions() }),
    listPipelineRevisions: (req) => ({ pipelineRevisions: store.listPipelineRevisions(req.id) }),
    getPipelineRevision: (req) => store.getRevision(req.revisionId),
    syncPipelines: (req) => {
      store.syncPipelines(req.source, req.pipelines);
      return {};
    },
  });

  router.service(CollectorService, {
    getCollector: (req) => store.getCollector(req.id),
    listCollectors: (req) => ({ collectors: store.listCollectors(req.matchers) }),
    createCollector: (req) => store.createCollector(req.collector),
    updateCollector: (req) => store.updateCollector(req.collector),
    bulkUpdateCollectors: (req) => {
      store.bulkUpdateCollectors(req.ids, req.ops);
      return {};
    },
    bulkDeleteCollectors: (req) => {
      store.bulkDeleteCollectors(req.ids);
      return {};
    },
    deleteCollector: (req) => {
      store.deleteCollector(req.id);
      return {};
    },
    listCollectorAttributes: () => store.listCollectorAttributes(),
    // Agent calls. The deprecated `attributes` map is read as an alias of
    // `local_attributes`; the new name wins on a clash. The reported
    // remote_config_status and effective_config are not kept: the Collector
    // message has no field to show them in.
    getConfig: (req) =>
      store.getConfig({ id: req.id, localAttributes: { ...req.attributes, ...req.localAttributes }, hash: req.hash }),
    registerCollector: (req) => {
      store.registerCollector({ id: req.id, name: req.name, localAttributes: { ...req.attributes, ...req.localAttributes } });
      return {};
    },
    unregisterCollector: (req) => {
      store.unregisterCollector(req.id);
      return {};
    },
  });
}
