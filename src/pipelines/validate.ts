// Local validation of one spec, before anything is sent. Every issue names
// the file and the pipeline, so a CLI can annotate the offending file.
import { isMap, parseDocument } from "yaml";
import { MAX_MATCHER_LENGTH } from "../matchers/index.js";
import { matcherInfo } from "./normalize.js";
import { isConfigTypeName } from "./source.js";
import type { NormalizedPipelineSpec, PipelineSpec } from "./spec.js";
import { findYamlTooDeep } from "./yaml-depth.js";

/**
 * Deepest YAML nesting accepted in a metadata file or OTel contents (the
 * top-level mapping is level 1): far above any real file, far below what
 * overflows the YAML composer's recursion.
 */
export const MAX_YAML_DEPTH = 64;

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
  /** For matcher issues: the 0-based index in `matchers`. */
  index?: number;
}

/** Any C0/C1 control character: never meant to be in a name. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Checks a spec locally: a non-empty name without surrounding whitespace or
 * control characters; non-blank contents; every matcher parses with the
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

  if (typeof spec.name !== "string" || spec.name.trim() === "") {
    add("name", "the name is empty");
  } else if (spec.name.trim() !== spec.name) {
    add("name", "the name starts or ends with whitespace");
  } else if (CONTROL.test(spec.name)) {
    add("name", "the name contains a control character");
  }

  const contentsFile = spec.contentsFile ?? spec.file;
  if (typeof spec.contents !== "string" || spec.contents.trim() === "") {
    add("contents", "the contents are empty", {}, contentsFile);
  } else if (spec.configType === "otel") {
    checkOtelYaml(spec.contents, (what, line) =>
      add("contents", what, line === undefined ? {} : { line }, contentsFile),
    );
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
  }
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}
