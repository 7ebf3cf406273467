// What happens between plan and apply: the stale check, the safety gate, and
// reading a plan back from JSON.
import { describe, expect, it } from "vitest";
import { FleetError } from "../../src/errors/index.js";
import {
  InvalidPlanError,
  SafetyCheckError,
  assertApplicable,
  checkStale,
  fingerprintRemote,
  parsePlan,
  planSync,
} from "../../src/plan/index.js";
import { have, scope, want } from "./helpers.js";

const remote = [have("keep"), have("change"), have("drop"), have("theirs", { type: "terraform", namespace: "t" })];
const plan = planSync({ desired: [want("keep"), want("change", { contents: "// v2\n" }), want("new")], remote, scope });

describe("fingerprintRemote", () => {
  it("ignores order but not updatedAt: a change reverted since still counts", () => {
    const stamped = remote.map((r) => ({ ...r, updatedAt: "2030-01-01T00:00:00.000Z" }));
    expect(fingerprintRemote([...remote].reverse())).toBe(fingerprintRemote(remote));
    expect(fingerprintRemote(stamped)).not.toBe(fingerprintRemote(remote));
    expect(plan.remoteFingerprint).toBe(fingerprintRemote(remote));
  });
});

describe("checkStale", () => {
  it("passes when the remote is the snapshot", () => {
    expect(checkStale(plan, [...remote].reverse())).toBeUndefined();
  });

  it("names the pipelines that changed, vanished or appeared", () => {
    const changed = { ...remote[1]!, spec: { ...remote[1]!.spec, contents: "// edited in the UI\n" } };
    const now = [remote[0]!, changed, remote[3]!, have("new", { type: "grafana", namespace: "" }), have("sneaky")];
    const f = checkStale(plan, now)!;
    expect(f).toMatchObject({ code: "STALE_PLAN", blocking: true, severity: "error" });
    // "drop" is gone, as the plan wants: its own progress, not a change (applyPlan decides the same).
    expect(f.names).toEqual(["change", "new", "sneaky"]);
    expect(f.message).toContain('changed: "change"; new: "new" and "sneaky"');
    expect(f.hint).toContain("--force");
  });

  it("counts changes outside the plan without naming them", () => {
    const now = [...remote.slice(0, 3), have("theirs2", { type: "terraform", namespace: "t" })];
    const f = checkStale(plan, now)!;
    expect(f.names).toEqual([]);
    expect(f.message).toContain("pipelines outside this plan changed");
  });

  it("with force, still reports but does not block", () => {
    const f = checkStale(plan, remote.slice(1), { force: true })!;
    expect(f).toMatchObject({ code: "STALE_PLAN", blocking: false, severity: "warning", names: ["keep"] });
  });
});

describe("assertApplicable", () => {
  it("passes an unblocked plan", () => {
    expect(() => assertApplicable(plan)).not.toThrow();
  });

  it("throws SafetyCheckError with the blocking findings", () => {
    const blocked = planSync({ desired: [], remote, scope, limit: 3 });
    let error: unknown;
    try {
      assertApplicable(blocked);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SafetyCheckError);
    expect(error).toBeInstanceOf(FleetError);
    const e = error as SafetyCheckError;
    expect(e.code).toBe("SAFETY_CHECK");
    expect(e.findings.map((f) => f.code)).toEqual(["EMPTY_DESIRED"]);
    expect(e.message).toContain("EMPTY_DESIRED");
  });
});

describe("parsePlan", () => {
  const json = JSON.stringify(plan);

  it("reads back what planSync made, from text or a value", () => {
    expect(parsePlan(json)).toEqual(plan);
    expect(parsePlan(JSON.parse(json))).toEqual(plan);
  });

  const broken: [string, (p: Record<string, any>) => unknown, RegExp][] = [
    ["not JSON", () => "{", /not valid JSON/],
    ["not an object", () => [], /plan must be an object/],
    ["another version", (p) => ({ ...p, version: 2 }), /unsupported plan version 2/],
    ["no version", (p) => ({ ...p, version: undefined }), /unsupported plan version null/],
    ["a bad action kind", (p) => ({ ...p, actions: [{ ...p.actions[0], kind: "upsert" }] }), /actions\[0\]\.kind/],
    ["an update without diff", (p) => ({ ...p, actions: p.actions.map((a: any) => ({ ...a, diff: undefined })) }), /\.diff must be a list/],
    ["a delete without remote", (p) => ({ ...p, actions: p.actions.map((a: any) => ({ ...a, remote: undefined })) }), /\.remote must be an object/],
    ["a bad config type", (p) => ({ ...p, desired: [{ ...p.desired[0], configType: "yaml" }] }), /desired\[0\]\.configType/],
    ["an unknown finding code", (p) => ({ ...p, findings: [{ code: "NOPE" }] }), /findings\[0\]\.code/],
    ["blocked without a blocking finding", (p) => ({ ...p, blocked: true }), /blocked is true but no finding blocks/],
    ["a bad fingerprint", (p) => ({ ...p, remoteFingerprint: "md5:x" }), /remoteFingerprint/],
    ["a negative limit", (p) => ({ ...p, limit: -1 }), /limit must be a whole number/],
    ["a bad scope", (p) => ({ ...p, scope: { type: "svn", namespace: "x" } }), /scope\.type/],
  ];
  it.each(broken)("refuses %s with INVALID_PLAN", (_, mutate, message) => {
    const value = mutate(JSON.parse(json));
    const input = typeof value === "string" ? value : JSON.stringify(value);
    expect(() => parsePlan(input)).toThrow(message);
    try {
      parsePlan(input);
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidPlanError);
      expect((e as InvalidPlanError).code).toBe("INVALID_PLAN");
    }
  });
});
