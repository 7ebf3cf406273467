// Input checks the emulator runs on every write, each failing with
// `invalid_argument` and a message that names the pipeline and the reason.
import { Code, ConnectError } from "@connectrpc/connect";
import { parseDocument } from "yaml";
import { parseAlloy } from "../alloy/index.js";
import { findYamlTooDeep, MAX_YAML_DEPTH } from "../pipelines/index.js";
import { MAX_MATCHER_LENGTH, validateMatcher } from "../matchers/index.js";
import { ConfigType, PipelineSource_SourceType, type Pipeline, type PipelineSource } from "../../gen/pipeline/v1/pipeline_pb.js";

export function invalidArgument(message: string): ConnectError {
  return new ConnectError(message, Code.InvalidArgument);
}

/** `pipeline "name"` or `pipeline #3` when the name is missing, for messages. */
export function describePipeline(p: Pick<Pipeline, "name">, index?: number): string {
  if (p.name !== "") return `pipeline ${JSON.stringify(p.name)}`;
  return index === undefined ? "pipeline" : `pipeline #${index + 1}`;
}

/** UNSPECIFIED is read as Alloy, as the Terraform provider does. */
export function effectiveConfigType(type: ConfigType): ConfigType {
  return type === ConfigType.UNSPECIFIED ? ConfigType.ALLOY : type;
}

export function checkMatchers(matchers: readonly string[], subject: string): void {
  matchers.forEach((text, i) => {
    // Counted in code points, like the service's 200-character rule.
    const length = [...text].length;
    if (length > MAX_MATCHER_LENGTH) {
      throw invalidArgument(
        `${subject}: matcher ${i + 1} is ${length} characters long; the limit is ${MAX_MATCHER_LENGTH}`,
      );
    }
    const error = validateMatcher(text);
    if (error !== undefined) {
      throw invalidArgument(`${subject}: matcher ${i + 1} ${JSON.stringify(text)}: ${error.reason} at position ${error.position}`);
    }
  });
}

/** Checks that can be switched on or off per emulator. */
export interface PipelineChecks {
  /** Refuse Alloy contents that do not parse. */
  alloySyntax?: boolean;
}

/** Everything a real write checks on one pipeline (not the limit, not uniqueness). */
export function checkPipeline(p: Pipeline, index?: number, checks: PipelineChecks = {}): void {
  const subject = describePipeline(p, index);
  if (p.name === "") throw invalidArgument(`${subject}: name is required`);
  if (p.contents === "") throw invalidArgument(`${subject}: contents are required`);
  if (!(p.configType in ConfigType)) {
    throw invalidArgument(`${subject}: unknown config type ${String(p.configType)}`);
  }
  checkMatchers(p.matchers, subject);
  if (effectiveConfigType(p.configType) === ConfigType.ALLOY) {
    if (checks.alloySyntax === true) checkAlloySyntax(p.contents, subject);
  } else if (effectiveConfigType(p.configType) === ConfigType.OTEL) {
    // OpenTelemetry contents must at least be YAML. Depth first: the YAML
    // composer recurses, and a request of nested brackets would take the
    // emulator down with it.
    if (findYamlTooDeep(p.contents, MAX_YAML_DEPTH) >= 0) {
      throw invalidArgument(`${subject}: OpenTelemetry contents are nested more than ${MAX_YAML_DEPTH} levels deep`);
    }
    const doc = parseDocument(p.contents, { prettyErrors: false });
    const first = doc.errors[0];
    if (first !== undefined) {
      throw invalidArgument(`${subject}: OpenTelemetry contents are not valid YAML: ${first.message}`);
    }
  }
  if (p.source !== undefined) checkSourceType(p.source, subject);
}

/**
 * Contents that do not parse are refused with invalid_argument: the contract
 * leaves contents validation undocumented, and this is its inference (the
 * hosted service probably parses them). Only the syntax: the load rules
 * (module body, unique names) are applied by the collectors.
 */
function checkAlloySyntax(contents: string, subject: string): void {
  const first = parseAlloy(contents).diagnostics.find((d) => d.severity === "error");
  if (first !== undefined) {
    throw invalidArgument(`${subject}: Alloy contents do not parse: line ${first.line}, column ${first.column}: ${first.message}`);
  }
}

function checkSourceType(source: PipelineSource, subject: string): void {
  if (!(source.type in PipelineSource_SourceType)) {
    throw invalidArgument(`${subject}: unknown source type ${String(source.type)}`);
  }
}

/** The scope of a sync: required, type not UNSPECIFIED, namespace non-empty. */
export function checkSyncSource(source: PipelineSource | undefined): PipelineSource {
  if (source === undefined) throw invalidArgument("source is required");
  checkSourceType(source, "source");
  if (source.type === PipelineSource_SourceType.UNSPECIFIED) {
    throw invalidArgument("source.type must not be SOURCE_TYPE_UNSPECIFIED");
  }
  if (source.namespace === "") throw invalidArgument("source.namespace must not be empty");
  return source;
}

// Limits on remote attributes, as the collector v2 handlers enforce them.
export const MAX_REMOTE_ATTRIBUTES = 100;
export const MAX_ATTRIBUTE_KEY_LENGTH = 100;
export const MAX_ATTRIBUTE_VALUE_LENGTH = 150;

export function checkRemoteAttributes(attributes: Readonly<Record<string, string>>, subject: string): void {
  const keys = Object.keys(attributes);
  if (keys.length > MAX_REMOTE_ATTRIBUTES) {
    throw invalidArgument(`${subject}: ${keys.length} remote attributes; the limit is ${MAX_REMOTE_ATTRIBUTES}`);
  }
  for (const key of keys) {
    if (key === "") throw invalidArgument(`${subject}: remote attribute key must not be empty`);
    if (key.startsWith("collector.")) {
      throw invalidArgument(`${subject}: remote attribute ${JSON.stringify(key)}: keys starting "collector." are reserved`);
    }
    if ([...key].length > MAX_ATTRIBUTE_KEY_LENGTH) {
      throw invalidArgument(`${subject}: remote attribute key ${JSON.stringify(key)} is longer than ${MAX_ATTRIBUTE_KEY_LENGTH} characters`);
    }
    if ([...attributes[key]!].length > MAX_ATTRIBUTE_VALUE_LENGTH) {
      throw invalidArgument(`${subject}: remote attribute ${JSON.stringify(key)} has a value longer than ${MAX_ATTRIBUTE_VALUE_LENGTH} characters`);
    }
  }
}
