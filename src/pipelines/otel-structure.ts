// Structure of an OpenTelemetry Collector configuration, beyond "is YAML":
// every component a service pipeline lists must be defined in the file. The
// collector refuses to start otherwise, so a pipeline that passes here and
// fails on every collector it reaches is caught before it is sent.
import { isAlias, isMap, isScalar, isSeq, type Document, type Node } from "yaml";

/** The top-level sections a pipeline entry may name, by the list it appears in. */
const SECTIONS_FOR_LIST = {
  // A connector joins two pipelines: it is an exporter of one and a receiver of the other.
  receivers: ["receivers", "connectors"],
  processors: ["processors"],
  exporters: ["exporters", "connectors"],
} as const;

type PipelineList = keyof typeof SECTIONS_FOR_LIST;

/** One component a service pipeline uses but the file does not define. */
export interface OtelStructureIssue {
  /** What is wrong, naming the service pipeline and the component. */
  reason: string;
  /** 1-based line of the offending entry in the contents, when known. */
  line?: number;
  /** 1-based column (UTF-16 code units), with `line`. */
  column?: number;
}

/**
 * Checks the parsed contents: `service.pipelines.<id>.{receivers,processors,exporters}`
 * name only components defined in the top-level `receivers`, `processors`,
 * `exporters` and `connectors` mappings (connectors count as receivers and
 * as exporters), and `service.extensions` only defined `extensions`. A file
 * without a `service` section is left alone (nothing to cross-check).
 */
export function checkOtelStructure(doc: Document, text: string): OtelStructureIssue[] {
  const issues: OtelStructureIssue[] = [];
  const root = resolve(doc, doc.contents);
  if (!isMap(root)) return issues;
  const defined = (section: string): Set<string> => {
    const node = resolve(doc, root.get(section, true));
    const ids = new Set<string>();
    if (isMap(node)) for (const pair of node.items) ids.add(scalarText(resolve(doc, pair.key)) ?? "");
    return ids;
  };
  const at = (node: Node | null | undefined): Pick<OtelStructureIssue, "line" | "column"> => {
    const offset = node?.range?.[0];
    return offset === undefined ? {} : positionAt(text, offset);
  };

  const service = resolve(doc, root.get("service", true));
  if (!isMap(service)) return issues;

  const extensions = resolve(doc, service.get("extensions", true));
  if (isSeq(extensions)) {
    const known = defined("extensions");
    for (const item of extensions.items) {
      const entry = resolve(doc, item as Node);
      const id = scalarText(entry);
      if (id !== undefined && !known.has(id)) {
        issues.push({ reason: `service.extensions lists ${JSON.stringify(id)}, which is not defined under extensions`, ...at(entry) });
      }
    }
  }

  const pipelines = resolve(doc, service.get("pipelines", true));
  if (!isMap(pipelines)) return issues;
  const sections = new Map<string, Set<string>>();
  const sectionIds = (name: string) => {
    let ids = sections.get(name);
    if (ids === undefined) sections.set(name, (ids = defined(name)));
    return ids;
  };
  for (const pair of pipelines.items) {
    const pipelineId = scalarText(resolve(doc, pair.key)) ?? "";
    const body = resolve(doc, pair.value as Node | null);
    if (!isMap(body)) continue;
    for (const list of Object.keys(SECTIONS_FOR_LIST) as PipelineList[]) {
      const entries = resolve(doc, body.get(list, true));
      if (entries === undefined || entries === null) continue;
      const where = `service pipeline ${JSON.stringify(pipelineId)}`;
      if (!isSeq(entries)) {
        issues.push({ reason: `${where}: ${list} must be a list of component ids`, ...at(entries) });
        continue;
      }
      const allowed = SECTIONS_FOR_LIST[list];
      for (const item of entries.items) {
        const entry = resolve(doc, item as Node);
        const id = scalarText(entry);
        if (id === undefined) {
          issues.push({ reason: `${where}: an entry of ${list} is not a component id`, ...at(entry) });
          continue;
        }
        if (allowed.some((section) => sectionIds(section).has(id))) continue;
        const kind = list.slice(0, -1); // receiver, processor, exporter
        const sectionsText = allowed.join(" or ");
        const elsewhere = otherSection(id, list, sectionIds);
        const hint = elsewhere === undefined ? "" : ` (it is defined under ${elsewhere}, which cannot be used as ${article(kind)})`;
        issues.push({ reason: `${where} uses the ${kind} ${JSON.stringify(id)}, which is not defined under ${sectionsText}${hint}`, ...at(entry) });
      }
    }
  }
  return issues;
}

function otherSection(id: string, list: PipelineList, sectionIds: (name: string) => Set<string>): string | undefined {
  const allowed: readonly string[] = SECTIONS_FOR_LIST[list];
  return ["receivers", "processors", "exporters", "connectors", "extensions"].find((s) => !allowed.includes(s) && sectionIds(s).has(id));
}

function article(kind: string): string {
  return `${/^[aeiou]/.test(kind) ? "an" : "a"} ${kind}`;
}

function resolve(doc: Document, node: unknown): Node | null | undefined {
  // One level of alias is all YAML allows (an alias names an anchored node, never another alias).
  if (isAlias(node)) return node.resolve(doc) as Node | undefined;
  return node as Node | null | undefined;
}

/** The text of a scalar node (numbers as written, e.g. `otlp/2` or a bare `1`), else undefined. */
function scalarText(node: Node | null | undefined): string | undefined {
  if (!isScalar(node)) return undefined;
  const value = node.value;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return node.source ?? String(value);
  return undefined;
}

function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
