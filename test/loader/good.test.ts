// Folders that must load: a repository written for the sync action, OTel
// pipelines, inline contents, contents_file, metadata, nesting and exclusions.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { formatLoadIssue, LoadError, loadPipelines } from "../../src/loader/index.js";
import { ALLOY, makeTree, type Tree } from "./tree.js";

const fixtures = join(import.meta.dirname, "../fixtures/loader/good");
const load = (name: string, exclude?: string[]) =>
  loadPipelines(".", exclude ? { cwd: join(fixtures, name), exclude } : { cwd: join(fixtures, name) });

let tree: Tree | undefined;
afterEach(async () => {
  await tree?.remove();
  tree = undefined;
});

describe("loadPipelines on good folders", () => {
  it("loads a repository written for fleet-management-sync-action unchanged", async () => {
    const result = await load("sync-action");
    expect(result.specs.map((s) => s.name)).toEqual(["api-monitoring", "frontend", "infra-o11y", "otel-pipe"]);
    const [backend, frontend, o11y, otel] = result.specs;
    expect(backend).toEqual({
      name: "api-monitoring",
      contents: 'local.file "backend" {\n  filename = "/etc/hostname"\n}\n',
      matchers: ["app=backend", "tier=critical"],
      enabled: false,
      configType: "alloy",
      file: "backend.yml",
      contentsFile: "backend.alloy",
    });
    expect(frontend!.file).toBe("frontend.yaml");
    expect(frontend!.matchers).toEqual(["app=frontend"]);
    expect(o11y!.contentsFile).toBe("monitoring/o11y.alloy");
    expect(otel!.configType).toBe("otel");
    expect(otel!.contents).toContain("receivers:");
    expect(otel!.contentsFile).toBeUndefined();
    // The lone module is reported, not loaded; README.md is not a pipeline file at all.
    expect(result.warnings.map((w) => [w.code, w.file])).toEqual([["UNPAIRED_FILE", "modules/shared.alloy"]]);
    expect(result.files).toEqual([
      "backend.alloy",
      "backend.yml",
      "frontend.alloy",
      "frontend.yaml",
      "monitoring/o11y.alloy",
      "monitoring/o11y.yaml",
      "otel-pipe.yaml",
    ]);
  });

  it("pairs an OTel metadata file with its .otel.yaml / .otel.yml sibling and never reads that as metadata", async () => {
    const result = await load("otel");
    expect(result.specs.map((s) => [s.name, s.configType, s.file, s.contentsFile])).toEqual([
      ["edge-collector", "otel", "edge.yml", "edge.otel.yml"],
      ["gateway", "otel", "gateway.yaml", "gateway.otel.yaml"],
    ]);
    expect(result.specs[1]!.contents).toMatch(/^receivers:\n/);
    expect(result.warnings).toEqual([]);
  });

  it("takes inline contents verbatim", async () => {
    const result = await load("inline");
    expect(result.specs).toEqual([
      {
        name: "heartbeat",
        contents: 'local.file "heartbeat" {\n  filename = "/etc/hostname"\n}\n',
        matchers: ['env="prod"'],
        enabled: true,
        configType: "alloy",
        file: "heartbeat.yaml",
        contentsLine: 4,
      },
      {
        name: "otel-inline",
        contents: "receivers:\n  otlp: {}\n",
        matchers: [],
        enabled: false,
        configType: "otel",
        file: "otel-inline.yaml",
        contentsLine: 4,
      },
    ]);
  });

  it("reads contents_file relative to the metadata file, and a referenced .yaml is contents, not a pipeline", async () => {
    const result = await load("contents-file");
    expect(result.specs.map((s) => [s.name, s.configType, s.contentsFile])).toEqual([
      ["collector", "otel", "configs/collector.yaml"],
      ["infra-o11y", "alloy", "configs/node.alloy"],
      ["journal", "alloy", "pipelines/shared/journal.alloy"],
      ["node", "alloy", "configs/node.alloy"],
    ]);
    expect(result.specs[3]!.contents).toBe(ALLOY);
    expect(result.warnings).toEqual([]);
  });

  it("prefers a contents_file next to the metadata file over one relative to the folder", async () => {
    tree = await makeTree({
      "team/node.yaml": "enabled: true\ncontents_file: configs/x.alloy\n",
      "team/configs/x.alloy": "// near\n",
      "configs/x.alloy": "// root\n",
    });
    const result = await loadPipelines(".", { cwd: tree.root });
    expect(result.specs.map((s) => [s.contents, s.contentsFile])).toEqual([["// near\n", "team/configs/x.alloy"]]);
    expect(result.warnings.map((w) => [w.code, w.file])).toEqual([["UNPAIRED_FILE", "configs/x.alloy"]]);
  });

  it("keeps metadata as a JSON object", async () => {
    const [spec] = (await load("metadata")).specs;
    expect(spec!.metadata).toEqual({
      owner: "platform-team",
      tier: 1,
      oncall: null,
      tags: ["linux", "prod"],
      links: { runbook: "https://example.com/runbook" },
    });
  });

  it("walks nested folders and skips hidden ones", async () => {
    const result = await load("nested");
    expect(result.specs.map((s) => [s.name, s.file])).toEqual([
      ["deep", "a/b/c/deep.yaml"],
      ["root", "root.yaml"],
      ["top", "a/top.yaml"],
    ]);
    expect(result.files.some((f) => f.includes("hidden") || f.includes("dotfile"))).toBe(false);
  });

  it("skips what the exclude globs match, and fails without them", async () => {
    const excludes = ["drafts", "**/vendor/**", "**/*.draft.yaml", "ci/**", "t?.yaml"];
    const result = await load("exclude", excludes);
    expect(result.specs.map((s) => s.file)).toEqual(["team/logs.yaml", "node.yaml"]);
    const failed = await load("exclude").catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(LoadError);
    expect(new Set((failed as LoadError).issues.map((i) => i.file))).toEqual(
      new Set(["drafts/wip.yaml", "team/vendor/x.yaml", "team/logs.draft.yaml", "ci/kustomization.yaml", "t1.yaml"]),
    );
  });

  it("returns the warnings: missing enabled, a lone .alloy, a sibling left unused by inline contents", async () => {
    const result = await load("warnings");
    expect(result.specs.map((s) => [s.name, s.enabled])).toEqual([
      ["inline", true],
      ["node", true],
    ]);
    expect(result.warnings.map((w) => [w.code, w.file, w.pipeline])).toEqual([
      ["UNUSED_FILE", "inline.alloy", "inline"],
      ["UNPAIRED_FILE", "module.alloy", undefined],
      ["ENABLED_DEFAULT", "node.yaml", "node"],
    ]);
    const enabled = formatLoadIssue(result.warnings[2]!);
    expect(enabled).toMatch(/^node\.yaml: warning: pipeline "node": has no "enabled" key: loaded as enabled\./);
    expect(enabled).toContain("treats a missing \"enabled\" as false");
    expect(result.warnings.every((w) => w.severity === "warning")).toBe(true);
  });

  it("loads the repository's own examples folder", async () => {
    const result = await loadPipelines("examples/pipelines", { cwd: join(import.meta.dirname, "../..") });
    expect(result.specs.map((s) => s.name)).toEqual(["journal_logs", "k8s_pod_metrics", "node_metrics", "otlp_gateway", "windows_metrics"]);
    expect(result.specs.find((s) => s.name === "otlp_gateway")!.contentsFile).toBe("examples/pipelines/otel/otlp_gateway.otel.yaml");
    expect(result.warnings).toEqual([]);
  });

  it("warns about an empty folder, and about a folder with only unpaired files", async () => {
    tree = await makeTree({ "README.md": "# nothing here\n" });
    const empty = await loadPipelines(tree.root, { cwd: tree.root });
    expect(empty.specs).toEqual([]);
    expect(empty.warnings.map((w) => [w.code, w.file])).toEqual([["EMPTY_FOLDER", "."]]);
  });

  it("skips node_modules and hidden files, and uses the metadata file's base name as the default name", async () => {
    tree = await makeTree({
      "node_modules/pkg/broken.yaml": "broken: [\n",
      ".github/workflows/ci.yaml": "on: push\n",
      ".secret.yaml": "x: 1\n",
      "team.a/node.v2.yaml": "enabled: true\n",
      "team.a/node.v2.alloy": ALLOY,
    });
    const result = await loadPipelines(".", { cwd: tree.root });
    expect(result.specs.map((s) => [s.name, s.file])).toEqual([["node.v2", "team.a/node.v2.yaml"]]);
  });

  it("gives absolute paths for files outside the working directory, relative ones inside", async () => {
    tree = await makeTree({ "p/node.yaml": "enabled: true\n", "p/node.alloy": ALLOY });
    const outside = await loadPipelines(tree.path("p"), { cwd: "/nonexistent-cwd" });
    expect(outside.specs[0]!.file).toBe(tree.path("p", "node.yaml"));
    const inside = await loadPipelines("p", { cwd: tree.root });
    expect(inside.specs[0]!.file).toBe("p/node.yaml");
  });

  it("reports every error of the folder together, sorted by file and line", async () => {
    tree = await makeTree({
      "a.yaml": "enabledd: true\nmatcher: [x]\n",
      "a.alloy": ALLOY,
      "b.yaml": "enabled: maybe\n",
      "b.alloy": ALLOY,
      "c.yaml": "enabled: true\n",
    });
    const error = (await loadPipelines(".", { cwd: tree.root }).catch((e: unknown) => e)) as LoadError;
    expect(error).toBeInstanceOf(LoadError);
    expect(error.issues.map((i) => [i.file, i.line, i.code])).toEqual([
      ["a.yaml", 1, "UNKNOWN_KEY"],
      ["a.yaml", 2, "UNKNOWN_KEY"],
      ["b.yaml", 1, "WRONG_TYPE"],
      ["c.yaml", undefined, "MISSING_CONTENTS"],
    ]);
    expect(error.issues[1]!.message).toContain('did you mean "matchers"?');
    expect(error.message).toMatch(/^cannot load pipelines from \.: 4 errors\n {2}a\.yaml:1:1: pipeline "a": unknown key "enabledd"/);
  });

  it("rejects unusable options with a ConfigurationError", async () => {
    await expect(loadPipelines(".", { maxFileBytes: 0 })).rejects.toMatchObject({ code: "INVALID_CONFIGURATION" });
    await expect(loadPipelines(".", { maxMatchers: -1 })).rejects.toMatchObject({ code: "INVALID_CONFIGURATION" });
    await expect(loadPipelines(".", { exclude: ["../x"] })).rejects.toMatchObject({ code: "INVALID_CONFIGURATION" });
    await expect(loadPipelines(".", { exclude: ["/abs"] })).rejects.toMatchObject({ code: "INVALID_CONFIGURATION" });
  });

  it("reports a missing folder and a file given as the folder", async () => {
    tree = await makeTree({ "file.yaml": "enabled: true\n" });
    await expect(loadPipelines("missing", { cwd: tree.root })).rejects.toMatchObject({
      issues: [{ code: "NOT_FOUND", file: "missing" }],
    });
    await expect(loadPipelines("file.yaml", { cwd: tree.root })).rejects.toMatchObject({
      issues: [{ code: "NOT_A_DIRECTORY", file: "file.yaml" }],
    });
  });

  it("honours an aborted signal", async () => {
    tree = await makeTree({ "node.yaml": "enabled: true\n", "node.alloy": ALLOY });
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(loadPipelines(tree.root, { signal: controller.signal })).rejects.toThrow("stop");
  });

  it("stops part-way when the signal aborts during the load", async () => {
    const entries: Record<string, string> = {};
    for (let i = 0; i < 300; i++) {
      entries[`p${i}.yaml`] = "enabled: true\n";
      entries[`p${i}.alloy`] = ALLOY;
    }
    tree = await makeTree(entries);
    const controller = new AbortController();
    const loading = loadPipelines(tree.root, { signal: controller.signal });
    queueMicrotask(() => controller.abort(new Error("cancelled mid-way")));
    await expect(loading).rejects.toThrow("cancelled mid-way");
  });

  it("respects maxMatchers", async () => {
    tree = await makeTree({ "node.yaml": "enabled: true\nmatchers: [a=b, c=d, e=f]\n", "node.alloy": ALLOY });
    await expect(loadPipelines(".", { cwd: tree.root, maxMatchers: 3 })).resolves.toMatchObject({ specs: [{ matchers: ["a=b", "c=d", "e=f"] }] });
    await expect(loadPipelines(".", { cwd: tree.root, maxMatchers: 2 })).rejects.toMatchObject({ issues: [{ code: "TOO_MANY_MATCHERS" }] });
  });
});
