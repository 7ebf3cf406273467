// Names a person could mistake for one another are shown so that the
// difference is visible, and the plan warns (CONFUSABLE_NAME, not blocking)
// when a desired name differs from another name only invisibly.
import { describe, expect, it } from "vitest";
import { confusableKey, displayName, type PipelineSpec, type RemotePipeline } from "../../src/pipelines/index.js";
import { planSync } from "../../src/plan/index.js";
import { renderPlanMarkdown, renderPlanText } from "../../src/render/index.js";

const scope = { type: "git", namespace: "repo" } as const;
const spec = (name: string, file = `p/${name.length}.yaml`): PipelineSpec => ({ name, contents: "// x\n", file });
const remote = (name: string, id: string): RemotePipeline => ({
  id,
  source: { type: "git", namespace: "repo" },
  spec: { name, contents: "// x\n", matchers: [], enabled: true, configType: "alloy" },
});

describe("displayName", () => {
  it("shows invisible characters, NFD marks and edge whitespace", () => {
    expect(displayName("node\u200bmetrics")).toBe("node\\u200bmetrics");
    expect(displayName("caf\u00e9")).toBe("café");
    expect(displayName("cafe\u0301")).toBe("cafe\\u0301");
    expect(displayName(" node ")).toBe("⟨ node ⟩");
    expect(displayName("a\tb")).toBe("a\\x09b");
    expect(displayName("\ufeffx\u2060")).toBe("\\ufeffx\\u2060");
  });

  it("compares names after NFKC, without invisibles, trimmed", () => {
    expect(confusableKey("cafe\u0301")).toBe(confusableKey("caf\u00e9"));
    expect(confusableKey(" node\u200b ")).toBe("node");
    expect(confusableKey("ｎｏｄｅ")).toBe("node");
    expect(confusableKey("a\tb")).toBe("a b");
    expect(confusableKey("node_a")).not.toBe(confusableKey("node_b"));
  });
});

describe("CONFUSABLE_NAME", () => {
  it.each([
    ["a zero-width space", "node\u200bmetrics", "nodemetrics"],
    ["NFD against NFC", "cafe\u0301", "caf\u00e9"],
    ["a trailing space", "node ", "node"],
    ["a tab for a space", "a\tb", "a b"],
  ])("warns, without blocking, for a desired name that differs from a remote one only by %s", (_what, desiredName, remoteName) => {
    const plan = planSync({ desired: [spec(desiredName)], remote: [remote(remoteName, "1")], scope, policy: { allowEmpty: true } });
    const found = plan.findings.filter((f) => f.code === "CONFUSABLE_NAME");
    expect(found).toHaveLength(1);
    expect(found[0]!.blocking).toBe(false);
    expect(found[0]!.severity).toBe("warning");
    expect(found[0]!.names.sort()).toEqual([desiredName, remoteName].sort());
    expect(found[0]!.files).toEqual([`p/${desiredName.length}.yaml`]);
    // Both renderings show the two names differently.
    const text = renderPlanText(plan);
    expect(text).toContain("CONFUSABLE_NAME");
    expect(text).toContain(displayName(desiredName));
    expect(text).not.toMatch(/[\u200b\u0301\t]/);
    expect(renderPlanMarkdown(plan)).toContain("CONFUSABLE_NAME");
  });

  it("warns for two desired names that look alike, once per name", () => {
    const plan = planSync({ desired: [spec("café", "p/a.yaml"), spec("cafe\u0301", "p/b.yaml")], remote: [], scope });
    const found = plan.findings.filter((f) => f.code === "CONFUSABLE_NAME");
    expect(found.map((f) => f.files[0]).sort()).toEqual(["p/a.yaml", "p/b.yaml"]);
    expect(plan.blocked).toBe(false);
  });

  it("says nothing for names that differ visibly", () => {
    const plan = planSync({ desired: [spec("node_a"), spec("node_b", "p/b.yaml")], remote: [remote("Node_a", "1")], scope, policy: { allowEmpty: true } });
    expect(plan.findings.filter((f) => f.code === "CONFUSABLE_NAME")).toEqual([]);
  });
});
