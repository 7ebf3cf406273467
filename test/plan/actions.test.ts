// Every row of the action table (design section 4).
import { describe, expect, it } from "vitest";
import { planSync } from "../../src/plan/index.js";
import { have, inScope, scope, want } from "./helpers.js";

const otherSources = [
  ["another namespace", { type: "git", namespace: "other-repo" }],
  ["another type", { type: "terraform", namespace: "repo" }],
  ["grafana (UI)", { type: "grafana", namespace: "" }],
  ["an unspecified type", { type: "unspecified", namespace: "repo" }],
  ["no source at all", null],
] as const;

describe("action table", () => {
  it("desired, not remote → create", () => {
    const plan = planSync({ desired: [want("a")], remote: [], scope });
    expect(plan.actions).toEqual([{ kind: "create", name: "a", desired: expect.objectContaining({ name: "a" }) }]);
    expect(plan.counts).toEqual({ create: 1, update: 0, delete: 0, noop: 0, takeover: 0 });
    expect(plan.blocked).toBe(false);
  });

  it("desired, remote in scope, equal → noop", () => {
    const r = have("a", inScope, { contents: "// a\r\n\r\n" });
    const plan = planSync({ desired: [want("a")], remote: [r], scope });
    expect(plan.actions).toEqual([{ kind: "noop", name: "a", desired: expect.any(Object), remote: r }]);
  });

  it("desired, remote in scope, different → update with the field diff", () => {
    const r = have("a", inScope, { enabled: false, matchers: ["env=prod"] });
    const plan = planSync({ desired: [want("a", { matchers: ["env=prod", "team=x"] })], remote: [r], scope });
    expect(plan.actions).toHaveLength(1);
    const action = plan.actions[0]!;
    expect(action.kind).toBe("update");
    expect(action.remote).toBe(r);
    expect(action.diff).toEqual([
      { field: "matchers", before: ['env="prod"'], after: ['env="prod"', 'team="x"'] },
      { field: "enabled", before: false, after: true },
    ]);
  });

  it.each(otherSources)("desired, remote from %s → takeover (a name collision)", (_, source) => {
    const r = have("a", source);
    const plan = planSync({ desired: [want("a", { contents: "// new\n" })], remote: [r], scope });
    expect(plan.actions).toHaveLength(1);
    const action = plan.actions[0]!;
    expect(action.kind).toBe("takeover");
    expect(action.allowed).toBe(false);
    expect(action.diff).toEqual([{ field: "contents", before: "// a\n", after: "// new\n" }]);
    expect(plan.findings.map((f) => [f.code, f.blocking])).toEqual([["NAME_COLLISION", true]]);
  });

  it("a takeover of an identical pipeline has an empty diff (only the source moves)", () => {
    const plan = planSync({ desired: [want("a")], remote: [have("a", { type: "grafana", namespace: "" })], scope });
    expect(plan.actions[0]).toMatchObject({ kind: "takeover", diff: [] });
  });

  it("not desired, remote in scope → delete", () => {
    const r = have("gone");
    const plan = planSync({ desired: [want("a")], remote: [r], scope });
    expect(plan.actions.map((a) => [a.kind, a.name])).toEqual([
      ["create", "a"],
      ["delete", "gone"],
    ]);
    expect(plan.actions[1]!.remote).toBe(r);
    expect(plan.actions[1]!.desired).toBeUndefined();
  });

  it.each(otherSources)("not desired, remote from %s → untouched, but counted", (_, source) => {
    const plan = planSync({ desired: [want("a")], remote: [have("theirs", source)], scope });
    expect(plan.actions.map((a) => a.name)).toEqual(["a"]);
    expect(plan.remoteCount).toBe(1);
    expect(plan.projectedCount).toBe(2);
  });

  it("accepts generated Pipeline messages as the remote", async () => {
    const { create } = await import("@bufbuild/protobuf");
    const { PipelineSchema, PipelineSource_SourceType } = await import("../../gen/pipeline/v1/pipeline_pb.js");
    const p = create(PipelineSchema, {
      id: "7",
      name: "a",
      contents: "// a\n",
      enabled: true,
      source: { type: PipelineSource_SourceType.GIT, namespace: "repo" },
    });
    const plan = planSync({ desired: [want("a")], remote: [p], scope });
    expect(plan.actions[0]).toMatchObject({ kind: "noop", remote: { id: "7", source: inScope } });
  });

  it("orders actions by name (code units) and lists the normalised desired set", () => {
    const plan = planSync({
      desired: [want("b"), want("B"), want("a"), want("_x")],
      remote: [have("c"), have("a")],
      scope,
    });
    expect(plan.actions.map((a) => a.name)).toEqual(["B", "_x", "a", "b", "c"]);
    expect(plan.desired.map((d) => d.name)).toEqual(["B", "_x", "a", "b"]);
    expect(plan.desired[0]).toMatchObject({ enabled: true, configType: "alloy", matchers: [] });
  });

  it("the plan echoes the scope, limit and normalised policy", () => {
    const plan = planSync({
      desired: [want("a")],
      remote: [],
      scope,
      limit: 50,
      policy: { allowTakeover: ["z", "a", "z"], maxDeletes: 4 },
    });
    expect(plan.scope).toEqual(scope);
    expect(plan.limit).toBe(50);
    expect(plan.policy).toEqual({ allowTakeover: ["a", "z"], maxDeletes: 4 });
    expect(plan.version).toBe(1);
    expect(plan.remoteFingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("refuses a limit or policy that cannot work", () => {
    expect(() => planSync({ desired: [], remote: [], scope, limit: -1 })).toThrow(/limit/);
    expect(() => planSync({ desired: [], remote: [], scope, limit: 1.5 })).toThrow(/limit/);
    expect(() => planSync({ desired: [], remote: [], scope, policy: { maxDeletes: -2 } })).toThrow(/maxDeletes/);
    expect(() => planSync({ desired: [], remote: [], scope, policy: { allowTakeover: "all" as "*" } })).toThrow(
      /allowTakeover/,
    );
  });
});
