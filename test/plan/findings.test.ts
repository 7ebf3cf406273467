// Every finding code of design section 4, with the boundaries of the guards.
import { describe, expect, it } from "vitest";
import { planSync, type SyncPlan, type SyncPolicy } from "../../src/plan/index.js";
import type { RemotePipeline } from "../../src/pipelines/index.js";
import { have, inScope, names, scope, want } from "./helpers.js";

const codes = (plan: SyncPlan) => plan.findings.map((f) => `${f.code}:${f.blocking ? "blocks" : "passes"}`);

/** A scope holding `held` pipelines, of which the desired set keeps `held - deletes`. */
function deleting(held: number, deletes: number, policy: SyncPolicy = {}): SyncPlan {
  const all = names(held);
  return planSync({
    desired: all.slice(deletes).map((n) => want(n)),
    remote: all.map((n) => have(n)),
    scope,
    policy,
  });
}

describe("DUPLICATE_NAME", () => {
  it("blocks and names every file", () => {
    const plan = planSync({
      desired: [want("a", { file: "x/a.yaml" }), want("a", { file: "y/a.yaml" }), want("a", { file: "x/a.yaml" })],
      remote: [],
      scope,
    });
    expect(codes(plan)).toEqual(["DUPLICATE_NAME:blocks"]);
    expect(plan.findings[0]).toMatchObject({ names: ["a"], files: ["x/a.yaml", "y/a.yaml"], severity: "error" });
    expect(plan.findings[0]!.message).toContain("defined 3 times");
    expect(plan.actions).toHaveLength(1);
  });
});

describe("INVALID_PIPELINE", () => {
  it("blocks, one finding per problem, with the pipeline's name and file", () => {
    const plan = planSync({ desired: [want("a", { matchers: ["x=", "y"] }), want("b")], remote: [], scope });
    expect(codes(plan)).toEqual(["INVALID_PIPELINE:blocks", "INVALID_PIPELINE:blocks"]);
    for (const f of plan.findings) expect(f).toMatchObject({ names: ["a"], files: ["pipelines/a.yaml"] });
    expect(plan.blocked).toBe(true);
  });
});

describe("INVALID_SCOPE", () => {
  it.each([
    ["an empty namespace", { type: "git", namespace: "" }, /namespace is empty/],
    ["a blank namespace", { type: "git", namespace: "  " }, /namespace is empty/],
    ["an unspecified type", { type: "unspecified", namespace: "repo" }, /source type "unspecified"/],
  ] as const)("blocks %s", (_, badScope, message) => {
    const plan = planSync({ desired: [want("a")], remote: [], scope: badScope as never });
    expect(codes(plan)).toEqual(["INVALID_SCOPE:blocks"]);
    expect(plan.findings[0]!.message).toMatch(message);
  });

  it("accepts terraform and grafana scopes", () => {
    for (const type of ["terraform", "grafana"] as const) {
      expect(planSync({ desired: [want("a")], remote: [], scope: { type, namespace: "n" } }).findings).toEqual([]);
    }
  });
});

describe("NAME_COLLISION", () => {
  const remote = [have("a", { type: "grafana", namespace: "" }), have("b", { type: "terraform", namespace: "infra" })];
  const desired = [want("a"), want("b")];

  it("blocks every takeover by default, naming the other source and the file", () => {
    const plan = planSync({ desired, remote, scope });
    expect(codes(plan)).toEqual(["NAME_COLLISION:blocks", "NAME_COLLISION:blocks"]);
    expect(plan.findings[0]!.message).toContain("from grafana (made in the Grafana UI)");
    expect(plan.findings[1]!.message).toContain("from terraform/infra");
    expect(plan.findings[0]!.files).toEqual(["pipelines/a.yaml"]);
    expect(plan.findings[0]!.hint).toContain("--allow-takeover a");
  });

  it("allowTakeover by name lets exactly that one through, as a warning", () => {
    const plan = planSync({ desired, remote, scope, policy: { allowTakeover: ["b"] } });
    expect(plan.actions.map((a) => a.allowed)).toEqual([false, true]);
    expect(codes(plan)).toEqual(["NAME_COLLISION:blocks", "NAME_COLLISION:passes"]);
    expect(plan.findings[1]).toMatchObject({ names: ["b"], severity: "warning" });
    expect(plan.blocked).toBe(true);
  });

  it('allowTakeover "*" allows all', () => {
    const plan = planSync({ desired, remote, scope, policy: { allowTakeover: "*" } });
    expect(codes(plan)).toEqual(["NAME_COLLISION:passes", "NAME_COLLISION:passes"]);
    expect(plan.blocked).toBe(false);
  });
});

describe("EMPTY_DESIRED", () => {
  it("blocks an empty desired set when the scope holds pipelines, listing them", () => {
    const plan = planSync({ desired: [], remote: [have("a"), have("b")], scope });
    expect(codes(plan)).toEqual(["EMPTY_DESIRED:blocks"]);
    expect(plan.findings[0]!.names).toEqual(["a", "b"]);
    expect(plan.findings[0]!.hint).toContain("--allow-empty");
  });

  it("allowEmpty lets it through as a warning, and MASS_DELETE does not fire on top", () => {
    const plan = planSync({ desired: [], remote: names(10).map((n) => have(n)), scope, policy: { allowEmpty: true } });
    expect(codes(plan)).toEqual(["EMPTY_DESIRED:passes"]);
    expect(plan.counts.delete).toBe(10);
  });

  it("does not fire when the scope is empty (other sources do not count)", () => {
    const plan = planSync({ desired: [], remote: [have("x", { type: "git", namespace: "elsewhere" })], scope });
    expect(plan.findings).toEqual([]);
    expect(plan.actions).toEqual([]);
  });
});

describe("MASS_DELETE", () => {
  it.each([
    // held, deletes, fires
    [2, 2, false], // 2 deletes is never mass: it needs more than 2
    [3, 2, false],
    [4, 3, true], // 3 > 2 and 3 > 4/2
    [5, 3, true], // 3 > 2.5
    [6, 3, false], // exactly half is not more than half
    [7, 4, true],
    [8, 4, false],
    [100, 50, false],
    [100, 51, true],
  ])("holding %i and deleting %i → fires: %s", (held, deletes, fires) => {
    // "zz_keep" is created, so the desired set is never empty (that is EMPTY_DESIRED's case).
    const got = planSync({
      desired: names(held).slice(deletes).map((n) => want(n)).concat(want("zz_keep")),
      remote: names(held).map((n) => have(n)),
      scope,
    });
    expect(got.counts.delete).toBe(deletes);
    expect(codes(got)).toEqual(fires ? ["MASS_DELETE:blocks"] : []);
  });

  it("counts the pipelines the scope holds, kept or updated ones included", () => {
    // 3 deletes of 5 in scope → fires; the same 3 of 7 → not.
    expect(codes(deleting(5, 3))).toEqual(["MASS_DELETE:blocks"]);
    expect(codes(deleting(7, 3))).toEqual([]);
  });

  it("maxDeletes n allows up to n deletes", () => {
    expect(codes(deleting(10, 6, { maxDeletes: 6 }))).toEqual(["MASS_DELETE:passes"]);
    expect(codes(deleting(10, 6, { maxDeletes: 7 }))).toEqual(["MASS_DELETE:passes"]);
    expect(codes(deleting(10, 6, { maxDeletes: 5 }))).toEqual(["MASS_DELETE:blocks"]);
    const f = deleting(10, 6).findings[0]!;
    expect(f.names).toEqual(names(6));
    expect(f.message).toContain("deletes 6 of the 10 pipelines in git/repo");
    expect(f.hint).toContain("--max-deletes 6");
  });
});

describe("LIMIT_EXCEEDED and LIMIT_NEAR", () => {
  const others = (n: number): RemotePipeline[] => names(n, "other").map((x) => have(x, { type: "terraform", namespace: "t" }));

  it.each([
    // remote (other sources), creates, limit, expected codes, projected
    [10, 1, 10, ["LIMIT_EXCEEDED:blocks"], 11],
    [9, 1, 10, ["LIMIT_NEAR:passes"], 10], // exactly the limit is allowed, and near
    [8, 1, 10, ["LIMIT_NEAR:passes"], 9], // 90 % is near
    [7, 1, 10, [], 8],
    [179, 1, 200, ["LIMIT_NEAR:passes"], 180],
    [178, 1, 200, [], 179],
    [199, 2, 200, ["LIMIT_EXCEEDED:blocks"], 201],
  ] as const)("%i remote + %i created, limit %i → %j", (remoteCount, creates, limit, expected, projected) => {
    const plan = planSync({ desired: names(creates).map((n) => want(n)), remote: others(remoteCount), scope, limit });
    expect(plan.projectedCount).toBe(projected);
    expect(codes(plan)).toEqual(expected);
  });

  it("deletes make room: remote − deletes + creates", () => {
    const remote = [...others(8), have("old1"), have("old2")];
    const plan = planSync({ desired: [want("new1"), want("new2"), want("new3")], remote, scope, limit: 11 });
    expect(plan.counts).toMatchObject({ create: 3, delete: 2 });
    expect(plan.projectedCount).toBe(11);
    expect(codes(plan)).toEqual(["LIMIT_NEAR:passes"]);
  });

  it("a takeover of an existing pipeline is not new", () => {
    const remote = [...others(9), have("ui", { type: "grafana", namespace: "" })];
    const plan = planSync({ desired: [want("ui")], remote, scope, limit: 10, policy: { allowTakeover: "*" } });
    expect(plan.projectedCount).toBe(10);
    expect(codes(plan)).toEqual(["NAME_COLLISION:passes", "LIMIT_NEAR:passes"]);
  });

  it("LIMIT_EXCEEDED names the creates and their files, and says what to do", () => {
    const plan = planSync({ desired: [want("b"), want("a")], remote: others(9), scope, limit: 10 });
    const f = plan.findings[0]!;
    expect(f).toMatchObject({ code: "LIMIT_EXCEEDED", names: ["a", "b"], files: ["pipelines/a.yaml", "pipelines/b.yaml"] });
    expect(f.message).toContain("11 pipelines, over its limit of 10 (9 now, 2 to create, 0 to delete)");
    expect(f.hint).toMatch(/delete pipelines|higher pipeline limit/);
  });

  it("the default limit is 200", () => {
    const plan = planSync({ desired: [want("a")], remote: others(200), scope });
    expect(plan.limit).toBe(200);
    expect(codes(plan)).toEqual(["LIMIT_EXCEEDED:blocks"]);
  });
});

describe("ordering and shape of findings", () => {
  it("blocking findings come first, then warnings, each with a hint", () => {
    const plan = planSync({
      desired: [want("a"), want("a"), want("ui")],
      remote: [have("ui", { type: "grafana", namespace: "" }), ...names(8, "o").map((n) => have(n, inScope))],
      scope: { type: "git", namespace: "repo" },
      limit: 1,
      policy: { allowTakeover: ["ui"] },
    });
    expect(codes(plan)).toEqual([
      "DUPLICATE_NAME:blocks",
      "MASS_DELETE:blocks",
      // 9 now, 2 after: over the limit of 1, but the plan lowers the count, so it only warns.
      "NAME_COLLISION:passes",
      "LIMIT_EXCEEDED:passes",
    ]);
    for (const f of plan.findings) expect(f.hint).not.toBe("");
  });
});
