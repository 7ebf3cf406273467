// Renderings. The snapshots in __snapshots__/ are plain .txt/.md files meant
// to be read by a person: review them when they change.
import { describe, expect, it } from "vitest";
import { normalizeSpec, type PipelineSpec, type RemotePipeline } from "../../src/pipelines/index.js";
import { parsePlan, planSync } from "../../src/plan/index.js";
import {
  markdownCode,
  markdownEscape,
  renderPlanJson,
  renderPlanMarkdown,
  renderPlanText,
  safeContentText,
  safeText,
} from "../../src/render/index.js";
import { desired, samplePlan } from "./fixture.js";

const scope = { type: "git", namespace: "platform-pipelines" } as const;
const ESC = "\u001b";

function noSecrets(text: string): void {
  expect(text).not.toMatch(/authorization|bearer|password|token|glc_|secret/i);
}

function safetyPlan() {
  const inScope = (name: string): RemotePipeline => ({
    id: String(200 + name.length),
    source: { ...scope },
    spec: { name, contents: "// old\n", matchers: [], enabled: true, configType: "alloy" },
  });
  const others: RemotePipeline[] = Array.from({ length: 9 }, (_, i) => ({
    id: String(300 + i),
    source: { type: "terraform", namespace: "infra" },
    spec: { name: `infra_${i}`, contents: "// tf\n", matchers: [], enabled: true, configType: "alloy" },
  }));
  const want: PipelineSpec[] = [
    { name: "app_logs", contents: "// a\n", file: "teams/a/app_logs.yaml" },
    { name: "app_logs", contents: "// b\n", file: "teams/b/app_logs.yaml" },
    { name: "edge_metrics", contents: "// e\n", matchers: ["region=eu-west-1", "tier="], file: "edge/edge_metrics.yaml" },
  ];
  const held = ["old_a", "old_bb", "old_ccc", "old_dddd"].map(inScope);
  return planSync({ desired: want, remote: [...others, ...held], scope, limit: 10 });
}

describe("terminal text", () => {
  it("a blocked plan with every kind of action", async () => {
    const text = renderPlanText(samplePlan());
    noSecrets(text);
    expect(text).not.toContain(ESC);
    await expect(text).toMatchFileSnapshot("./__snapshots__/plan-blocked.txt");
  });

  it("the same plan with the takeover allowed, ready to apply", async () => {
    await expect(renderPlanText(samplePlan(["windows_events"]))).toMatchFileSnapshot("./__snapshots__/plan-ready.txt");
  });

  it("a plan blocked by several safety checks", async () => {
    const text = renderPlanText(safetyPlan());
    noSecrets(text);
    await expect(text).toMatchFileSnapshot("./__snapshots__/safety-checks.txt");
  });

  it("no changes", async () => {
    const remote: RemotePipeline[] = desired.map((d, i) => ({
      id: String(i),
      source: { ...scope },
      spec: normalizeSpec({ ...d, file: "", contentsFile: "" }),
    }));
    for (const r of remote) {
      delete r.spec.file;
      delete r.spec.contentsFile;
    }
    const plan = planSync({ desired, remote, scope });
    expect(plan.counts.noop).toBe(desired.length);
    const text = renderPlanText(plan);
    await expect(text).toMatchFileSnapshot("./__snapshots__/no-changes.txt");
    expect(renderPlanMarkdown(plan)).toContain("No changes");
  });

  it("colours only when asked", () => {
    const coloured = renderPlanText(samplePlan(), { color: true });
    expect(coloured).toContain(`${ESC}[32m+ create`);
    expect(coloured).toContain(`${ESC}[31m-  include_exporter_metrics = false`);
    expect(coloured.replace(/\u001b\[\d+m/g, "")).toBe(renderPlanText(samplePlan()));
  });

  it("can hide contents diffs, show unchanged pipelines and cut long diffs", () => {
    const plan = samplePlan();
    const short = renderPlanText(plan, { contentDiff: false, showUnchanged: true });
    expect(short).toContain("contents: changed");
    expect(short).not.toContain("include_exporter_metrics");
    expect(short).toContain('metadata: {"owner":"tracing","tier":1} → {"owner":"tracing","tier":2}');
    expect(short).toMatch(/^= unchanged +self_monitoring/m);
    const cut = renderPlanText(plan, { maxDiffLines: 3 });
    expect(cut).toContain("… 10 more diff lines (the JSON plan has the full contents)");
  });
});

describe("Markdown", () => {
  it("a blocked plan with every kind of action", async () => {
    const md = renderPlanMarkdown(samplePlan());
    noSecrets(md);
    await expect(md).toMatchFileSnapshot("./__snapshots__/plan-blocked.md");
  });

  it("a plan blocked by several safety checks", async () => {
    await expect(renderPlanMarkdown(safetyPlan())).toMatchFileSnapshot("./__snapshots__/safety-checks.md");
  });

  it("escapes hostile names, files and contents", async () => {
    const hostile: PipelineSpec[] = [
      {
        name: "<img src=x onerror=alert(1)>|`tick`|@octo-org/admins",
        contents: "```\n</details>\n<script>alert(1)</script>\n",
        file: "evil/[link](http://example.invalid).yaml",
      },
      { name: `ansi${ESC}[2Jclear\u202eevil`, contents: "x\n", file: "evil/ansi.yaml" },
    ];
    const remote: RemotePipeline[] = [
      {
        id: "1",
        source: { ...scope },
        spec: { name: hostile[0]!.name, contents: "old\n", matchers: [], enabled: true, configType: "alloy" },
      },
    ];
    const plan = planSync({ desired: hostile, remote, scope });
    const md = renderPlanMarkdown(plan);
    // Outside code (fenced blocks, <code>, code spans) no HTML, no mention, no control character survives.
    const prose = md
      .replace(/^```[\s\S]*?^```$/gm, "")
      .replace(/<code>.*?<\/code>/g, "")
      .replace(/(`+)[\s\S]*?\1/g, "");
    expect(prose).not.toMatch(/<img|<script|@octo/);
    expect(md).not.toMatch(/\u001b|\u202e/);
    expect(md).toContain("<summary><code>&lt;img src=x onerror=alert(1)&gt;|`tick`|@octo-org/admins</code>");
    // Every table row keeps exactly its 4 cells.
    for (const row of md.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| Change") && !l.startsWith("| ---"))) {
      expect(row.replace(/\\\|/g, "").split("|").length - 2).toBe(4);
    }
    await expect(md).toMatchFileSnapshot("./__snapshots__/hostile.md");
    const text = renderPlanText(plan);
    expect(text).not.toMatch(/\u001b|\u202e/);
    expect(text).toContain("ansi\\x1b[2Jclear\\u202eevil");
  });

  it("caps the table for very large plans and shows LIMIT_NEAR as a warning", () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ name: `p${String(i).padStart(2, "0")}`, contents: "// x\n" }));
    const plan = planSync({ desired: many, remote: [], scope, limit: 13 });
    const md = renderPlanMarkdown(plan, { maxActions: 5 });
    expect(md.split("\n").filter((l) => l.startsWith("| ➕ create"))).toHaveLength(5);
    expect(md).toContain("…and 7 more (see the JSON plan).");
    expect(md).toContain("- ⚠️ warning **LIMIT_NEAR**: after this plan the stack holds 12 of its 13 pipelines (92 %)");
    expect(md).toContain("✅ **Ready to apply: 12 changes.**");
  });

  it("markdown escapes", () => {
    expect(markdownEscape("a_b*c [x](y) <b> | ~ @me")).toBe("a\\_b\\*c \\[x\\](y) &lt;b&gt; \\| \\~ @\u2060me");
    expect(markdownCode("a`b")).toBe("``a`b``");
    expect(markdownCode("`x")).toBe("`` `x ``");
    expect(markdownCode("a|b", true)).toBe("`a\\|b`");
    // A tab from outside is escaped too: it could align forged text; contents keep theirs.
    expect(safeText("a\u0007b\tc")).toBe("a\\x07b\\x09c");
    expect(safeContentText("a\u0007b\tc")).toBe("a\\x07b\tc");
    // Every bidi control the loader escapes in names: embeddings, overrides, isolates and the marks.
    expect(safeText("a\u202eb\u2066c\u200fd\u200ee\u061cf")).toBe("a\\u202eb\\u2066c\\u200fd\\u200ee\\u061cf");
  });
});

describe("JSON", () => {
  it("is the plan itself with its version, pretty-printed, and parses back", async () => {
    const plan = planSync({
      desired: [{ name: "app", contents: "// v2\n", matchers: ["env=prod"], file: "pipelines/app.yaml" }],
      remote: [
        {
          id: "17",
          source: { ...scope },
          spec: { name: "app", contents: "// v1\n", matchers: ['env="prod"'], enabled: true, configType: "alloy" },
        },
        {
          id: "18",
          source: { ...scope },
          spec: { name: "gone", contents: "// x\n", matchers: [], enabled: false, configType: "otel" },
        },
      ],
      scope,
    });
    const json = renderPlanJson(plan);
    expect(json.startsWith('{\n  "version": 1,')).toBe(true);
    expect(parsePlan(json)).toEqual(plan);
    await expect(json).toMatchFileSnapshot("./__snapshots__/plan.json");
  });
});

