// The loader: reads a folder of pipeline files into PipelineSpec[], every
// problem carrying its file, line and pipeline.
export { loadPipelines, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_MATCHERS } from "./load.js";
export { LoadError } from "./load-error.js";
export { formatLoadIssue } from "./format.js";
export type { LoadIssue, LoadIssueCode, LoadIssueSeverity, LoadOptions, LoadResult } from "./types.js";
