// Parses one metadata file (`name.yaml`) into checked fields. Pure: text in,
// fields and issues out, never a throw, so it can be fuzzed on its own.
import { Composer, isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, Parser, visit } from "yaml";
import type { Alias, Document, Node as YamlNode, Pair } from "yaml";
import {
  countYamlNodes,
  findTooDeep,
  MAX_NAME_BYTES,
  MAX_YAML_DEPTH,
  MAX_YAML_NODES,
  nameBytes,
  scanNesting,
  type ConfigTypeName,
  type JsonObject,
} from "../pipelines/index.js";
import { hasUnsafeCharacters, hasUnsafeNameCharacters, quoteName } from "./format.js";
import { suggestKey } from "./suggest.js";
import type { LoadIssue, LoadIssueCode } from "./types.js";

export const METADATA_KEYS = ["name", "enabled", "matchers", "config_type", "metadata", "contents", "contents_file"] as const;
export type MetadataKey = (typeof METADATA_KEYS)[number];

const CONFIG_TYPES: readonly ConfigTypeName[] = ["alloy", "otel"];

/**
 * Alias expansions allowed while converting (yaml weighs each by the size of
 * what it points to). Real metadata files need few if any; a "billion laughs"
 * file needs millions.
 */
export const MAX_ALIAS_COUNT = 50;

/**
 * Most YAML nodes that aliases may add when expanded, all aliases together.
 * The alias count alone does not bound memory: 49 aliases of one large list
 * expand a 1 MiB file into millions of values.
 */
export const MAX_ALIAS_EXPANSION = 10_000;

/**
 * Most keys at the top of a metadata file. Seven are known; the cap only
 * keeps a file of thousands of unknown keys from producing thousands of issues.
 */
export const MAX_TOP_LEVEL_KEYS = 100;

export interface Position {
  line: number;
  column: number;
}

export interface ParsedMetadata {
  /** The `name` key, or the file's base name when absent. */
  name: string;
  enabled?: boolean;
  matchers?: string[];
  configType?: ConfigTypeName;
  metadata?: JsonObject;
  contents?: string;
  contentsFile?: string;
  /** Where each key present was written. */
  positions: Partial<Record<MetadataKey, Position>>;
}

export interface MetadataContext {
  /** Display path of the file, for issues. */
  file: string;
  /** The file's base name: the pipeline name when there is no `name` key. */
  defaultName: string;
  maxMatchers: number;
}

export interface MetadataParseResult {
  /** Present when the file is a readable mapping; fields that failed their checks are left out. */
  metadata?: ParsedMetadata;
  /** Errors, in file order. Any error means the pipeline is not loaded. */
  issues: LoadIssue[];
}

export function parseMetadata(text: string, context: MetadataContext): MetadataParseResult {
  const issues: LoadIssue[] = [];
  try {
    const metadata = parseInto(text, context, issues);
    return metadata === undefined ? { issues } : { metadata, issues };
  } catch (error) {
    // Nothing above should throw; if the YAML library does on some input, the
    // file is still reported as bad YAML rather than crashing the load.
    const code: LoadIssueCode = error instanceof RangeError ? "TOO_DEEP" : "INVALID_YAML";
    issues.push({
      code,
      severity: "error",
      file: context.file,
      pipeline: context.defaultName,
      message: code === "TOO_DEEP" ? "YAML is nested too deeply to parse" : `cannot be parsed as YAML: ${errorText(error)}`,
    });
    return { issues };
  }
}

function parseInto(text: string, context: MetadataContext, issues: LoadIssue[]): ParsedMetadata | undefined {
  const lines = new LineCounter();
  const at = (offset: number | undefined): Position | undefined => {
    if (offset === undefined) return undefined;
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  let pipeline = context.defaultName;
  const report = (code: LoadIssueCode, message: string, position?: Position) => {
    const issue: LoadIssue = { code, severity: "error", file: context.file, pipeline, message };
    if (position) {
      issue.line = position.line;
      issue.column = position.column;
    }
    issues.push(issue);
  };

  const scanned = scanNesting(text);
  if (scanned >= 0) {
    countLines(lines, text, scanned);
    report("TOO_DEEP", `YAML is nested more than ${MAX_YAML_DEPTH} levels deep`, at(scanned));
    return undefined;
  }
  const crowded = scanTopLevelKeys(text, MAX_TOP_LEVEL_KEYS);
  if (crowded >= 0) {
    countLines(lines, text, crowded);
    report("TOO_MANY_KEYS", `has more than ${MAX_TOP_LEVEL_KEYS} keys; a metadata file has at most ${METADATA_KEYS.length} (${METADATA_KEYS.join(", ")})`, at(crowded));
    return undefined;
  }
  const nodes = countYamlNodes(text, MAX_YAML_NODES);
  if (nodes >= 0) {
    countLines(lines, text, nodes);
    report("TOO_MANY_NODES", `YAML holds more than ${MAX_YAML_NODES} values; a metadata file needs a few dozen`, at(nodes));
    return undefined;
  }
  const tokens = Array.from(new Parser(lines.addNewLine).parse(text));
  const deep = findTooDeep(tokens, MAX_YAML_DEPTH);
  if (deep >= 0) {
    report("TOO_DEEP", `YAML is nested more than ${MAX_YAML_DEPTH} levels deep`, at(deep));
    return undefined;
  }
  // The library's own duplicate-key check compares each key with every
  // earlier one (quadratic: 37 s for 60 000 keys); ours below is a Set per map.
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false, logLevel: "silent", version: "1.2" });
  const documents = Array.from(composer.compose(tokens, true, text.length));
  if (documents.length > 1) {
    report(
      "MULTIPLE_DOCUMENTS",
      "holds more than one YAML document (`---`); a metadata file describes one pipeline",
      at(documents[1]!.range[0]),
    );
    return undefined;
  }
  const document = documents[0];
  if (!document) return undefined;
  for (const problem of [...document.errors, ...document.warnings]) {
    const code: LoadIssueCode =
      problem.code === "DUPLICATE_KEY" ? "DUPLICATE_KEY" : problem.code === "MULTIPLE_DOCS" ? "MULTIPLE_DOCUMENTS" : "INVALID_YAML";
    const reason = problem.message.replace(/ at line \d+, column \d+:?[^]*$/, "");
    report(code, code === "DUPLICATE_KEY" ? "a key appears twice (map keys must be unique)" : `invalid YAML: ${reason}`, at(problem.pos[0]));
  }
  if (issues.length > 0) return undefined;
  findDuplicateKeys(document, (offset) => report("DUPLICATE_KEY", "a key appears twice (map keys must be unique)", at(offset)));
  if (issues.length > 0) return undefined;

  const root = document.contents;
  if (root === null || (isScalar(root) && root.value === null)) {
    // An empty file (or one with only comments) is an empty mapping: every key takes its default.
    return { name: context.defaultName, positions: {} };
  }
  if (!isMap(root)) {
    report("NOT_A_MAPPING", `must be a YAML mapping of keys (${METADATA_KEYS.join(", ")}), not ${describeNode(root)}`, at(root.range?.[0]));
    return undefined;
  }

  if (root.items.length > MAX_TOP_LEVEL_KEYS) {
    report(
      "TOO_MANY_KEYS",
      `has ${root.items.length} keys; a metadata file has at most ${METADATA_KEYS.length} (${METADATA_KEYS.join(", ")})`,
      at(root.items[MAX_TOP_LEVEL_KEYS]?.key && isNode(root.items[MAX_TOP_LEVEL_KEYS]!.key) ? (root.items[MAX_TOP_LEVEL_KEYS]!.key as YamlNode).range?.[0] : undefined),
    );
    return undefined;
  }

  // Aliases: every one must point at an anchor, and the first one gives the
  // line for an alias-limit error.
  let firstAlias: Position | undefined;
  let unresolved = false;
  const aliases: Alias[] = [];
  const targets = new Map<Alias, YamlNode>();
  // (`*` starts every alias; most files have none, so skip the walk.) One
  // pass in document order resolves every alias to the latest anchor of its
  // name before it, as YAML says; Alias#resolve would walk the whole
  // document once per alias.
  if (text.includes("*")) {
    const anchors = new Map<string, YamlNode>();
    visit(document, (_, node) => {
      if (isAlias(node)) {
        aliases.push(node);
        const target = anchors.get(node.source);
        if (target !== undefined) targets.set(node, target);
        if (aliases.length > MAX_ALIAS_COUNT) return visit.BREAK;
      } else if (isNode(node) && node.anchor !== undefined) {
        anchors.set(node.anchor, node);
      }
      return undefined;
    });
  }
  if (aliases.length > MAX_ALIAS_COUNT) {
    report("YAML_ALIAS_LIMIT", `YAML holds more than ${MAX_ALIAS_COUNT} aliases: refusing a possible alias bomb`, at(aliases[0]!.range?.[0]));
    return undefined;
  }
  for (const alias of aliases) {
    const position = at(alias.range?.[0]);
    firstAlias ??= position;
    const target = targets.get(alias);
    if (target === undefined) {
      unresolved = true;
      report("INVALID_YAML", `alias *${alias.source} refers to no anchor (the anchor must come before the alias)`, position);
    }
  }
  if (unresolved) return undefined;
  if (aliases.length > 0 && aliasExpansion(aliases, targets, MAX_ALIAS_EXPANSION) > MAX_ALIAS_EXPANSION) {
    report("YAML_ALIAS_LIMIT", `YAML aliases expand to more than ${MAX_ALIAS_EXPANSION} values: refusing a possible alias bomb`, firstAlias);
    return undefined;
  }

  let values: Record<string, unknown>;
  try {
    values = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as Record<string, unknown>;
  } catch (error) {
    const text = errorText(error);
    if (/alias count/i.test(text)) {
      report("YAML_ALIAS_LIMIT", `YAML aliases expand too far (more than ${MAX_ALIAS_COUNT} expansions): refusing a possible alias bomb`, firstAlias);
    } else {
      report("INVALID_YAML", `invalid YAML: ${text}`, firstAlias);
    }
    return undefined;
  }

  // Map each key to its pair: values come from the JS view, positions from the AST.
  const pairs = new Map<MetadataKey, Pair<YamlNode, YamlNode | null>>();
  for (const pair of root.items as Pair<YamlNode, YamlNode | null>[]) {
    const key = pair.key;
    const keyPosition = at(key?.range?.[0]);
    if (!isScalar(key) || typeof key.value !== "string") {
      report("UNKNOWN_KEY", `keys must be plain strings, found ${describeNode(key)}`, keyPosition);
      continue;
    }
    if (!(METADATA_KEYS as readonly string[]).includes(key.value)) {
      const suggestion = suggestKey(key.value, METADATA_KEYS);
      const hint = suggestion !== undefined ? ` (did you mean ${quoteName(suggestion)}?)` : ` (known keys: ${METADATA_KEYS.join(", ")})`;
      report("UNKNOWN_KEY", `unknown key ${quoteName(key.value)}${hint}`, keyPosition);
      continue;
    }
    pairs.set(key.value as MetadataKey, pair);
  }

  const result: ParsedMetadata = { name: context.defaultName, positions: {} };
  const valueAt = (key: MetadataKey) => at(pairs.get(key)?.value?.range?.[0]) ?? result.positions[key];
  for (const key of pairs.keys()) {
    const position = at(pairs.get(key)!.key.range?.[0]);
    if (position) result.positions[key] = position;
  }

  // name first: every later issue names the pipeline.
  if (pairs.has("name")) {
    const name = values.name;
    if (typeof name !== "string") {
      report(
        "WRONG_TYPE",
        name === null
          ? "name is empty; remove the key to use the file name"
          : `name must be a string, got ${describeValue(name)}${typeof name === "number" || typeof name === "boolean" ? " (quote it)" : ""}`,
        valueAt("name"),
      );
    } else {
      if (checkName(name, (code, message) => report(code, message, valueAt("name")))) {
        result.name = name;
        pipeline = name;
      }
    }
  } else {
    checkName(context.defaultName, (code, message) => report(code, `${message} (the name comes from the file name)`));
  }

  if (pairs.has("enabled")) {
    const enabled = values.enabled;
    if (typeof enabled === "boolean") result.enabled = enabled;
    else report("WRONG_TYPE", `enabled must be true or false, got ${describeValue(enabled)}${booleanHint(enabled)}`, valueAt("enabled"));
  }

  if (pairs.has("matchers")) {
    const matchers = values.matchers;
    const node = pairs.get("matchers")!.value;
    if (matchers === null) {
      result.matchers = [];
    } else if (!Array.isArray(matchers)) {
      report(
        "WRONG_TYPE",
        `matchers must be a list of strings, got ${describeValue(matchers)}${typeof matchers === "string" ? ` (write it as a list: matchers: [${JSON.stringify(matchers)}])` : ""}`,
        valueAt("matchers"),
      );
    } else if (matchers.length > context.maxMatchers) {
      report("TOO_MANY_MATCHERS", `has ${matchers.length} matchers, over the limit of ${context.maxMatchers}`, valueAt("matchers"));
    } else {
      const items = isSeq(node) ? node.items : [];
      let ok = true;
      matchers.forEach((matcher: unknown, index) => {
        const itemPosition = at((items[index] as YamlNode | undefined)?.range?.[0]) ?? valueAt("matchers");
        if (typeof matcher !== "string") {
          ok = false;
          const mapping = matcher !== null && typeof matcher === "object" && !Array.isArray(matcher);
          report(
            "WRONG_TYPE",
            `matcher ${index + 1} must be a string, got ${describeValue(matcher)}${mapping ? ' (quote the whole matcher, e.g. - \'env="prod"\')' : ""}`,
            itemPosition,
          );
        } else if (matcher.trim() === "") {
          ok = false;
          report("INVALID_VALUE", `matcher ${index + 1} is empty`, itemPosition);
        } else if (hasUnsafeCharacters(matcher)) {
          ok = false;
          report("CONTROL_CHARACTERS", `matcher ${index + 1} contains control characters`, itemPosition);
        }
      });
      if (ok) result.matchers = matchers as string[];
    }
  }

  if (pairs.has("config_type")) {
    const configType = values.config_type;
    if (typeof configType !== "string") {
      report("WRONG_TYPE", `config_type must be "alloy" or "otel", got ${describeValue(configType)}`, valueAt("config_type"));
    } else if (!(CONFIG_TYPES as readonly string[]).includes(configType)) {
      const folded = configType.toLowerCase().replace(/^config_type_/, "");
      const suggestion = CONFIG_TYPES.find((t) => t === folded || (t === "otel" && folded === "opentelemetry"));
      report(
        "INVALID_VALUE",
        `config_type must be "alloy" or "otel", got ${quoteName(configType)}${suggestion ? ` (did you mean ${quoteName(suggestion)}?)` : ""}`,
        valueAt("config_type"),
      );
    } else {
      result.configType = configType as ConfigTypeName;
    }
  }

  if (pairs.has("metadata")) {
    const metadata = values.metadata;
    if (metadata === null) {
      // `metadata:` with nothing after it: no metadata.
    } else if (!isPlainObject(metadata)) {
      report("WRONG_TYPE", `metadata must be a mapping (a JSON object), got ${describeValue(metadata)}`, valueAt("metadata"));
    } else {
      const problem = findNonJson(metadata, "metadata");
      if (problem) report("INVALID_VALUE", problem, valueAt("metadata"));
      else result.metadata = metadata as JsonObject;
    }
  }

  if (pairs.has("contents")) {
    const contents = values.contents;
    if (typeof contents !== "string") {
      const collection = contents !== null && typeof contents === "object";
      report(
        "WRONG_TYPE",
        `contents must be a string, got ${describeValue(contents)}${collection ? " (write the configuration as a block scalar: `contents: |`)" : ""}`,
        valueAt("contents"),
      );
    } else if (contents === "") {
      // Whitespace-only contents written inline are kept: that is how export
      // writes a pipeline whose contents are only whitespace.
      report("EMPTY_CONTENTS", "contents is empty", valueAt("contents"));
    } else if (contents.includes("\u0000")) {
      report("CONTROL_CHARACTERS", "contents contains a NUL character", valueAt("contents"));
    } else {
      result.contents = contents;
    }
  }

  if (pairs.has("contents_file")) {
    const contentsFile = values.contents_file;
    if (typeof contentsFile !== "string") {
      report("WRONG_TYPE", `contents_file must be a path (a string), got ${describeValue(contentsFile)}`, valueAt("contents_file"));
    } else if (contentsFile.trim() === "") {
      report("INVALID_VALUE", "contents_file is empty", valueAt("contents_file"));
    } else if (hasUnsafeCharacters(contentsFile)) {
      report("CONTROL_CHARACTERS", "contents_file contains control characters", valueAt("contents_file"));
    } else {
      result.contentsFile = contentsFile;
    }
  }

  if (pairs.has("contents") && pairs.has("contents_file")) {
    report("CONFLICTING_CONTENTS", "has both contents and contents_file; keep one", result.positions.contents_file);
  }

  return result;
}

/**
 * Checks a pipeline name; returns whether it is usable. Leading or trailing
 * whitespace and tabs are allowed: the service accepts them, so an exported
 * pipeline named so must load back (renderers show them visibly, and the plan
 * warns when they make two names look alike).
 */
function checkName(name: string, fail: (code: LoadIssueCode, message: string) => void): boolean {
  if (name.trim() === "") {
    fail("INVALID_NAME", "name is empty");
    return false;
  }
  if (hasUnsafeNameCharacters(name)) {
    fail("CONTROL_CHARACTERS", `name ${quoteName(name.length > 80 ? name.slice(0, 80) + "…" : name)} contains control characters`);
    return false;
  }
  if (name.length > MAX_NAME_BYTES / 3 && nameBytes(name) > MAX_NAME_BYTES) {
    fail("INVALID_NAME", `name is ${nameBytes(name)} bytes long (UTF-8); the limit is ${MAX_NAME_BYTES} bytes`);
    return false;
  }
  return true;
}

function booleanHint(value: unknown): string {
  if (typeof value !== "string") return "";
  const lower = value.toLowerCase();
  if (lower === "true" || lower === "false") return ` (a quoted ${JSON.stringify(value)} is a string; write ${lower} without quotes)`;
  if (["yes", "no", "on", "off", "y", "n"].includes(lower)) return " (YAML 1.2 reads yes/no/on/off as strings; write true or false)";
  return "";
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Describes the first value that JSON cannot carry, or undefined. Iterative; depth is already bounded. */
function findNonJson(root: unknown, rootPath: string): string | undefined {
  const stack: [unknown, string][] = [[root, rootPath]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (value === null || typeof value === "string" || typeof value === "boolean") continue;
    if (typeof value === "number") {
      if (!Number.isFinite(value)) return `${path} is ${String(value)}, which JSON cannot represent`;
      continue;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push([item, `${path}[${i}]`]));
      continue;
    }
    if (isPlainObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        // A key that changes an object's prototype when copied with Object.assign has no business in data.
        if (key === "__proto__") return `${path} has the key "__proto__", which is not allowed`;
        stack.push([item, `${path}.${key}`]);
      }
      continue;
    }
    return `${path} is ${describeValue(value)}, which is not JSON (metadata must be a JSON object)`;
  }
  return undefined;
}

function describeValue(value: unknown): string {
  if (value === null) return "nothing (null)";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      return `the string ${quoteName(value.length > 40 ? value.slice(0, 40) + "…" : value)}`;
    case "number":
      return `the number ${String(value)}`;
    case "boolean":
      return `the boolean ${String(value)}`;
    case "bigint":
      return "a big integer";
    case "object": {
      if (isPlainObject(value)) return "a mapping";
      const name = (value as object).constructor?.name;
      return name ? `a ${name}` : "an object";
    }
    default:
      return `a ${typeof value}`;
  }
}

function describeNode(node: unknown): string {
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) return describeValue(node.value);
  return "an alias or complex key";
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// The byte scan runs before the parser fills the line counter; count lines up
// to the offset so the TOO_DEEP issue still has a line.
function countLines(lines: LineCounter, text: string, upTo: number): void {
  lines.addNewLine(0);
  for (let i = text.indexOf("\n"); i >= 0 && i < upTo; i = text.indexOf("\n", i + 1)) lines.addNewLine(i + 1);
}


/**
 * Reports every key that repeats an earlier key of the same map, in linear
 * time: scalar keys by value, in a Set per map (what the YAML library
 * compares, without its pairwise scan).
 */
function findDuplicateKeys(document: Document, report: (offset: number | undefined) => void): void {
  visit(document, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = pair.key;
        if (!isScalar(key)) continue;
        if (seen.has(key.value)) report(key.range?.[0]);
        else seen.add(key.value);
      }
    },
  });
}

/**
 * How many nodes the aliases add when expanded, nested aliases included;
 * stops counting past `budget`. An alias that leads back into its own anchor
 * counts as over budget.
 */
function aliasExpansion(aliases: readonly Alias[], targets: ReadonlyMap<Alias, YamlNode>, budget: number): number {
  const sizes = new Map<YamlNode, number>();
  const inProgress = new Set<YamlNode>();
  // Nodes under `root`, each alias counted as what it expands to. Iterative
  // within a tree; recursive only from an alias to its anchor (at most
  // MAX_ALIAS_COUNT deep).
  const sizeOf = (root: YamlNode): number => {
    const known = sizes.get(root);
    if (known !== undefined) return known;
    if (inProgress.has(root)) return Infinity;
    inProgress.add(root);
    let size = 0;
    const stack: unknown[] = [root];
    while (stack.length > 0 && size <= budget) {
      const node = stack.pop();
      if (isAlias(node)) {
        const target = targets.get(node);
        size += target === undefined ? 1 : sizeOf(target);
      } else if (isMap(node) || isSeq(node)) {
        size += 1;
        for (const item of node.items) stack.push(item);
      } else if (isPair(node)) {
        stack.push(node.key, node.value);
      } else if (isNode(node)) {
        size += 1;
      }
    }
    inProgress.delete(root);
    sizes.set(root, size);
    return size;
  };
  let total = 0;
  for (const alias of aliases) {
    const target = targets.get(alias);
    if (target !== undefined) total += sizeOf(target);
    if (total > budget) break;
  }
  return total;
}

/**
 * Offset of the line that starts top-level key number `limit + 1`, or -1:
 * counts lines that start with something other than indentation, a comment,
 * a list item or a document marker. Linear, before any parsing, so that a
 * file of 60 000 keys is refused without building 60 000 nodes (a mapping
 * written in flow style is counted after composing instead).
 */
function scanTopLevelKeys(text: string, limit: number): number {
  let count = 0;
  for (let start = 0; start < text.length; ) {
    const c = text.charCodeAt(start);
    const plain = c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x23 /* # */ && c !== 0x2d /* - */ && c !== 0x2e /* . */ && c !== 0x25; /* % */
    if (plain && ++count > limit) return start;
    const end = text.indexOf("\n", start);
    if (end < 0) break;
    start = end + 1;
  }
  return -1;
}
