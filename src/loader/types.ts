// The loader's public shapes: options, result and the issues it reports.
import type { PipelineSpec } from "../pipelines/index.js";

/** Options of `loadPipelines`. */
export interface LoadOptions {
  /**
   * Glob patterns (relative to the folder, `/`-separated) of files and
   * folders to skip. `*` and `?` stay within one path segment, `**` spans any
   * number of segments. Default none.
   */
  exclude?: string[] | undefined;
  /** Largest file read, checked before reading. Default 1 MiB (1 048 576). */
  maxFileBytes?: number | undefined;
  /** Most matchers one pipeline may have. Default 100. */
  maxMatchers?: number | undefined;
  /** Stops the load; the promise rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Directory that display paths are made relative to. Default `process.cwd()`. */
  cwd?: string | undefined;
  /**
   * Warn (UNFORMATTED) about each Alloy contents file that `alloy fmt` would
   * change. Default false; the CLI turns it on.
   */
  checkFormatting?: boolean | undefined;
}

/** What `loadPipelines` read from a folder that loaded. */
export interface LoadResult {
  /** The pipelines, sorted by name. */
  specs: PipelineSpec[];
  /** Things worth knowing that did not stop the load, sorted by file and line. */
  warnings: LoadIssue[];
  /** Every file read (display paths), sorted. */
  files: string[];
}

/** An error stops the load; a warning is reported and the load goes on. */
export type LoadIssueSeverity = "error" | "warning";

/** Every code the loader reports. */
export type LoadIssueCode =
  // errors
  | "NOT_FOUND"
  | "NOT_A_DIRECTORY"
  | "UNREADABLE"
  | "TOO_LARGE"
  | "BINARY_FILE"
  | "INVALID_UTF8"
  | "INVALID_YAML"
  | "DUPLICATE_KEY"
  | "MULTIPLE_DOCUMENTS"
  | "YAML_ALIAS_LIMIT"
  | "TOO_DEEP"
  | "NOT_A_MAPPING"
  | "UNKNOWN_KEY"
  | "WRONG_TYPE"
  | "INVALID_VALUE"
  | "INVALID_NAME"
  | "INVALID_PIPELINE"
  | "CONTROL_CHARACTERS"
  | "TOO_MANY_MATCHERS"
  | "CONFLICTING_CONTENTS"
  | "MISSING_CONTENTS"
  | "AMBIGUOUS_CONTENTS"
  | "EMPTY_CONTENTS"
  | "OUTSIDE_FOLDER"
  | "SYMLINK_LOOP"
  | "DUPLICATE_FOLDER"
  | "TOO_MANY_KEYS"
  | "TOO_MANY_NODES"
  | "TOO_MANY_FILES"
  | "DUPLICATE_NAME"
  // warnings
  | "ENABLED_DEFAULT"
  | "UNPAIRED_FILE"
  | "UNUSED_FILE"
  | "UNFORMATTED"
  | "EMPTY_FOLDER";

/** One problem the loader found, with where it is. `formatLoadIssue` prints it. */
export interface LoadIssue {
  /** Stable reason, one of {@link LoadIssueCode}. */
  code: string;
  /** Whether it stops the load. */
  severity: LoadIssueSeverity;
  /** The file concerned, relative to the working directory when it lies under it. */
  file: string;
  /** 1-based line, when the YAML parser gives one. */
  line?: number;
  /** 1-based column, with `line`. */
  column?: number;
  /** The pipeline concerned, when there is one. */
  pipeline?: string;
  /** The reason alone; {@link formatLoadIssue} adds file, line and pipeline. */
  message: string;
}
