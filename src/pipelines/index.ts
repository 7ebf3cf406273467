// The pipeline model: the desired state as plain data, its normalisation,
// its semantic equality with a remote pipeline, and local validation. It
// knows nothing of the client, the plan or files.
export type {
  ConfigTypeName,
  DiffField,
  FieldDiff,
  JsonObject,
  JsonValue,
  NormalizedPipelineSpec,
  PipelineSpec,
  RemotePipeline,
  RemoteRevision,
  SourceRef,
  SourceScope,
  SourceTypeName,
} from "./spec.js";
export {
  canonicalJson,
  canonicalMatcherOrRaw,
  canonicalMatcherSet,
  compareStrings,
  matcherInfo,
  metadataForComparison,
  normalizeContents,
  normalizeSpec,
  sortJsonKeys,
} from "./normalize.js";
export type { MatcherInfo } from "./normalize.js";
export { diffRemote, diffSpecs, specsEqual } from "./equality.js";
export {
  CONFIG_TYPE_NAMES,
  SOURCE_TYPE_NAMES,
  configTypeFromProto,
  configTypeToProto,
  formatSource,
  isConfigTypeName,
  isSourceTypeName,
  sourceMatchesScope,
  sourceTypeFromProto,
  sourceTypeToProto,
} from "./source.js";
export {
  isPipelineMessage,
  pipelineMessageFromRemote,
  pipelineMessageFromSpec,
  remoteFromPipeline,
  remoteRevisionFromMessage,
  toRemotePipeline,
} from "./convert.js";
export { MAX_NAME_BYTES, MAX_YAML_DEPTH, nameBytes, pipelineLabel, validateSpec } from "./validate.js";
export { countYamlNodes, findTooDeep, findYamlTooDeep, MAX_YAML_NODES, scanNesting } from "./yaml-depth.js";
export type { SpecIssue, SpecIssueField } from "./validate.js";
export { confusableKey, displayName, hasUnsafeText, safeContentText, safeText } from "./escape.js";
// The public pipeline shape and its conversions (resource API).
export { pipelineFromMessage, pipelineMessageFromInput, revisionFromMessage } from "./public.js";
export type {
  Pipeline,
  PipelineInput,
  PipelineRevision,
  PipelineRevisionOperation,
  PipelineSource,
  PipelineSourceInput,
  PipelineSourceType,
} from "./public.js";
