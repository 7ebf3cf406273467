// Cross-pipeline dependencies. A Fleet Management pipeline can read another
// pipeline's `export` blocks through `argument.pipeline_exports.value["P"]["E"]`,
// and the collector attributes the service injects through
// `argument.attributes.value["K"]`. No other tool checks these: a pipeline
// deleted or renamed under its readers, or an exporter whose matchers reach
// fewer collectors than its reader, breaks collectors only once applied.
// Pure: contents (remote ones too) are parsed here from the strings.
import { parseAlloy } from "../alloy/index.js";
import { compileMatchers, FLEET_EMPTY_MATCHERS, parseMatcher, type Matcher } from "../matchers/index.js";
import { canonicalMatcherOrRaw, formatSource, type NormalizedPipelineSpec, type RemotePipeline } from "../pipelines/index.js";
import { pipelineInterface, type PipelineInterface } from "./alloy-references.js";
import { listNames, makeFinding, plural } from "./findings.js";
import { nameListArgument } from "./flag-value.js";
import type { Finding, PlanAction, SyncPolicy } from "./types.js";

/** One collector as the plan sees it: its id and the attributes matchers are evaluated on. */
export interface CollectorInventoryEntry {
  /** The collector's id. */
  id: string;
  /** Effective attributes (local and remote merged), as matchers see them. */
  attributes: Readonly<Record<string, string>>;
}

export interface DependencyCheckInput {
  actions: readonly PlanAction[];
  desired: ReadonlyMap<string, NormalizedPipelineSpec>;
  remote: ReadonlyMap<string, RemotePipeline>;
  policy: SyncPolicy;
  /** The enabled collectors; when given, reach is decided on them instead of the matchers alone. */
  collectors?: readonly CollectorInventoryEntry[] | undefined;
}

/** Collectors named in one finding; the rest are counted. */
const MAX_COLLECTORS_NAMED = 5;

interface Side {
  name: string;
  spec: NormalizedPipelineSpec;
  /** Undefined when the contents are not Alloy or do not parse. */
  iface: PipelineInterface | undefined;
  /** The remote pipeline, when the service holds it (before the plan). */
  remote?: RemotePipeline;
  /** True when the spec comes from the desired set. */
  desired: boolean;
}

export function dependencyFindings(input: DependencyCheckInput): Finding[] {
  const interfaces = new Map<string, PipelineInterface | undefined>();
  const read = (spec: NormalizedPipelineSpec): PipelineInterface | undefined => {
    if (spec.configType !== "alloy") return undefined;
    // Same text, same interface: an unchanged pipeline is parsed once for both states.
    if (interfaces.has(spec.contents)) return interfaces.get(spec.contents);
    const parsed = parseAlloy(spec.contents);
    const iface = parsed.diagnostics.some((d) => d.severity === "error") ? undefined : pipelineInterface(parsed.file);
    interfaces.set(spec.contents, iface);
    return iface;
  };

  const before = new Map<string, Side>();
  for (const [name, r] of input.remote) before.set(name, { name, spec: r.spec, iface: undefined, remote: r, desired: false });
  const deleted = new Set(input.actions.filter((a) => a.kind === "delete").map((a) => a.name));
  const after = new Map<string, Side>();
  for (const [name, side] of before) if (!deleted.has(name)) after.set(name, side);
  for (const [name, spec] of input.desired) {
    const remote = input.remote.get(name);
    after.set(name, { name, spec, iface: undefined, ...(remote ? { remote } : {}), desired: true });
  }
  const iface = (side: Side | undefined) => (side === undefined ? undefined : (side.iface ??= read(side.spec)));
  const created = input.actions.filter((a) => a.kind === "create").map((a) => a.name);

  const findings: Finding[] = [];
  const collectors = input.collectors;
  for (const reader of [...after.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const readerIface = iface(reader);
    if (readerIface === undefined) continue;
    const seen = new Set<string>();
    for (const ref of readerIface.exportReferences) {
      const key = `${ref.pipeline}\u0000${ref.export ?? ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const where = placeOf(reader, ref);
      const what = ref.export === undefined ? `the exports of ${quote(ref.pipeline)}` : `export ${quote(ref.export)} of ${quote(ref.pipeline)}`;
      const exporterAfter = after.get(ref.pipeline);
      const problemAfter = unresolved(exporterAfter, iface(exporterAfter), ref.export);
      if (problemAfter === undefined) {
        if (reader.desired || exporterAfter!.desired) {
          for (const f of reachFindings(reader, exporterAfter!, where, what, collectors)) findings.push(f);
        }
        continue;
      }
      const exporterBefore = before.get(ref.pipeline);
      const resolvedBefore = unresolved(exporterBefore, iface(exporterBefore), ref.export) === undefined;
      const renamedTo = deleted.has(ref.pipeline) ? created.find((n) => providesAll(iface(after.get(n)), exporterBefore, iface(exporterBefore))) : undefined;
      const change = deleted.has(ref.pipeline)
        ? `this plan deletes ${quote(ref.pipeline)}${renamedTo === undefined ? "" : ` (renamed to ${quote(renamedTo)}?)`}`
        : resolvedBefore
          ? `this plan changes ${quote(ref.pipeline)}: ${problemAfter}`
          : problemAfter;
      if (reader.desired) {
        findings.push(
          makeFinding({
            code: "DEPENDENCY_MISSING",
            blocking: true,
            message: `${where.label} reads ${what}, but ${change}`,
            hint:
              renamedTo !== undefined
                ? `update the reference to value[${JSON.stringify(renamedTo)}], or keep ${quote(ref.pipeline)}`
                : `define the pipeline and its export block, or remove the reference; the collectors would fail to load ${quote(reader.name)}`,
            names: [reader.name, ref.pipeline],
            files: [where.file],
            ...where.position,
          }),
        );
      } else if (resolvedBefore) {
        const allowed = breakAllowed(input.policy, ref.pipeline);
        // A disabled reader reaches no collector: the break hurts once it is enabled again.
        const harm = reader.spec.enabled ? "the collectors it reaches would fail to load it" : "it is disabled, but would fail to load once enabled";
        findings.push(
          makeFinding({
            code: "DEPENDENCY_BROKEN",
            blocking: !allowed && reader.spec.enabled,
            message: `${where.label} reads ${what}, and ${change}: ${harm}`,
            hint: allowed
              ? "the break is allowed by the policy (allowDependencyBreak); update the reading pipeline at its source"
              : `keep ${quote(ref.pipeline)} and its export, update ${quote(reader.name)} at its source first, or pass --allow-dependency-break ${nameListArgument([ref.pipeline])}`,
            names: [reader.name, ref.pipeline],
            files: [where.file],
            ...where.position,
          }),
        );
      }
    }
    if (collectors !== undefined && reader.desired && reader.spec.enabled) {
      for (const f of attributeFindings(reader, readerIface, collectors)) findings.push(f);
    }
  }
  return findings;
}

/** Why the reference does not resolve against `side`, or undefined when it does. */
function unresolved(side: Side | undefined, sideIface: PipelineInterface | undefined, exportName: string | undefined): string | undefined {
  if (side === undefined) return "no pipeline of that name will exist";
  if (side.spec.configType !== "alloy") return `${quote(side.name)} is an OpenTelemetry pipeline, which has no exports`;
  if (sideIface === undefined) return `the contents of ${quote(side.name)} do not parse`;
  if (exportName !== undefined && !sideIface.exports.has(exportName)) {
    const known = [...sideIface.exports].sort();
    const has = known.length === 0 ? "no export blocks" : `only ${listNames(known)}`;
    return `${quote(side.name)} has no export "${exportName}" (it defines ${has})`;
  }
  return undefined;
}

/** Whether a created pipeline offers every export the deleted one offered (a likely rename). */
function providesAll(candidate: PipelineInterface | undefined, old: Side | undefined, oldIface: PipelineInterface | undefined): boolean {
  if (candidate === undefined || old === undefined || oldIface === undefined || oldIface.exports.size === 0) return false;
  return [...oldIface.exports].every((e) => candidate.exports.has(e));
}

function breakAllowed(policy: SyncPolicy, name: string): boolean {
  const allow = policy.allowDependencyBreak;
  return allow === "*" || (allow !== undefined && allow.includes(name));
}

interface Place {
  /** `file:line: pipeline "x"` or `pipeline "x" (on the service, ...)`, for messages. */
  label: string;
  file: string | undefined;
  position: { line?: number; column?: number };
}

/** Where a reference is: the reader's contents file and line, or the metadata file for inline contents. */
function placeOf(reader: Side, ref: { line: number; column: number }): Place {
  const spec = reader.spec;
  if (!reader.desired) {
    const from = reader.remote?.source ? formatSource(reader.remote.source) : "no source";
    return { label: `pipeline ${quote(reader.name)} (on the service, ${from}; line ${ref.line} of its contents)`, file: undefined, position: {} };
  }
  if (spec.contentsFile !== undefined) {
    return {
      label: `pipeline ${quote(reader.name)} (${spec.contentsFile}, line ${ref.line})`,
      file: spec.contentsFile,
      position: { line: ref.line, column: ref.column },
    };
  }
  const line = spec.contentsLine === undefined ? undefined : spec.contentsLine + ref.line - 1;
  return {
    label: `pipeline ${quote(reader.name)} (line ${ref.line} of its ${spec.file === undefined ? "" : "inline "}contents)`,
    file: spec.file,
    position: line === undefined || spec.file === undefined ? {} : { line },
  };
}

/**
 * The exporter must reach every collector the reader reaches, or the reader
 * fails to load on the collectors it does not. Decided from the inventory
 * when there is one, else from the matchers when they settle it.
 */
function reachFindings(
  reader: Side,
  exporter: Side,
  where: Place,
  what: string,
  collectors: readonly CollectorInventoryEntry[] | undefined,
): Finding[] {
  if (!reader.spec.enabled) return [];
  const names = [reader.name, exporter.name];
  const base = { code: "DEPENDENCY_REACH" as const, blocking: false, names, files: [where.file], ...where.position };
  const fixHint = `give ${quote(exporter.name)} matchers that select at least every collector ${quote(reader.name)} selects (e.g. the same matchers, or fewer of them)`;
  if (!exporter.spec.enabled) {
    return [makeFinding({ ...base, message: `${where.label} reads ${what}, but ${quote(exporter.name)} is disabled: it reaches no collector`, hint: `enable ${quote(exporter.name)}, or stop reading its exports` })];
  }
  const readerMatch = collectors === undefined ? undefined : selector(reader.spec.matchers);
  const exporterMatch = collectors === undefined ? undefined : selector(exporter.spec.matchers);
  if (collectors !== undefined && readerMatch !== undefined && exporterMatch !== undefined) {
    const missing = collectors.filter((c) => readerMatch(c.attributes) && !exporterMatch(c.attributes)).map((c) => c.id);
    if (missing.length === 0) return [];
    return [
      makeFinding({
        ...base,
        message: `${where.label} reads ${what}, but ${plural(missing.length, "collector")} that ${quote(reader.name)} reaches ${missing.length === 1 ? "is" : "are"} not reached by ${quote(exporter.name)}: ${listNames(missing.sort(), MAX_COLLECTORS_NAMED)}`,
        hint: fixHint,
      }),
    ];
  }
  const verdict = reachVerdict(reader.spec.matchers, exporter.spec.matchers);
  if (verdict === "covers") return [];
  if (verdict === "misses") {
    return [
      makeFinding({
        ...base,
        message: `${where.label} reads ${what}, but the matchers of ${quote(exporter.name)} (${shownMatchers(exporter.spec.matchers)}) select none of the collectors that ${quote(reader.name)} selects (${shownMatchers(reader.spec.matchers)})`,
        hint: fixHint,
      }),
    ];
  }
  return [
    makeFinding({
      ...base,
      severity: "info",
      message: `${where.label} reads ${what}; the matchers alone do not tell whether ${quote(exporter.name)} (${shownMatchers(exporter.spec.matchers)}) reaches every collector ${quote(reader.name)} (${shownMatchers(reader.spec.matchers)}) reaches`,
      hint: "run the plan with --collectors to check against the collectors on the service",
    }),
  ];
}

/**
 * What the matchers settle about "every collector the reader selects is
 * selected by the exporter": `covers` (certainly), `misses` (certainly none
 * is, while the reader may select some), or `unknown`.
 */
export function reachVerdict(readerMatchers: readonly string[], exporterMatchers: readonly string[]): "covers" | "misses" | "unknown" {
  const emptySelectsAll = FLEET_EMPTY_MATCHERS === "all";
  if (readerMatchers.length === 0 && !emptySelectsAll) return "covers"; // the reader reaches nothing
  if (exporterMatchers.length === 0) {
    if (emptySelectsAll) return "covers";
    return "misses";
  }
  if (readerMatchers.length === 0) return "unknown"; // the reader reaches everything; the exporter some
  const reader = parseAll(readerMatchers);
  const exporter = parseAll(exporterMatchers);
  if (reader === undefined || exporter === undefined) return "unknown";
  const readerCanonical = new Set(readerMatchers.map(canonicalMatcherOrRaw));
  // Attributes the reader fixes: every collector it selects has these values.
  const fixed = new Map<string, string>();
  for (const m of reader) if (m.op === "=") fixed.set(m.name, m.value);
  let certain = true;
  for (let i = 0; i < exporter.length; i++) {
    const m = exporter[i]!;
    if (readerCanonical.has(canonicalMatcherOrRaw(exporterMatchers[i]!))) continue;
    const value = fixed.get(m.name);
    if (value === undefined) {
      certain = false;
      continue;
    }
    if (!compileMatchers([m])({ [m.name]: value })) return "misses";
  }
  return certain ? "covers" : "unknown";
}

function parseAll(texts: readonly string[]): Matcher[] | undefined {
  try {
    return texts.map((t) => parseMatcher(t));
  } catch {
    return undefined; // invalid matchers are INVALID_PIPELINE already
  }
}

/** The compiled matchers, or undefined when one does not parse (that is INVALID_PIPELINE already). */
function selector(matchers: readonly string[]): ((attributes: Readonly<Record<string, string>>) => boolean) | undefined {
  try {
    return compileMatchers(matchers, { emptyMatchers: FLEET_EMPTY_MATCHERS });
  } catch {
    return undefined;
  }
}

/** With the inventory: collectors a pipeline reaches that lack an attribute it reads. */
function attributeFindings(reader: Side, readerIface: PipelineInterface, collectors: readonly CollectorInventoryEntry[]): Finding[] {
  const match = selector(reader.spec.matchers);
  if (match === undefined) return [];
  const reached = collectors.filter((c) => match(c.attributes));
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const ref of readerIface.attributeReferences) {
    if (seen.has(ref.key)) continue;
    seen.add(ref.key);
    const lacking = reached.filter((c) => !Object.prototype.hasOwnProperty.call(c.attributes, ref.key)).map((c) => c.id);
    if (lacking.length === 0) continue;
    const where = placeOf(reader, ref);
    findings.push(
      makeFinding({
        code: "ATTRIBUTE_MISSING",
        blocking: false,
        message: `${where.label} reads the collector attribute ${quote(ref.key)}, which ${plural(lacking.length, "collector")} it reaches ${lacking.length === 1 ? "does" : "do"} not have: ${listNames(lacking.sort(), MAX_COLLECTORS_NAMED)}`,
        hint: `set the attribute ${quote(ref.key)} on those collectors, or narrow the matchers of ${quote(reader.name)} to collectors that have it`,
        names: [reader.name],
        files: [where.file],
        ...where.position,
      }),
    );
  }
  return findings;
}

function shownMatchers(matchers: readonly string[]): string {
  return matchers.length === 0 ? "no matchers" : matchers.join(", ");
}

function quote(name: string): string {
  return JSON.stringify(name);
}
