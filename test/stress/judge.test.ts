// The judge of the convergence trials must itself catch what it is there to
// catch; otherwise a passing trial proves nothing.
import { describe, expect, it } from "vitest";
import type { PipelineJson } from "../../src/emulator/index.js";
import { judge, makeScenario, type Scenario } from "./scenario.js";

const scope = { type: "SOURCE_TYPE_GIT", namespace: "ci" };

function stored(name: string, contents: string, extra: Partial<PipelineJson> = {}): PipelineJson {
  return { id: String(name.length), name, contents, matchers: [], enabled: true, configType: "CONFIG_TYPE_ALLOY", source: scope, ...extra };
}

const scenario: Scenario = {
  seed: 0,
  scope: { type: "git", namespace: "ci" },
  initial: [],
  desired: [
    { name: "keep", contents: "k\n" },
    { name: "change", contents: "new\n", matchers: ['team="a"'] },
    { name: "fresh", contents: "f\n" },
  ],
  policy: {},
  takeovers: [],
  intent: { create: 1, update: 1, delete: 1, noop: 1, takeover: 0 },
};
const before = [
  stored("keep", "k\n"),
  stored("change", "old\n"),
  stored("gone", "g\n"),
  stored("theirs", "t\n", { source: { type: "SOURCE_TYPE_TERRAFORM", namespace: "ci" }, updatedAt: "2026-01-01T00:00:00Z" }),
];
const goal = [stored("keep", "k\n"), stored("change", "new\n", { matchers: ['team="a"'] }), stored("fresh", "f\n"), before[3]!];

describe("judge", () => {
  it("accepts the start (nothing done yet) and the goal", () => {
    expect(judge(scenario, before, before, true)).toMatchObject({ converged: false, violations: [] });
    expect(judge(scenario, before, goal, true)).toEqual({ converged: true, violations: [], pending: [] });
  });

  it.each([
    ["an outside pipeline rewritten with the same content", goal.map((p) => (p.name === "theirs" ? { ...p, updatedAt: "2026-02-02T00:00:00Z" } : p))],
    ["an outside pipeline deleted", goal.filter((p) => p.name !== "theirs")],
    ["a half-written update", goal.map((p) => (p.name === "change" ? { ...p, matchers: [] } : p))],
    ["a pipeline to delete changed instead", [...goal, stored("gone", "other\n")]],
    ["an invented pipeline", [...goal, stored("extra", "x\n")]],
    ["a created pipeline outside the scope", goal.map((p) => (p.name === "fresh" ? { ...p, source: { type: "SOURCE_TYPE_GIT", namespace: "x" } } : p))],
    ["a no-op rewritten (fallback)", goal.map((p) => (p.name === "keep" ? { ...p, updatedAt: "2026-03-03T00:00:00Z" } : p))],
  ])("flags %s", (_name, now) => {
    expect(judge(scenario, before, now, true).violations).not.toEqual([]);
  });

  it("compares matchers as a set", () => {
    const reordered = goal.map((p) => (p.name === "change" ? { ...p, matchers: ['team = "a"'] } : p));
    expect(judge(scenario, before, reordered, true).converged).toBe(true);
  });
});

describe("makeScenario", () => {
  it("is reproducible and varied", () => {
    expect(makeScenario(5)).toEqual(makeScenario(5));
    const intents = Array.from({ length: 40 }, (_, i) => makeScenario(i + 1).intent);
    for (const kind of ["create", "update", "delete", "noop", "takeover"] as const) {
      expect(intents.some((x) => x[kind] > 0)).toBe(true);
    }
  });
});
