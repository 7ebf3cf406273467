// The loader: reads a folder of pipeline files into PipelineSpec[], every
// problem carrying its file, line and pipeline.
export { loadPipelines, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_MATCHERS } from "./load.js";
export { LoadError } from "./load-error.js";
export { formatLoadIssue } from "./format.js";
export type { LoadIssue, LoadIssueCode, LoadIssueSeverity, LoadOptions, LoadResult } from "./types.js";
// The folder walk on its own (same skip rules), for commands that read `.alloy` files directly (`fmt`).
export { walkFolder } from "./walk.js";
export type { WalkResult, WalkedFile } from "./walk.js";
export { compileExcludes } from "./glob.js";
export { createLimiter } from "./limit.js";
export { displayPath } from "./paths.js";
