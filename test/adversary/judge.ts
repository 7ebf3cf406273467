// The independent judge of one run of ours against the second writer. It
// reads only what the emulator shows (its pipelines and its revision log),
// which revisions the second writer made, and what our run said (the result
// or the error, as JSON). It imports nothing of the library: its own field
// comparison, its own matcher evaluation, its own replay of the revisions.
//
// I1 no pipeline outside the scope was changed by our writes, except an
//    allowed takeover; where it happened anyway, the run failed and named it.
// I2 every pipeline of the scope is as it was, as desired, or as the second
//    writer left it; nothing the second writer made after the plan's listing
//    was overwritten, deleted or (deleted by it) re-created by us without the
//    run failing and naming it with its previous contents.
// I3 the result or the error lists exactly the writes of ours that took effect.
// I4 a failed run that did not complete its writes left no collector with
//    fewer pipelines through our deletes, unless the limit forced the delete
//    and the result says so.
import type { PipelineJson, PipelineRevisionJson } from "../../src/emulator/index.js";
import type { DesiredDef } from "./scenario.js";

export type Invariant = "I1" | "I2" | "I3" | "I4";
export const INVARIANTS: readonly Invariant[] = ["I1", "I2", "I3", "I4"];

export interface ClaimedChanges {
  created: string[];
  updated: string[];
  deleted: string[];
  takenOver: string[];
  /** Another writer's pipelines the run says it replaced or deleted (also writes that took effect). */
  overwritten?: { name: string; action: string }[];
}

export interface RunEvidence {
  /** The scope in protojson names, e.g. `{type: "SOURCE_TYPE_GIT", namespace: "ns"}`. */
  scope: { type: string; namespace: string };
  desired: readonly DesiredDef[];
  /** Names the policy allows to take over ("*": all). */
  allowTakeover: readonly string[];
  /** The stack before the first revision of the trial (seeded state). */
  trialStart: readonly PipelineJson[];
  runStart: readonly PipelineJson[];
  end: readonly PipelineJson[];
  /** Every revision of the trial, oldest first. */
  revisions: readonly PipelineRevisionJson[];
  /** The first revision id (numeric) that this run could have made. */
  firstRevisionOfRun: number;
  /** Revision ids the second writer made. */
  secondWriter: ReadonlySet<string>;
  /** Revisions with a numeric id up to this one had happened when the plan's listing was answered. */
  planSawUpTo: number;
  /** The stack's pipeline limit when the run started. */
  limitAtStart: number;
  outcome: {
    failed: boolean;
    /** From the result (success) or the error's result; absent when the run gave none. */
    changes?: ClaimedChanges;
    /** Everything the run said (error and result as JSON, CLI output): where names and previous contents are looked for. */
    report: string;
  };
  collectors: readonly Record<string, string>[];
}

export type Verdict = Record<Invariant, string[]>;

// ---- comparison, independent of the library --------------------------------

function sourceKey(source: PipelineJson["source"]): string {
  return source === undefined ? "none" : `${source.type}/${source.namespace}`;
}

/** Spaces and the quotes around a plain label name do not change a matcher's meaning. */
function normalizeMatcher(m: string): string {
  return m.replace(/\s+/g, "").replace(/^"([\w.]+)"(?=[=!])/, "$1");
}

/** JSON with object keys sorted, so that key order does not count as a change. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_k, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function matcherKey(matchers: readonly string[]): string {
  return JSON.stringify([...new Set(matchers.map(normalizeMatcher))].sort());
}

/** The user-visible fields; ids and timestamps left out. */
function visibleKey(p: PipelineJson | undefined): string {
  if (p === undefined) return "absent";
  return JSON.stringify([
    p.name,
    p.contents,
    matcherKey(p.matchers ?? []),
    p.enabled ?? false,
    p.configType,
    sourceKey(p.source),
    sortedJson(p.metadata),
  ]);
}

function inScope(p: PipelineJson | undefined, scope: RunEvidence["scope"]): boolean {
  return p?.source !== undefined && p.source.type === scope.type && p.source.namespace === scope.namespace;
}

function isDesired(p: PipelineJson | undefined, d: DesiredDef | undefined, scope: RunEvidence["scope"]): boolean {
  return (
    p !== undefined &&
    d !== undefined &&
    inScope(p, scope) &&
    p.contents === d.contents &&
    matcherKey(p.matchers ?? []) === matcherKey(d.matchers) &&
    (p.enabled ?? false) === d.enabled &&
    p.configType === (d.configType === "otel" ? "CONFIG_TYPE_OTEL" : "CONFIG_TYPE_ALLOY") &&
    sortedJson(p.metadata) === sortedJson(d.metadata)
  );
}

/** `key="v"` / `key!="v"`, the only forms the scenarios use; anything else matches nothing. */
export function matcherHolds(matcher: string, attributes: Readonly<Record<string, string>>): boolean {
  const m = /^\s*"?([\w.]+)"?\s*(!=|=)\s*"(.*)"\s*$/.exec(matcher);
  if (m === null) return false;
  const value = attributes[m[1]!] ?? "";
  return m[2] === "=" ? value === m[3] : value !== m[3];
}

/** What a collector receives: enabled Alloy pipelines whose matchers all hold; no matchers: nothing (the emulator's default). */
export function delivered(pipelines: Iterable<PipelineJson>, attributes: Readonly<Record<string, string>>): Set<string> {
  const names = new Set<string>();
  for (const p of pipelines) {
    const matchers = p.matchers ?? [];
    if (p.enabled !== true || p.configType === "CONFIG_TYPE_OTEL" || matchers.length === 0) continue;
    if (matchers.every((m) => matcherHolds(m, attributes))) names.add(p.name);
  }
  return names;
}

// ---- replay -----------------------------------------------------------------

interface NameState {
  pipeline: PipelineJson | undefined;
  /** The revision that made this state (0: the seeded start). */
  revision: number;
  bySecondWriter: boolean;
}

function revisionNumber(r: PipelineRevisionJson): number {
  return Number(r.revisionId);
}

function apply(state: Map<string, NameState>, r: PipelineRevisionJson, bySecondWriter: boolean): void {
  const name = r.snapshot.name;
  state.set(name, { pipeline: r.operation === "DELETE" ? undefined : r.snapshot, revision: revisionNumber(r), bySecondWriter });
}

function startState(pipelines: readonly PipelineJson[]): Map<string, NameState> {
  return new Map(pipelines.map((p) => [p.name, { pipeline: p, revision: 0, bySecondWriter: false }]));
}

/** Looks for a name (quoted, as in JSON or in prose) in what the run said. */
function names(report: string, name: string): boolean {
  return report.includes(`"${name}"`) || report.includes(`\\"${name}\\"`) || new RegExp(`(^|[^\\w.-])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}([^\\w.-]|$)`).test(report);
}

/** Looks for a pipeline's contents, raw or JSON-escaped (at any depth of escaping). */
function carriesContents(report: string, contents: string): boolean {
  // Line endings and the final newline may be normalised on the way.
  let escaped = contents.replace(/\r\n/g, "\n").replace(/\n+$/, "");
  for (let depth = 0; depth < 3; depth++) {
    if (report.includes(escaped)) return true;
    escaped = JSON.stringify(escaped).slice(1, -1);
  }
  return false;
}

function describe(p: PipelineJson | undefined): string {
  if (p === undefined) return "absent";
  return `${JSON.stringify(p.contents.split("\n")[0])} [${sourceKey(p.source)}${p.enabled === true ? "" : ", disabled"}]`;
}

// ---- the verdict ----------------------------------------------------------

export function judgeRun(e: RunEvidence): Verdict {
  const verdict: Verdict = { I1: [], I2: [], I3: [], I4: [] };
  const desired = new Map(e.desired.map((d) => [d.name, d]));
  const takeoverAllowed = (name: string) => e.allowTakeover.includes("*") || e.allowTakeover.includes(name);
  const runStart = new Map(e.runStart.map((p) => [p.name, p]));
  const end = new Map(e.end.map((p) => [p.name, p]));
  const { failed, report } = e.outcome;

  // What the plan's listing showed, and the trial replayed to the end.
  const seen = startState(e.trialStart);
  const state = startState(e.trialStart);
  /** Our writes of this run, name → operations. */
  const ours = new Map<string, Set<string>>();
  /** The second writer's last word on a name over the trial. */
  const theirs = new Map<string, PipelineJson | undefined>();
  /** The state our writes alone make from the run's start (for I4). */
  const oursOnly = new Map(e.runStart.map((p) => [p.name, p as PipelineJson | undefined]));
  const clobbered = new Set<string>();
  const outsideTouched = new Set<string>();
  /** Names whose overwrite the failed run reported as it should: their end state is the run's account. */
  const reported = new Set<string>();

  for (const r of e.revisions) {
    const n = revisionNumber(r);
    const bySecondWriter = e.secondWriter.has(r.revisionId);
    const name = r.snapshot.name;
    if (bySecondWriter) theirs.set(name, r.operation === "DELETE" ? undefined : r.snapshot);
    if (!bySecondWriter && n >= e.firstRevisionOfRun) {
      const prior = state.get(name);
      const ops = ours.get(name) ?? new Set<string>();
      ops.add(r.operation);
      ours.set(name, ops);
      oursOnly.set(name, r.operation === "DELETE" ? undefined : r.snapshot);

      // I1: a write of ours on a pipeline that, when we wrote, was outside the scope.
      if (prior?.pipeline !== undefined && !inScope(prior.pipeline, e.scope) && !outsideTouched.has(name)) {
        const allowed = r.operation !== "DELETE" && takeoverAllowed(name);
        if (!allowed && failed && names(report, name)) reported.add(name);
        if (!allowed && !(failed && names(report, name))) {
          outsideTouched.add(name);
          verdict.I1.push(
            `${name}: outside the scope (${sourceKey(prior.pipeline.source)}), ${r.operation === "DELETE" ? "deleted" : "overwritten"} by our revision ${r.revisionId}` +
              (failed ? "; the failed run does not name it" : "; the run reported success"),
          );
        }
      }
      // I2: a write of ours over what the second writer made after the plan's listing.
      if (prior !== undefined && prior.bySecondWriter && prior.revision > e.planSawUpTo && !clobbered.has(name)) {
        const sawKey = visibleKey(seen.get(name)?.pipeline);
        if (visibleKey(prior.pipeline) !== sawKey) {
          const what =
            prior.pipeline === undefined
              ? `re-created (revision ${r.revisionId}) after the second writer deleted it`
              : `${r.operation === "DELETE" ? "deleted" : "overwritten"} (revision ${r.revisionId}) while holding the second writer's ${describe(prior.pipeline)}`;
          const said = failed && names(report, name) && (prior.pipeline === undefined || carriesContents(report, prior.pipeline.contents));
          if (said) reported.add(name);
          if (!said) {
            clobbered.add(name);
            const why = !failed
              ? "the run reported success"
              : !names(report, name)
                ? "the failed run does not name it"
                : "the failed run names it without its previous contents";
            verdict.I2.push(`${name}: ${what}; ${why}`);
          }
        }
      }
    }
    apply(state, r, bySecondWriter);
    if (n <= e.planSawUpTo) apply(seen, r, bySecondWriter);
  }

  // I1 and I2 on the end state: every name is as it was, as desired, or as the second writer left it.
  const allNames = new Set([...runStart.keys(), ...end.keys(), ...desired.keys()]);
  for (const name of [...allNames].sort()) {
    const now = end.get(name);
    const was = runStart.get(name);
    const key = visibleKey(now);
    if (key === visibleKey(was)) continue;
    if (theirs.has(name) && key === visibleKey(theirs.get(name))) continue;
    // A planned delete: in the scope at the start or when the plan listed it, not desired, gone now.
    if (now === undefined && !desired.has(name) && (inScope(was, e.scope) || inScope(seen.get(name)?.pipeline, e.scope))) continue;
    if (reported.has(name)) continue;
    if (isDesired(now, desired.get(name), e.scope)) {
      const sawIt = seen.get(name)?.pipeline;
      // A create or an update of what the plan saw: absent, or in the scope (the second writer may have deleted or moved it before the listing).
      if (was === undefined || inScope(was, e.scope) || sawIt === undefined || inScope(sawIt, e.scope)) continue;
      if (takeoverAllowed(name) || outsideTouched.has(name) || clobbered.has(name)) continue;
      if (failed && names(report, name)) continue;
      verdict.I1.push(`${name}: was ${describe(was)} outside the scope, now ours, and the takeover was not allowed`);
      continue;
    }
    if (outsideTouched.has(name) || clobbered.has(name)) continue;
    const line = `${name}: ${describe(now)} is neither as it was (${describe(was)}), nor as desired, nor as the second writer left it`;
    if (was !== undefined && !inScope(was, e.scope) && !theirs.has(name)) verdict.I1.push(line);
    else verdict.I2.push(line);
  }

  // I3: the claimed changes against our revisions of the run.
  const claims = e.outcome.changes;
  if (claims === undefined) {
    if (ours.size > 0) {
      verdict.I3.push(
        `${[...ours.keys()].sort().join(", ")}: written by our run (${[...ours.entries()].map(([n, o]) => `${n} ${[...o].join("+")}`).join(", ")}), but the run gave no result listing them`,
      );
    }
  } else {
    const overwritten = claims.overwritten ?? [];
    const isDelete = (action: string) => action === "delete" || action === "sync-delete";
    const claimedWrite = new Set([...claims.created, ...claims.updated, ...claims.takenOver, ...overwritten.filter((o) => !isDelete(o.action)).map((o) => o.name)]);
    const claimedDelete = new Set([...claims.deleted, ...overwritten.filter((o) => isDelete(o.action)).map((o) => o.name)]);
    for (const [name, ops] of [...ours.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const wrote = ops.has("INSERT") || ops.has("UPDATE");
      const deleted = ops.has("DELETE");
      if (!claimedWrite.has(name) && !claimedDelete.has(name)) {
        verdict.I3.push(`${name}: our run ${[...ops].join("+")} it, but the result does not list it`);
      } else if (deleted && !wrote && !claimedDelete.has(name)) {
        verdict.I3.push(`${name}: our run deleted it, but the result lists it as written`);
      } else if (wrote && !deleted && !claimedWrite.has(name)) {
        verdict.I3.push(`${name}: our run wrote it, but the result lists it as deleted`);
      }
    }
    for (const name of [...claimedWrite, ...claimedDelete].sort()) {
      if (!ours.has(name)) verdict.I3.push(`${name}: listed as ${claimedDelete.has(name) ? "deleted" : "written"}, but no write of ours to it took effect`);
    }
  }

  // I4: a failed run whose writes stopped short of the desired set must not
  // leave a collector with fewer pipelines through our deletes. (A run that
  // wrote everything and failed only at the read-back, say because the
  // second writer changed something since, lost nothing by failing.)
  // What the second writer took in hand (deleted, edited) does not count as left undone.
  const oursComplete =
    e.desired.every((d) => isDesired(oursOnly.get(d.name), d, e.scope) || theirs.has(d.name)) &&
    [...oursOnly.values()].every((p) => p === undefined || !inScope(p, e.scope) || desired.has(p.name) || !runStart.has(p.name) || theirs.has(p.name));
  if (failed && !oursComplete) {
    const startCount = e.runStart.length;
    const toCreate = e.desired.filter((d) => !runStart.has(d.name)).length;
    const limitForced = startCount + toCreate > e.limitAtStart;
    const after = [...oursOnly.values()].filter((p): p is PipelineJson => p !== undefined);
    for (const attrs of e.collectors) {
      const had = delivered(e.runStart, attrs);
      const has = delivered(after, attrs);
      const lost = [...had].filter((n) => oursOnly.get(n) === undefined);
      if (lost.length === 0 || has.size >= had.size) continue;
      const listed = claims !== undefined && lost.every((n) => claims.deleted.includes(n));
      if (limitForced && listed) continue;
      verdict.I4.push(
        `collector ${JSON.stringify(attrs)}: had ${had.size} pipeline(s), has ${has.size} after the failed run; our deletes took ${lost.join(", ")}` +
          (listed ? " (listed, but the limit did not force them)" : ""),
      );
    }
  }
  return verdict;
}

export function violationCount(v: Verdict): number {
  return INVARIANTS.reduce((n, i) => n + v[i].length, 0);
}
