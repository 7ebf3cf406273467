// Alloy and OpenTelemetry contents, checked offline: every problem is an
// INVALID_PIPELINE at the file, line and column it is in (the metadata
// file's line for inline contents), from validateSpec, the plan and the loader.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LoadError, loadPipelines, type LoadIssue } from "../../src/loader/index.js";
import { validateSpec } from "../../src/pipelines/index.js";
import { planSync } from "../../src/plan/index.js";

const GOOD = 'prometheus.exporter.self "default" { }\n';

describe("validateSpec on Alloy contents", () => {
  const check = (contents: string, where: { file?: string; contentsFile?: string; contentsLine?: number } = { file: "p/a.yaml", contentsFile: "p/a.alloy" }) =>
    validateSpec({ name: "a", contents, ...where });

  it("a syntax error: the contents file, line and byte column, with Alloy's message", () => {
    const [issue, ...rest] = check('prometheus.remote_write "x" {\n  endpoint { url = }\n}\n');
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ code: "INVALID_PIPELINE", field: "contents", file: "p/a.alloy", line: 2, column: 20, name: "a" });
    expect(issue!.reason).toBe("the Alloy contents do not parse (line 2, column 20): expected expression, got }");
    expect(issue!.message).toBe('p/a.alloy: pipeline "a": ' + issue!.reason);
  });

  it("columns count UTF-8 bytes, as Alloy does", () => {
    // 22 characters before the @, 23 bytes.
    const [issue] = check('local.file "é" { x = @ }\n');
    expect(issue).toMatchObject({ line: 1, column: 23 });
    const [second] = check('local.file "a" {\n  // é\n  filename = "é" + @\n}\n');
    expect(second).toMatchObject({ line: 3, column: 21 });
  });

  it.each([
    ["a top-level attribute", 'level = "info"\n', 1, 1, "unrecognized attribute level"],
    ["a duplicate block identity", `${GOOD}${GOOD}`, 2, 1, "already declared at 1:1"],
    ["a duplicate attribute in a block", 'local.file "a" {\n  filename = "x"\n  filename = "y"\n}\n', 3, 3, 'attribute "filename" may only be provided once'],
    ["a logging block (not allowed in a pipeline)", 'logging {\n  level = "info"\n}\n', 1, 1, "logging block not allowed inside a module"],
    ["a service block", "http { }\n", 1, 1, 'service blocks not allowed inside a module: "http"'],
    ["a component without a label", "prometheus.exporter.self { }\n", 1, 1, "must have a label"],
  ])("%s is refused as Alloy would refuse it at load", (_what, contents, line, column, message) => {
    const issues = check(contents);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line, column, file: "p/a.alloy" });
    expect(issues[0]!.reason).toContain("Alloy would refuse the contents");
    expect(issues[0]!.reason).toContain(message);
  });

  it("valid pipelines pass: comments only, exports, references to other pipelines and attributes", () => {
    expect(check("// nothing yet\n")).toEqual([]);
    expect(check(GOOD)).toEqual([]);
    expect(check('local.file "a" {\n  filename = argument.attributes.value["path"]\n}\n\nexport "file" {\n  value = local.file.a.content\n}\n')).toEqual([]);
  });

  it("inline contents: the metadata file's line, the position inside the contents in the reason", () => {
    const [issue] = check("a = (\n", { file: "p/a.yaml", contentsLine: 4 });
    expect(issue).toMatchObject({ file: "p/a.yaml", line: 5 });
    expect(issue!.column).toBeUndefined();
    expect(issue!.reason).toContain("line 2, column 1 of the inline contents");
  });

  it("a file full of errors is reported in bounded form", () => {
    const issues = check("a = @\n".repeat(500));
    expect(issues.length).toBeLessThanOrEqual(21);
    expect(issues.at(-1)!.reason).toMatch(/\d+ more problems not listed/);
  });

  it("OpenTelemetry contents are not parsed as Alloy", () => {
    expect(validateSpec({ name: "o", contents: "receivers:\n  otlp: {}\n", configType: "otel" })).toEqual([]);
  });
});

describe("OpenTelemetry structure", () => {
  const otel = (contents: string) => validateSpec({ name: "traces", contents, configType: "otel", file: "p/t.yaml", contentsFile: "p/t.otel.yaml" });
  const base = `receivers:
  otlp:
    protocols:
      grpc: {}
processors:
  batch: {}
exporters:
  otlphttp/grafana:
    endpoint: https://example
connectors:
  spanmetrics: {}
extensions:
  health_check: {}
service:
  extensions: [health_check]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [otlphttp/grafana, spanmetrics]
    metrics:
      receivers: [spanmetrics]
      exporters: [otlphttp/grafana]
`;

  it("accepts a configuration whose pipelines name defined components; a connector serves as exporter and receiver", () => {
    expect(otel(base)).toEqual([]);
  });

  it("an undefined exporter: the file, its line, the service pipeline and the component", () => {
    const issues = otel(base.replace("exporters: [otlphttp/grafana]\n", "exporters: [otlphttp/grafana, prometheusremotewrite]\n"));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: "INVALID_PIPELINE", file: "p/t.otel.yaml", line: 23, name: "traces" });
    expect(issues[0]!.reason).toContain('service pipeline "metrics" uses the exporter "prometheusremotewrite", which is not defined under exporters or connectors');
  });

  it("a processor is not a receiver, an extension must be defined, block lists report each entry's line", () => {
    const text = base
      .replace("receivers: [otlp]", "receivers:\n        - otlp\n        - batch")
      .replace("extensions: [health_check]", "extensions: [health_check, pprof]");
    const issues = otel(text);
    expect(issues.map((i) => [i.line, i.reason.replace(/^.*: (service|the)/, "$1")])).toEqual([
      [15, 'service.extensions lists "pprof", which is not defined under extensions'],
      [20, 'service pipeline "traces" uses the receiver "batch", which is not defined under receivers or connectors (it is defined under processors, which cannot be used as a receiver)'],
    ]);
  });

  it("a list that is not a list, and anchors resolved", () => {
    expect(otel(base.replace("processors: [batch]", "processors: batch"))[0]!.reason).toContain("processors must be a list of component ids");
    const anchored = base.replace("exporters: [otlphttp/grafana]\n", "exporters: *out\n").replace("exporters: [otlphttp/grafana, spanmetrics]", "exporters: &out [otlphttp/grafana, spanmetrics]");
    expect(otel(anchored)).toEqual([]);
  });

  it("inline contents: the metadata file's line", () => {
    const [issue] = validateSpec({ name: "t", configType: "otel", file: "p/t.yaml", contentsLine: 3, contents: "service:\n  pipelines:\n    traces:\n      receivers: [nope]\n" });
    expect(issue).toMatchObject({ file: "p/t.yaml", line: 6 });
  });

  it("the plan blocks on it with the file and line", () => {
    const plan = planSync({
      desired: [{ name: "traces", contents: base.replace("processors: [batch]", "processors: [memory_limiter]"), configType: "otel", file: "p/t.yaml", contentsFile: "p/t.otel.yaml" }],
      remote: [],
      scope: { type: "git", namespace: "repo" },
    });
    const finding = plan.findings.find((f) => f.code === "INVALID_PIPELINE");
    expect(finding).toMatchObject({ blocking: true, files: ["p/t.otel.yaml"], line: 19, names: ["traces"] });
    expect(finding!.message).toContain('"memory_limiter"');
  });
});

describe("the plan on Alloy contents", () => {
  it("INVALID_PIPELINE with file, line and column; remote pipelines are not re-checked", () => {
    const plan = planSync({
      desired: [{ name: "bad", contents: 'local.file "a" {\n  filename = \n}\n', file: "p/bad.yaml", contentsFile: "p/bad.alloy" }],
      remote: [{ id: "1", source: { type: "terraform", namespace: "x" }, spec: { name: "theirs", contents: "not alloy at all", matchers: [], enabled: true, configType: "alloy" } }],
      scope: { type: "git", namespace: "repo" },
    });
    const invalid = plan.findings.filter((f) => f.code === "INVALID_PIPELINE");
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({ blocking: true, files: ["p/bad.alloy"], line: 3, column: 1, names: ["bad"] });
    expect(invalid[0]!.hint).toContain("fleet-pipelines fmt");
  });
});

describe("the loader", () => {
  let root: string;
  const write = async (path: string, text: string) => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text, "utf8");
  };
  const loadError = async (options: { checkFormatting?: boolean } = {}): Promise<LoadIssue[]> => {
    const error = await loadPipelines(root, { cwd: root, ...options }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LoadError);
    return (error as LoadError).issues;
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "alloy-load-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("refuses a folder with an Alloy syntax error, at the .alloy file's line and column", async () => {
    await write("metrics.yaml", "enabled: true\n");
    await write("metrics.alloy", 'prometheus.exporter.self "s" {\n}\n\nprometheus.scrape "s" {\n  targets = [1 2]\n}\n');
    const issues = await loadError();
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: "INVALID_PIPELINE", file: "metrics.alloy", line: 5, column: 16, pipeline: "metrics" });
    expect(issues[0]!.message).toContain("missing ',' in expression list");
  });

  it("inline contents: the error points at the metadata file's line", async () => {
    await write("inline.yaml", 'enabled: true\nmatchers: ["env=prod"]\ncontents: |\n  local.file "a" {\n    filename = "x"\n  }\n  local.file "a" {\n    filename = "y"\n  }\n');
    const issues = await loadError();
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: "INVALID_PIPELINE", file: "inline.yaml", line: 7 });
    expect(issues[0]!.message).toContain("already declared");
    expect(issues[0]!.message).toContain("line 4, column 1 of the inline contents");
  });

  it("UNFORMATTED: a warning naming the file and the fmt command, only with checkFormatting", async () => {
    await write("a.yaml", "enabled: true\n");
    await write("a.alloy", 'local.file "a" {\n  filename = "x"\n}\n');
    await write("b.yaml", "enabled: true\n");
    await write("b.alloy", 'local.file "b" {\n\tfilename = "x"\n}\n');
    await write("c.yaml", "enabled: true\n");
    await write("c.alloy", 'local.file "c" {\r\n\tfilename = "x"\r\n}\r\n');
    await write("inline.yaml", 'enabled: true\ncontents: |\n  local.file "i" {\n      filename = "x"\n  }\n');
    const quiet = await loadPipelines(root, { cwd: root });
    expect(quiet.warnings).toEqual([]);
    const loaded = await loadPipelines(root, { cwd: root, checkFormatting: true });
    expect(loaded.warnings).toEqual([
      {
        code: "UNFORMATTED",
        severity: "warning",
        file: "a.alloy",
        pipeline: "a",
        message: "is not formatted the way `alloy fmt` formats it; run `fleet-pipelines fmt --write a.alloy`",
      },
    ]);
    expect(loaded.specs.map((s) => s.name)).toEqual(["a", "b", "c", "inline"]);
  });
});
