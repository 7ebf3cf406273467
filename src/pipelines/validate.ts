// Local validation of one spec, before anything is sent. Every issue names
// the file and the pipeline, so a CLI can annotate the offending file.
import { isMap, parseDocument } from "yaml";
import { MAX_MATCHER_LENGTH } from "../matchers/index.js";
import { matcherInfo } from "./normalize.js";
import { isConfigTypeName } from "./source.js";
import type { NormalizedPipelineSpec, PipelineSpec } from "./spec.js";
import { countYamlNodes, findYamlTooDeep, MAX_YAML_NODES } from "./yaml-depth.js";
import { alloyContentsIssues } from "./alloy-contents.js";
import { checkOtelStructure } from "./otel-structure.js";
import { contentsPosition } from "./contents-position.js";

/**
 * Deepest YAML nesting accepted in a metadata file or OTel contents (the
 * top-level mapping is level 1): far above any real file, far below what
 * overflows the YAML composer's recursion.
 */
export const MAX_YAML_DEPTH = 64;

/**
 * Longest pipeline name accepted, in UTF-8 bytes. The service's contract
 * states no maximum, so this is our bound, not the service's: 256 bytes is
 * far above any real name (they read like `node_metrics` or
 * `team-a/linux-logs`), equal to the common 255/256-byte bound of a database
 * key or a file name, and counted in bytes because that is how a name is
 * stored and sent. Without a bound, a metadata file could name a pipeline
 * with a megabyte that then travels in every listing and every collector's
 * GetConfig answer.
 */
export const MAX_NAME_BYTES = 256;

const utf8 = new TextEncoder();

/** Length of a name in UTF-8 bytes. */
export function nameBytes(name: string): number {
  return utf8.encode(name).length;
}

export type SpecIssueField = "name" | "contents" | "matchers" | "enabled" | "configType" | "metadata";

/** One reason a spec cannot be sent. */
export interface SpecIssue {
  code: "INVALID_PIPELINE";
  field: SpecIssueField;
  /** `file: pipeline "name": what is wrong`. */
  message: string;
  /** What is wrong, without the file and pipeline (for callers that print those themselves). */
  reason: string;
  /** The pipeline's name as given (possibly empty). */
  name: string;
  /** The file the problem is in: the contents file for contents problems, else the spec's file. */
  file?: string;
  /** 1-based line in `file`, when known (YAML errors in OTel contents). */
  line?: number;
  /** 1-based column in `file`, with `line`, when known (Alloy counts it in UTF-8 bytes). */
  column?: number;
  /** For matcher issues: the 0-based index in `matchers`. */
  index?: number;
}

/**
 * C0/C1 control characters other than tab: never meant to be in a name. A
 * tab is refused by nothing on the service, so a name holding one can exist
 * there and must survive an export and a reload; it is shown escaped.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;

/**
 * Checks a spec locally: a non-empty name of at most 256 bytes without
 * control characters (a tab aside); non-empty contents; every matcher parses with the
 * Alertmanager UTF-8 grammar and is at most 200 characters; a known config
 * type; boolean `enabled`; object `metadata`; OTel contents that are a YAML
 * mapping. Returns `[]` when the spec is valid.
 */
export function validateSpec(spec: PipelineSpec | NormalizedPipelineSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const name = typeof spec.name === "string" ? spec.name : "";
  const add = (field: SpecIssueField, what: string, extra: Partial<SpecIssue> = {}, file = spec.file) => {
    const issue: SpecIssue = { code: "INVALID_PIPELINE", field, name, message: "", reason: what, ...extra };
    if (file !== undefined) issue.file = file;
    issue.message = `${pipelineLabel(file, name)}: ${what}`;
    issues.push(issue);
  };

  // Leading or trailing whitespace is allowed: the service accepts it, so a
  // pipeline named so can exist and must round-trip. Renderers show it
  // between ⟨ ⟩, and the plan warns when it makes two names look alike.
  if (typeof spec.name !== "string" || spec.name.trim() === "") {
    add("name", "the name is empty");
  } else if (CONTROL.test(spec.name)) {
    add("name", "the name contains a control character");
  } else if (spec.name.length > MAX_NAME_BYTES / 3 && nameBytes(spec.name) > MAX_NAME_BYTES) {
    add("name", `the name is ${nameBytes(spec.name)} bytes long (UTF-8); the limit is ${MAX_NAME_BYTES}`);
  }

  const contentsFile = spec.contentsFile ?? spec.file;
  // Whitespace-only contents are allowed (the service holds them as given);
  // only nothing at all is refused.
  if (typeof spec.contents !== "string" || spec.contents === "") {
    add("contents", "the contents are empty", {}, contentsFile);
  } else if (spec.configType === "otel") {
    checkOtelYaml(spec.contents, (what, line) =>
      add("contents", what, contentsPosition(spec, line), contentsFile),
    );
  } else if (spec.configType === undefined || spec.configType === "alloy") {
    for (const issue of alloyContentsIssues(spec.contents, spec)) add("contents", issue.reason, issue.at, contentsFile);
  }

  if (spec.matchers !== undefined) {
    if (!Array.isArray(spec.matchers)) {
      add("matchers", "matchers must be a list of strings");
    } else {
      spec.matchers.forEach((m: unknown, index) => {
        const at = `matcher ${index + 1}`;
        if (typeof m !== "string") {
          add("matchers", `${at} is not a string`, { index });
          return;
        }
        const shown = JSON.stringify(m.length > 60 ? m.slice(0, 57) + "..." : m);
        const length = [...m].length;
        if (length > MAX_MATCHER_LENGTH) {
          add("matchers", `${at} ${shown} is ${length} characters long; the limit is ${MAX_MATCHER_LENGTH}`, { index });
          return;
        }
        const { error } = matcherInfo(m);
        if (error !== undefined) {
          add("matchers", `${at} ${shown} does not parse: ${error.reason ?? error.message}`, { index });
        }
      });
    }
  }

  if (spec.configType !== undefined && !isConfigTypeName(spec.configType)) {
    add("configType", `unknown config type ${JSON.stringify(spec.configType)}; use "alloy" or "otel"`);
  }
  if (spec.enabled !== undefined && typeof spec.enabled !== "boolean") {
    add("enabled", "enabled must be true or false");
  }
  if (
    spec.metadata !== undefined &&
    (spec.metadata === null || typeof spec.metadata !== "object" || Array.isArray(spec.metadata))
  ) {
    add("metadata", "metadata must be a JSON object");
  }
  return issues;
}

/** `file: pipeline "name"`, or `pipeline "name"` without a file. */
export function pipelineLabel(file: string | undefined, name: string): string {
  const who = name === "" ? "pipeline with an empty name" : `pipeline ${JSON.stringify(name)}`;
  return file === undefined ? who : `${file}: ${who}`;
}

function checkOtelYaml(text: string, report: (what: string, line?: number) => void): void {
  const crowded = countYamlNodes(text, MAX_YAML_NODES);
  if (crowded >= 0) {
    const line = lineAt(text, crowded);
    report(`the OpenTelemetry contents hold more than ${MAX_YAML_NODES} values (line ${line}); a collector configuration needs a few thousand at most`, line);
    return;
  }
  const deep = findYamlTooDeep(text, MAX_YAML_DEPTH);
  if (deep >= 0) {
    const line = lineAt(text, deep);
    report(`the OpenTelemetry contents are nested more than ${MAX_YAML_DEPTH} levels deep (line ${line})`, line);
    return;
  }
  const doc = parseDocument(text);
  const error = doc.errors[0];
  if (error !== undefined) {
    const line = error.linePos?.[0]?.line;
    // The first line, without the position (given separately) and the snippet.
    const firstLine = (error.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
    report(`the OpenTelemetry contents are not valid YAML${line === undefined ? "" : ` (line ${line})`}: ${firstLine}`, line);
    return;
  }
  if (!isMap(doc.contents)) {
    report("the OpenTelemetry contents must be a YAML mapping (receivers:, exporters:, service: ...)");
    return;
  }
  for (const issue of checkOtelStructure(doc, text)) {
    const where = issue.line === undefined ? "" : ` (line ${issue.line})`;
    report(`the OpenTelemetry contents are not a valid collector configuration${where}: ${issue.reason}`, issue.line);
  }
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}
