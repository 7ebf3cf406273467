// Renderers on inputs larger than a function call takes arguments: a spread
// of every action into Math.max (or of every backtick run into it) ended the
// process with "Maximum call stack size exceeded", naming no file.
import { describe, expect, it } from "vitest";
import type { SyncPlan } from "../../src/plan/index.js";
import { codeFence, markdownCode, renderPlanMarkdown, renderPlanText } from "../../src/render/index.js";
import { samplePlan } from "./fixture.js";

describe("very large inputs", () => {
  it("renders a plan of 300 000 actions", () => {
    const base = samplePlan();
    const actions = Array.from({ length: 300_000 }, (_, i) => ({
      kind: "create" as const,
      name: `p${i}`,
      desired: { name: `p${i}`, contents: "// x\n", matchers: [], enabled: true, configType: "alloy" as const, file: `f/p${i}.yaml` },
    }));
    const plan: SyncPlan = { ...base, actions, counts: { ...base.counts, create: actions.length } };
    const text = renderPlanText(plan);
    expect(text).toContain("p299999");
    expect(renderPlanMarkdown(plan)).toContain("…and 299700 more");
  });

  it("fences text with 200 000 backtick runs", () => {
    expect(markdownCode("`a".repeat(200_000)).startsWith("`` ")).toBe(true);
    expect(codeFence("```\n".repeat(200_000))).toBe("````");
  });
});
