// The spec side of the project's bad-inputs corpus: each bad spec must give
// its code, point at the right field and file, and name the file and the
// pipeline in its message (the loader covers the file side).
import { describe, expect, it } from "vitest";
import { validateSpec, type PipelineSpec } from "../../src/pipelines/index.js";
import { planSync, type FindingCode } from "../../src/plan/index.js";

interface BadCase {
  title: string;
  specs: PipelineSpec[];
  code: FindingCode;
  field?: string;
  /** The file the finding must point at. */
  file: string;
  line?: number;
  /** A fragment the message must contain (beyond file and name). */
  says: RegExp;
}

const ok = 'prometheus.exporter.self "alloy" { }\n';
const spec = (over: Record<string, unknown>): PipelineSpec =>
  ({ name: "bad_one", contents: ok, file: "pipelines/bad_one.yaml", ...over }) as PipelineSpec;

const cases: BadCase[] = [
  { title: "empty name", specs: [spec({ name: "" })], code: "INVALID_PIPELINE", field: "name", file: "pipelines/bad_one.yaml", says: /name is empty/ },
  { title: "blank name", specs: [spec({ name: "   " })], code: "INVALID_PIPELINE", field: "name", file: "pipelines/bad_one.yaml", says: /name is empty/ },
  { title: "name over 256 bytes", specs: [spec({ name: "é".repeat(129) })], code: "INVALID_PIPELINE", field: "name", file: "pipelines/bad_one.yaml", says: /258 bytes long \(UTF-8\); the limit is 256/ },
  { title: "name with a newline", specs: [spec({ name: "bad\none" })], code: "INVALID_PIPELINE", field: "name", file: "pipelines/bad_one.yaml", says: /control character/ },
  { title: "empty contents", specs: [spec({ contents: "" })], code: "INVALID_PIPELINE", field: "contents", file: "pipelines/bad_one.yaml", says: /contents are empty/ },
  {
    title: "empty contents, reported on the contents file",
    specs: [spec({ contents: "", contentsFile: "pipelines/bad_one.alloy" })],
    code: "INVALID_PIPELINE",
    field: "contents",
    file: "pipelines/bad_one.alloy",
    says: /contents are empty/,
  },
  { title: "matcher without a value", specs: [spec({ matchers: ["env="] })], code: "INVALID_PIPELINE", field: "matchers", file: "pipelines/bad_one.yaml", says: /matcher 1 "env=" does not parse/ },
  { title: "matcher with a doubled operator", specs: [spec({ matchers: ["env==prod"] })], code: "INVALID_PIPELINE", field: "matchers", file: "pipelines/bad_one.yaml", says: /"env==prod" does not parse/ },
  { title: "matcher with an unknown escape", specs: [spec({ matchers: ['env=~"\\d+"'] })], code: "INVALID_PIPELINE", field: "matchers", file: "pipelines/bad_one.yaml", says: /does not parse/ },
  { title: "matcher with an unterminated quote", specs: [spec({ matchers: ['env="prod'] })], code: "INVALID_PIPELINE", field: "matchers", file: "pipelines/bad_one.yaml", says: /does not parse/ },
  { title: "matcher in braces", specs: [spec({ matchers: ['{env="prod"}'] })], code: "INVALID_PIPELINE", field: "matchers", file: "pipelines/bad_one.yaml", says: /does not parse/ },
  { title: "two matchers in one entry", specs: [spec({ matchers: ["a=b,c=d"] })], code: "INVALID_PIPELINE", field: "matchers", file: "pipelines/bad_one.yaml", says: /does not parse/ },
  { title: "regex RE2 refuses (lookahead)", specs: [spec({ matchers: ['env=~"(?=prod)"'] })], code: "INVALID_PIPELINE", field: "matchers", file: "pipelines/bad_one.yaml", says: /does not parse/ },
  { title: "empty matcher", specs: [spec({ matchers: ["collector.os=linux", ""] })], code: "INVALID_PIPELINE", field: "matchers", file: "pipelines/bad_one.yaml", says: /matcher 2 "" does not parse/ },
  {
    title: "matcher over 200 characters",
    specs: [spec({ matchers: [`env="${"x".repeat(200)}"`] })],
    code: "INVALID_PIPELINE",
    field: "matchers",
    file: "pipelines/bad_one.yaml",
    says: /206 characters long; the limit is 200/,
  },
  { title: "matcher that is not a string", specs: [spec({ matchers: [42] })], code: "INVALID_PIPELINE", field: "matchers", file: "pipelines/bad_one.yaml", says: /matcher 1 is not a string/ },
  { title: "matchers not a list", specs: [spec({ matchers: "env=prod" })], code: "INVALID_PIPELINE", field: "matchers", file: "pipelines/bad_one.yaml", says: /must be a list/ },
  { title: "unknown config type", specs: [spec({ configType: "yaml" })], code: "INVALID_PIPELINE", field: "configType", file: "pipelines/bad_one.yaml", says: /unknown config type "yaml"/ },
  { title: "enabled as a string", specs: [spec({ enabled: "yes" })], code: "INVALID_PIPELINE", field: "enabled", file: "pipelines/bad_one.yaml", says: /true or false/ },
  { title: "metadata as a list", specs: [spec({ metadata: ["a"] })], code: "INVALID_PIPELINE", field: "metadata", file: "pipelines/bad_one.yaml", says: /JSON object/ },
  {
    title: "OTel contents that are not YAML",
    specs: [spec({ configType: "otel", contents: "receivers:\n  otlp:\n    protocols: [grpc\n", contentsFile: "pipelines/bad_one.otel.yaml" })],
    code: "INVALID_PIPELINE",
    field: "contents",
    file: "pipelines/bad_one.otel.yaml",
    says: /not valid YAML \(line \d+\)/,
  },
  {
    title: "OTel contents with a duplicate key",
    specs: [spec({ configType: "otel", contents: "receivers: {}\nexporters: {}\nreceivers: {}\n", contentsFile: "pipelines/bad_one.otel.yaml" })],
    code: "INVALID_PIPELINE",
    field: "contents",
    file: "pipelines/bad_one.otel.yaml",
    line: 3,
    says: /not valid YAML \(line 3\)/,
  },
  {
    title: "OTel contents that are a list, not a mapping",
    specs: [spec({ configType: "otel", contents: "- receivers\n- exporters\n", contentsFile: "pipelines/bad_one.otel.yaml" })],
    code: "INVALID_PIPELINE",
    field: "contents",
    file: "pipelines/bad_one.otel.yaml",
    says: /must be a YAML mapping/,
  },
  {
    // The YAML composer recurses: without a depth guard, a few thousand levels
    // overflow the stack and a few hundred thousand take the process down.
    title: "OTel contents nested a million brackets deep",
    specs: [spec({ configType: "otel", contents: "receivers: " + "[".repeat(1_000_000), contentsFile: "pipelines/bad_one.otel.yaml" })],
    code: "INVALID_PIPELINE",
    field: "contents",
    file: "pipelines/bad_one.otel.yaml",
    line: 1,
    says: /nested more than 64 levels deep \(line 1\)/,
  },
  {
    title: "OTel contents nested 100 levels deep in block style",
    specs: [
      spec({
        configType: "otel",
        contents: Array.from({ length: 100 }, (_, i) => `${"  ".repeat(i)}k${i}:`).join("\n") + " 1\n",
        contentsFile: "pipelines/bad_one.otel.yaml",
      }),
    ],
    code: "INVALID_PIPELINE",
    field: "contents",
    file: "pipelines/bad_one.otel.yaml",
    line: 65,
    says: /nested more than 64 levels deep \(line 65\)/,
  },
  {
    title: "OTel contents that are only a comment",
    specs: [spec({ configType: "otel", contents: "# todo\n" })],
    code: "INVALID_PIPELINE",
    field: "contents",
    file: "pipelines/bad_one.yaml",
    says: /must be a YAML mapping/,
  },
  {
    title: "two files with the same pipeline name",
    specs: [spec({ file: "team-b/bad_one.yaml" }), spec({ file: "team-a/bad_one.yaml" })],
    code: "DUPLICATE_NAME",
    file: "team-a/bad_one.yaml",
    says: /defined 2 times: team-a\/bad_one\.yaml, team-b\/bad_one\.yaml/,
  },
];

describe("bad specs corpus", () => {
  it.each(cases)("$title → $code", (c) => {
    const plan = planSync({ desired: c.specs, remote: [], scope: { type: "git", namespace: "repo" } });
    expect(plan.blocked).toBe(true);
    const findings = plan.findings.filter((f) => f.code === c.code);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f.blocking).toBe(true);
    expect(f.severity).toBe("error");
    expect(f.files).toContain(c.file);
    expect(f.message).toContain(c.file);
    const name = c.specs[0]!.name;
    if (name === "") expect(f.message).toContain("pipeline with an empty name");
    else expect(f.message).toContain(`pipeline ${JSON.stringify(name)}`);
    expect(f.message).toMatch(c.says);
    expect(f.hint.length).toBeGreaterThan(10);
    if (c.line !== undefined) expect(f.line).toBe(c.line);
    if (c.field !== undefined) {
      const issues = validateSpec(c.specs[0]!);
      expect(issues.map((i) => i.field)).toEqual([c.field]);
      expect(issues[0]!.code).toBe("INVALID_PIPELINE");
    }
  });

  it("a good spec of each config type has no issue", () => {
    expect(validateSpec(spec({ matchers: ['collector.os="linux"', "env=~prod|staging", 'team!~"a|b"'] }))).toEqual([]);
    expect(validateSpec(spec({ configType: "otel", contents: "receivers:\n  otlp: {}\n" }))).toEqual([]);
    expect(validateSpec(spec({ matchers: [`env="${"x".repeat(194)}"`] }))).toEqual([]); // exactly 200
  });

  it("gives the YAML hint for OTel contents problems only, whatever the file is called", () => {
    const hintFor = (over: Record<string, unknown>) =>
      planSync({ desired: [spec(over)], remote: [], scope: { type: "git", namespace: "repo" } }).findings[0]!.hint;
    expect(hintFor({ contents: "", file: "YAML/bad_one.yaml" })).toMatch(/contents file/);
    expect(hintFor({ configType: "otel", contents: "- a\n" })).toMatch(/fix the YAML/);
    expect(hintFor({ configType: "otel", contents: "a: " + "[".repeat(100) })).toMatch(/fix the YAML/);
  });

  it("reports every issue of a spec, and names the pipeline without a file", () => {
    const issues = validateSpec({ name: "lonely", contents: "", matchers: ["=", "ok=1"], configType: "x" as "alloy" });
    expect(issues.map((i) => i.field)).toEqual(["contents", "matchers", "configType"]);
    for (const i of issues) {
      expect(i.message.startsWith('pipeline "lonely": ')).toBe(true);
      expect(i.file).toBeUndefined();
    }
    expect(issues[1]!.index).toBe(0);
  });
});
