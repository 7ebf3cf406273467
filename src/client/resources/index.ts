// The resource API (fleet.pipelines.list/get/create/..., fleet.collectors.*),
// built on the raw generated clients.
export { createPipelinesResource } from "./pipelines.js";
export type { PipelineListFilter, PipelinePatch, PipelineRef, PipelinesResource } from "./pipelines.js";
export { collectorFromMessage, createCollectorsResource } from "./collectors.js";
export type {
  Collector,
  CollectorAttributes,
  CollectorInput,
  CollectorPatch,
  CollectorType,
  CollectorsResource,
} from "./collectors.js";
export type { RequestOptions, WriteOptions } from "./request.js";
