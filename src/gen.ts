// The generated schemas and service descriptors, for callers who build
// requests themselves. Everything here comes from `gen/`, made by
// `npm run generate`.
export * from "../gen/pipeline/v1/pipeline_pb.js";
export * from "../gen/collector/v1/collector_pb.js";
