// The adversary judge must itself catch what it is there to catch, and
// accept what is allowed; otherwise a green property proves nothing.
import { describe, expect, it } from "vitest";
import type { PipelineJson, PipelineRevisionJson } from "../../src/emulator/index.js";
import { delivered, judgeRun, matcherHolds, type RunEvidence } from "./judge.js";
import { COLLECTORS, SCOPE_JSON } from "./scenario.js";

const OTHER = { type: "SOURCE_TYPE_TERRAFORM", namespace: "ns" };

function p(name: string, contents: string, extra: Partial<PipelineJson> = {}): PipelineJson {
  return { id: name, name, contents, matchers: ['team="a"'], enabled: true, configType: "CONFIG_TYPE_ALLOY", source: SCOPE_JSON, ...extra };
}

let nextRevision = 1;
function rev(operation: "INSERT" | "UPDATE" | "DELETE", snapshot: PipelineJson): PipelineRevisionJson {
  return { revisionId: String(nextRevision++), snapshot, createdAt: "2026-01-01T00:00:00Z", operation };
}

/** A run that starts from `start`, wants `desired`, and leaves the revisions `revisions`. */
function evidence(over: Partial<RunEvidence> & { start: PipelineJson[]; revisions: PipelineRevisionJson[]; theirs?: string[] }): RunEvidence {
  const end = new Map(over.start.map((x) => [x.name, x]));
  for (const r of over.revisions) {
    if (r.operation === "DELETE") end.delete(r.snapshot.name);
    else end.set(r.snapshot.name, r.snapshot);
  }
  return {
    scope: SCOPE_JSON,
    desired: [],
    allowTakeover: [],
    trialStart: over.start,
    runStart: over.start,
    end: [...end.values()],
    firstRevisionOfRun: 1,
    secondWriter: new Set(over.theirs ?? []),
    planSawUpTo: 0,
    limitAtStart: 100,
    outcome: { failed: false, changes: { created: [], updated: [], deleted: [], takenOver: [] }, report: "{}" },
    collectors: COLLECTORS,
    ...over,
  };
}

const want = (name: string, contents: string) => ({ name, contents, matchers: ['team="a"'], enabled: true });

describe("adversary judge", () => {
  it("accepts a clean update and lists it", () => {
    nextRevision = 1;
    const start = [p("s0", "old\n")];
    const e = evidence({
      start,
      desired: [want("s0", "new\n")],
      revisions: [rev("UPDATE", p("s0", "new\n"))],
      outcome: { failed: false, changes: { created: [], updated: ["s0"], deleted: [], takenOver: [] }, report: "{}" },
    });
    expect(judgeRun(e)).toEqual({ I1: [], I2: [], I3: [], I4: [] });
  });

  it("I1: a pipeline outside the scope overwritten without an allowed takeover; allowed by name", () => {
    nextRevision = 1;
    const start = [p("o0", "theirs\n", { source: OTHER })];
    const base = {
      start,
      desired: [want("o0", "ours\n")],
      revisions: [rev("UPDATE", p("o0", "ours\n"))],
      outcome: { failed: false, changes: { created: [], updated: [], deleted: [], takenOver: ["o0"] }, report: "{}" },
    };
    expect(judgeRun(evidence(base)).I1).toHaveLength(1);
    expect(judgeRun(evidence({ ...base, allowTakeover: ["o0"] })).I1).toEqual([]);
  });

  it("I2: the second writer's edit after the listing, overwritten: a violation unless the failed run carries their contents", () => {
    nextRevision = 1;
    const start = [p("s0", "old\n")];
    const theirs = rev("UPDATE", p("s0", "their edit\n"));
    const ours = rev("UPDATE", p("s0", "new\n"));
    const base = { start, desired: [want("s0", "new\n")], revisions: [theirs, ours], theirs: [theirs.revisionId] };
    const changes = { created: [], updated: ["s0"], deleted: [], takenOver: [] };
    expect(judgeRun(evidence({ ...base, outcome: { failed: false, changes, report: "{}" } })).I2).toHaveLength(1);
    expect(judgeRun(evidence({ ...base, outcome: { failed: true, changes, report: '{"message":"s0 overwritten"}' } })).I2).toHaveLength(1);
    const carried = JSON.stringify({ message: "s0 overwritten", previous: { contents: "their edit\n" } });
    expect(judgeRun(evidence({ ...base, outcome: { failed: true, changes, report: carried } })).I2).toEqual([]);
    // Seen by the plan (before its listing): an ordinary update.
    expect(judgeRun(evidence({ ...base, planSawUpTo: 1, outcome: { failed: false, changes, report: "{}" } })).I2).toEqual([]);
  });

  it("I2: a pipeline the second writer deleted, re-created by us; an edit and its revert is nothing to report", () => {
    nextRevision = 1;
    const start = [p("s0", "old\n")];
    const gone = rev("DELETE", p("s0", "old\n"));
    const back = rev("INSERT", p("s0", "old\n"));
    const changes = { created: [], updated: [], deleted: [], takenOver: [] };
    expect(judgeRun(evidence({ start, desired: [want("s0", "old\n")], revisions: [gone, back], theirs: [gone.revisionId], outcome: { failed: false, changes, report: "{}" } })).I2).toHaveLength(1);
    nextRevision = 1;
    const edit = rev("UPDATE", p("s0", "x\n"));
    const revert = rev("UPDATE", p("s0", "old\n"));
    const ours = rev("UPDATE", p("s0", "new\n"));
    const e = evidence({
      start,
      desired: [want("s0", "new\n")],
      revisions: [edit, revert, ours],
      theirs: [edit.revisionId, revert.revisionId],
      outcome: { failed: false, changes: { ...changes, updated: ["s0"] }, report: "{}" },
    });
    expect(judgeRun(e)).toEqual({ I1: [], I2: [], I3: [], I4: [] });
  });

  it("I2: the end state must be as it was, as desired, or as the second writer left it", () => {
    nextRevision = 1;
    const start = [p("s0", "old\n")];
    const half = rev("UPDATE", p("s0", "new\n", { matchers: [] }));
    const e = evidence({ start, desired: [want("s0", "new\n")], revisions: [half], outcome: { failed: false, changes: { created: [], updated: ["s0"], deleted: [], takenOver: [] }, report: "{}" } });
    expect(judgeRun(e).I2).toHaveLength(1);
  });

  it("I3: an unlisted write, a claimed write that did not happen, a delete listed as a write", () => {
    nextRevision = 1;
    const start = [p("s0", "old\n"), p("s1", "gone\n")];
    const revisions = [rev("UPDATE", p("s0", "new\n")), rev("DELETE", p("s1", "gone\n"))];
    const desired = [want("s0", "new\n")];
    const none = { created: [], updated: [], deleted: [], takenOver: [] };
    expect(judgeRun(evidence({ start, desired, revisions, outcome: { failed: false, changes: { ...none, updated: ["s0"] }, report: "{}" } })).I3).toHaveLength(1);
    expect(judgeRun(evidence({ start, desired, revisions, outcome: { failed: false, changes: { ...none, updated: ["s0", "s1"] }, report: "{}" } })).I3).toHaveLength(1);
    expect(judgeRun(evidence({ start, desired, revisions, outcome: { failed: false, changes: { ...none, updated: ["s0", "n9"], deleted: ["s1"] }, report: "{}" } })).I3).toHaveLength(1);
    expect(judgeRun(evidence({ start, desired, revisions, outcome: { failed: true, report: "{}" } })).I3).toHaveLength(1);
    expect(judgeRun(evidence({ start, desired, revisions, outcome: { failed: false, changes: { ...none, updated: ["s0"], deleted: ["s1"] }, report: "{}" } })).I3).toEqual([]);
    // Listed among the overwritten: that is listing the write.
    const overwritten = { ...none, updated: ["s0"], overwritten: [{ name: "s1", action: "sync-delete" }] };
    expect(judgeRun(evidence({ start, desired, revisions, outcome: { failed: false, changes: overwritten, report: "{}" } })).I3).toEqual([]);
  });

  it("I4: a failed run that deleted before its creates failed leaves collectors with less; not when it wrote everything", () => {
    nextRevision = 1;
    const start = [p("s0", "old\n")];
    const revisions = [rev("DELETE", p("s0", "old\n"))];
    const failedRun = { failed: true, changes: { created: [], updated: [], deleted: ["s0"], takenOver: [] }, report: "{}" };
    expect(judgeRun(evidence({ start, desired: [want("n0", "new\n")], revisions, outcome: failedRun })).I4.length).toBeGreaterThan(0);
    nextRevision = 1;
    const all = [rev("INSERT", p("n0", "new\n")), rev("DELETE", p("s0", "old\n"))];
    const verifyFailed = { failed: true, changes: { created: ["n0"], updated: [], deleted: ["s0"], takenOver: [] }, report: "{}" };
    expect(judgeRun(evidence({ start, desired: [want("n0", "new\n")], revisions: all, outcome: verifyFailed })).I4).toEqual([]);
  });

  it("evaluates the matchers the scenarios use", () => {
    expect(matcherHolds('team="a"', { team: "a" })).toBe(true);
    expect(matcherHolds('team!="a"', { team: "a" })).toBe(false);
    expect(matcherHolds('team!="a"', {})).toBe(true);
    expect(matcherHolds('env = "prod"', { env: "prod" })).toBe(true);
    expect([...delivered([p("a", "x"), p("b", "x", { enabled: false }), p("c", "x", { matchers: [] })], { team: "a" })]).toEqual(["a"]);
  });
});
