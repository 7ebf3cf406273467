// Cross-pipeline dependencies in the plan: a pipeline reading another's
// export through argument.pipeline_exports.value["P"]["E"], and collector
// attributes through argument.attributes.value["K"]. Each finding names both
// pipelines and the file, line and column of the reference.
import { describe, expect, it } from "vitest";
import { parsePlan, planSync, type Finding, type SyncPlan } from "../../src/plan/index.js";
import type { PipelineSpec, RemotePipeline, SourceRef } from "../../src/pipelines/index.js";
import { renderPlanJson, renderPlanMarkdown, renderPlanText } from "../../src/render/index.js";
import { have, inScope, scope, want } from "../plan/helpers.js";

/** An exporter: one component and one export block per name. */
function exporting(...exports: string[]): string {
  return exports.map((e) => `prometheus.remote_write "${e}" {\n  endpoint {\n    url = "http://example/${e}"\n  }\n}\n\nexport "${e}" {\n  value = prometheus.remote_write.${e}.receiver\n}\n`).join("\n");
}

/** A reader of `pipeline`'s `exportName`; the reference is on line 3, column 17. */
function reading(pipeline: string, exportName: string, label = "r"): string {
  return `prometheus.scrape "${label}" {\n  targets    = []\n  forward_to = [argument.pipeline_exports.value[${JSON.stringify(pipeline)}][${JSON.stringify(exportName)}]]\n}\n`;
}

const desiredFile = (name: string) => ({ file: `pipelines/${name}.yaml`, contentsFile: `pipelines/${name}.alloy` });
const other: SourceRef = { type: "terraform", namespace: "infra" };

function only(plan: SyncPlan, code: Finding["code"]): Finding[] {
  return plan.findings.filter((f) => f.code === code);
}

describe("DEPENDENCY_MISSING", () => {
  it("a desired pipeline reads a pipeline that exists nowhere: blocking, at the reference's file, line and column", () => {
    const plan = planSync({
      desired: [want("reader", { contents: reading("base", "metrics"), ...desiredFile("reader") })],
      remote: [],
      scope,
    });
    const [f, ...rest] = only(plan, "DEPENDENCY_MISSING");
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ blocking: true, severity: "error", names: ["base", "reader"], files: ["pipelines/reader.alloy"], line: 3, column: 17 });
    expect(f!.message).toContain('pipeline "reader"');
    expect(f!.message).toContain('export "metrics" of "base"');
    expect(plan.blocked).toBe(true);
  });

  it("an export the pipeline does not define: names what it does define", () => {
    const plan = planSync({
      desired: [
        want("base", { contents: exporting("metrics", "logs"), ...desiredFile("base") }),
        want("reader", { contents: reading("base", "traces"), ...desiredFile("reader") }),
      ],
      remote: [],
      scope,
    });
    const [f] = only(plan, "DEPENDENCY_MISSING");
    expect(f!.message).toMatch(/"base" has no export "traces" \(it defines only "logs" and "metrics"\)/);
    expect(f!.names).toEqual(["base", "reader"]);
  });

  it("resolves against a remote pipeline of another source that stays (its contents are parsed)", () => {
    const plan = planSync({
      desired: [want("reader", { contents: reading("shared", "metrics"), ...desiredFile("reader") })],
      remote: [have("shared", other, { contents: exporting("metrics") })],
      scope,
    });
    expect(plan.findings.filter((f) => f.code.startsWith("DEPENDENCY_") && f.severity !== "info")).toEqual([]);
  });

  it("an OpenTelemetry pipeline has no exports", () => {
    const plan = planSync({
      desired: [want("reader", { contents: reading("traces", "x"), ...desiredFile("reader") })],
      remote: [have("traces", other, { contents: "receivers: {}\n", configType: "otel" })],
      scope,
    });
    expect(only(plan, "DEPENDENCY_MISSING")[0]!.message).toContain('"traces" is an OpenTelemetry pipeline');
  });

  it("a reader deleting its exporter in the same folder change is missing, and a likely rename is named", () => {
    const plan = planSync({
      desired: [
        want("base-v2", { contents: exporting("metrics"), ...desiredFile("base-v2") }),
        want("reader", { contents: reading("base", "metrics"), ...desiredFile("reader") }),
      ],
      remote: [have("base", inScope, { contents: exporting("metrics") }), have("reader", inScope, { contents: reading("base", "metrics") })],
      scope,
    });
    const [f] = only(plan, "DEPENDENCY_MISSING");
    expect(f!.message).toContain('this plan deletes "base" (renamed to "base-v2"?)');
    expect(f!.hint).toContain('value["base-v2"]');
  });

  it("inline contents: the line of the metadata file, no column", () => {
    const plan = planSync({
      desired: [want("reader", { contents: reading("base", "m"), file: "pipelines/reader.yaml", contentsLine: 5 })],
      remote: [],
      scope,
    });
    const [f] = only(plan, "DEPENDENCY_MISSING");
    expect(f).toMatchObject({ files: ["pipelines/reader.yaml"], line: 7 });
    expect(f!.column).toBeUndefined();
    expect(f!.message).toContain("line 3 of its inline contents");
  });

  it("computed names and the whole exports map are not guessed at; indexes with escapes are read as values", () => {
    const contents =
      'local.file "a" {\n  filename = argument.pipeline_exports.value[sys.env("P")]["x"]\n}\n' +
      'local.file "b" {\n  filename = argument.pipeline_exports.value\n}\n' +
      'local.file "c" {\n  filename = argument.pipeline_exports.value["b\\u0061se"].metrics\n}\n';
    const plan = planSync({
      desired: [want("base", { contents: exporting("metrics") }), want("reader", { contents, ...desiredFile("reader") })],
      remote: [],
      scope,
    });
    expect(only(plan, "DEPENDENCY_MISSING")).toEqual([]);
  });
});

describe("DEPENDENCY_BROKEN", () => {
  // `base` is ours and this plan deletes it; `dash` (terraform) reads it.
  const remote: RemotePipeline[] = [
    have("base", inScope, { contents: exporting("metrics") }),
    have("dash", other, { contents: reading("base", "metrics") }),
    have("keep", inScope),
  ];
  const desired = [want("keep")];

  it("deleting a pipeline that a pipeline outside the folder reads blocks, naming both", () => {
    const plan = planSync({ desired, remote, scope });
    const [f, ...rest] = only(plan, "DEPENDENCY_BROKEN");
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ blocking: true, names: ["base", "dash"], files: [] });
    expect(f!.message).toContain('pipeline "dash" (on the service, terraform/infra; line 3 of its contents)');
    expect(f!.message).toContain('this plan deletes "base"');
    expect(f!.hint).toContain("--allow-dependency-break base");
    expect(plan.blocked).toBe(true);
  });

  it("allowed by name (or *): a warning, and the policy is kept in the plan", () => {
    for (const allow of [["base"], "*"] as const) {
      const plan = planSync({ desired, remote, scope, policy: { allowDependencyBreak: allow === "*" ? "*" : [...allow] } });
      const [f] = only(plan, "DEPENDENCY_BROKEN");
      expect(f).toMatchObject({ blocking: false, severity: "warning" });
      expect(plan.blocked).toBe(false);
      expect(parsePlan(JSON.parse(renderPlanJson(plan))).policy.allowDependencyBreak).toEqual(allow === "*" ? "*" : ["base"]);
    }
    const otherName = planSync({ desired, remote, scope, policy: { allowDependencyBreak: ["dash"] } });
    expect(only(otherName, "DEPENDENCY_BROKEN")[0]!.blocking).toBe(true);
  });

  it("a disabled reader: a warning, not a block", () => {
    const plan = planSync({ desired, remote: [remote[0]!, have("dash", other, { contents: reading("base", "metrics"), enabled: false }), remote[2]!], scope });
    const [f] = only(plan, "DEPENDENCY_BROKEN");
    expect(f).toMatchObject({ blocking: false, severity: "warning" });
    expect(f!.message).toContain("it is disabled");
  });

  it("an update that drops the export breaks the reader too", () => {
    const plan = planSync({ desired: [want("base", { contents: exporting("logs") }), want("keep")], remote, scope });
    const [f] = only(plan, "DEPENDENCY_BROKEN");
    expect(f!.message).toContain('this plan changes "base": "base" has no export "metrics"');
  });

  it("a reader that was already broken before the plan is not this plan's doing", () => {
    const plan = planSync({
      desired,
      remote: [have("dash", other, { contents: reading("gone", "metrics") }), have("keep", inScope)],
      scope,
    });
    expect(plan.findings.filter((f) => f.code.startsWith("DEPENDENCY"))).toEqual([]);
  });

  it("contents that do not parse are skipped, not guessed at", () => {
    const plan = planSync({ desired, remote: [...remote.slice(0, 1), have("dash", other, { contents: reading("base", "metrics") + "}" }), remote[2]!], scope });
    expect(only(plan, "DEPENDENCY_BROKEN")).toEqual([]);
  });
});

describe("DEPENDENCY_REACH from the matchers", () => {
  function reach(readerMatchers: string[], exporterMatchers: string[], exporterEnabled = true) {
    const plan = planSync({
      desired: [
        want("base", { contents: exporting("metrics"), matchers: exporterMatchers, enabled: exporterEnabled, ...desiredFile("base") }),
        want("reader", { contents: reading("base", "metrics"), matchers: readerMatchers, ...desiredFile("reader") }),
      ],
      remote: [],
      scope,
    });
    return only(plan, "DEPENDENCY_REACH");
  }

  it("an exporter whose matchers are a subset of the reader's reaches every collector: nothing to say", () => {
    expect(reach(['env="prod"', 'team="a"'], ['env="prod"'])).toEqual([]);
    expect(reach(['env="prod"'], ["env = prod"])).toEqual([]); // same matcher, other spelling
    expect(reach(['env="prod"', 'team="a"'], ['env=~"prod|stage"'])).toEqual([]); // implied by the reader's equality
  });

  it("matchers that exclude each other: a certain warning, naming both pipelines at the reference", () => {
    const [f, ...rest] = reach(['env="prod"'], ['env="dev"']);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ blocking: false, severity: "warning", names: ["base", "reader"], files: ["pipelines/reader.alloy"], line: 3, column: 17 });
    expect(f!.message).toContain("select none of the collectors");
    expect(reach(['env="prod"'], ['env!="prod"'])[0]!.severity).toBe("warning");
  });

  it("an exporter without matchers or disabled reaches no collector", () => {
    expect(reach(['env="prod"'], [])[0]!.severity).toBe("warning");
    expect(reach(['env="prod"'], ['env="prod"'], false)[0]!.message).toContain('"base" is disabled');
  });

  it("when the matchers cannot tell: information only, suggesting --collectors", () => {
    const [f] = reach(['env="prod"'], ['region="eu"']);
    expect(f).toMatchObject({ severity: "info", blocking: false });
    expect(f!.hint).toContain("--collectors");
  });
});

describe("with the collector inventory", () => {
  const collectors = [
    { id: "c1", attributes: { env: "prod", region: "eu", team: "a", "collector.ID": "c1" } },
    { id: "c2", attributes: { env: "prod", region: "us", "collector.ID": "c2" } },
    { id: "c3", attributes: { env: "dev", region: "us", team: "b", "collector.ID": "c3" } },
  ];
  const desired = (exporterMatchers: string[], readerContents: string) => [
    want("base", { contents: exporting("metrics"), matchers: exporterMatchers, ...desiredFile("base") }),
    want("reader", { contents: readerContents, matchers: ['env="prod"'], ...desiredFile("reader") }),
  ];

  it("DEPENDENCY_REACH names the collectors the reader reaches and the exporter does not", () => {
    const plan = planSync({ desired: desired(['region="eu"'], reading("base", "metrics")), remote: [], scope, collectors });
    const [f, ...rest] = only(plan, "DEPENDENCY_REACH");
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: "warning", names: ["base", "reader"] });
    expect(f!.message).toContain('1 collector that "reader" reaches is not reached by "base": "c2"');
  });

  it("no warning when the inventory shows full reach, even where the matchers could not tell", () => {
    const plan = planSync({ desired: desired(['region=~"eu|us"'], reading("base", "metrics")), remote: [], scope, collectors });
    expect(only(plan, "DEPENDENCY_REACH")).toEqual([]);
  });

  it("ATTRIBUTE_MISSING names the reached collectors that lack an attribute the pipeline reads", () => {
    const contents = 'prometheus.exporter.self "s" { }\n\nlocal.file "t" {\n  filename = argument.attributes.value["team"]\n}\n';
    const plan = planSync({ desired: desired(['env="prod"'], contents), remote: [], scope, collectors });
    const [f, ...rest] = only(plan, "ATTRIBUTE_MISSING");
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: "warning", blocking: false, names: ["reader"], files: ["pipelines/reader.alloy"], line: 4, column: 14 });
    expect(f!.message).toContain('collector attribute "team", which 1 collector it reaches does not have: "c2"');
    // Without the inventory there is nothing to check against.
    expect(only(planSync({ desired: desired(['env="prod"'], contents), remote: [], scope }), "ATTRIBUTE_MISSING")).toEqual([]);
  });
});

describe("invalid matchers", () => {
  it("do not break the dependency checks, with or without the inventory (they are INVALID_PIPELINE already)", () => {
    const desired = [
      want("base", { contents: exporting("metrics"), matchers: ["env=~\"(\""] }),
      want("reader", { contents: reading("base", "metrics") + 'local.file "f" {\n  filename = argument.attributes.value["k"]\n}\n', matchers: ["=oops"] }),
    ];
    for (const collectors of [undefined, [{ id: "c", attributes: { env: "prod" } }]]) {
      const plan = planSync({ desired, remote: [], scope, collectors });
      expect(plan.findings.filter((f) => f.code === "INVALID_PIPELINE").length).toBeGreaterThan(0);
      expect(only(plan, "DEPENDENCY_MISSING")).toEqual([]);
    }
  });
});

describe("rendering", () => {
  it("text, Markdown and JSON carry the finding with its file and line; the JSON parses back", () => {
    const plan = planSync({ desired: [want("reader", { contents: reading("base", "metrics"), ...desiredFile("reader") })], remote: [], scope });
    expect(renderPlanText(plan)).toContain("DEPENDENCY_MISSING");
    expect(renderPlanText(plan)).toContain("pipelines/reader.alloy, line 3");
    expect(renderPlanMarkdown(plan)).toContain("DEPENDENCY_MISSING");
    const back = parsePlan(JSON.parse(renderPlanJson(plan)));
    expect(back.findings.find((f) => f.code === "DEPENDENCY_MISSING")).toMatchObject({ line: 3, column: 17 });
  });
});

describe("inputs in any order give the same findings", () => {
  it("is deterministic", () => {
    const desired: PipelineSpec[] = [
      want("a", { contents: reading("x", "m") }),
      want("b", { contents: reading("y", "n") }),
      want("c", { contents: exporting("m") }),
    ];
    const one = planSync({ desired, remote: [], scope }).findings;
    const two = planSync({ desired: [...desired].reverse(), remote: [], scope }).findings;
    expect(two).toEqual(one);
    expect(one.filter((f) => f.code === "DEPENDENCY_MISSING").map((f) => f.names)).toEqual([["a", "x"], ["b", "y"]]);
  });
});
