import { create, fromBinary, fromJson, toBinary, toJson } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import {
  ConfigType,
  PipelineSchema,
  PipelineSource_SourceType,
} from "../../gen/pipeline/v1/pipeline_pb.js";
import {
  canonicalMatcherSet,
  configTypeFromProto,
  configTypeToProto,
  diffRemote,
  diffSpecs,
  formatSource,
  normalizeContents,
  normalizeSpec,
  pipelineMessageFromRemote,
  pipelineMessageFromSpec,
  remoteFromPipeline,
  sourceMatchesScope,
  sourceTypeFromProto,
  sourceTypeToProto,
  specsEqual,
  type NormalizedPipelineSpec,
} from "../../src/pipelines/index.js";

const base: NormalizedPipelineSpec = {
  name: "node_metrics",
  contents: 'prometheus.exporter.unix "default" { }\n',
  matchers: ['collector.os="linux"'],
  enabled: true,
  configType: "alloy",
};

describe("normalizeSpec", () => {
  it("applies the defaults: enabled true, config type alloy, no matchers", () => {
    expect(normalizeSpec({ name: "a", contents: "x" })).toEqual({
      name: "a",
      contents: "x",
      matchers: [],
      enabled: true,
      configType: "alloy",
    });
  });

  it("keeps what was given, including files, and copies the matchers array", () => {
    const matchers = ["env=prod"];
    const spec = {
      name: "a",
      contents: "x\r\n",
      matchers,
      enabled: false,
      configType: "otel" as const,
      metadata: { owner: "team-a" },
      file: "a.yaml",
      contentsFile: "a.otel.yaml",
    };
    const n = normalizeSpec(spec);
    expect(n).toEqual(spec);
    expect(n.contents).toBe("x\r\n"); // sent as written; only compared normalised
    expect(n.matchers).not.toBe(matchers);
  });
});

describe("normalizeContents", () => {
  it.each([
    ["a\r\nb\r\n", "a\nb\n"],
    ["a\rb", "a\nb\n"],
    ["a\nb", "a\nb\n"],
    ["a\nb\n\n\n", "a\nb\n"],
    ["", ""],
    ["\n\n", ""],
    ["  a  \n", "  a  \n"],
  ])("%j → %j", (input, output) => {
    expect(normalizeContents(input)).toBe(output);
  });
});

describe("semantic equality", () => {
  it("is reflexive and ignores matcher order, duplicates and spelling", () => {
    expect(specsEqual(base, base)).toBe(true);
    const a = { ...base, matchers: ['collector.os="linux"', "env=~prod|staging"] };
    const b = { ...base, matchers: ['env =~ "prod|staging"', "collector.os=linux", "collector.os = linux"] };
    expect(diffSpecs(a, b)).toEqual([]);
  });

  it("compares an unparseable matcher by its raw text", () => {
    const bad = { ...base, matchers: ["env=~("] };
    expect(specsEqual(bad, { ...base, matchers: ["env=~("] })).toBe(true);
    expect(diffSpecs(bad, { ...base, matchers: ["env=~( "] })).toHaveLength(1);
  });

  it("ignores line endings and the final newline of contents, nothing else", () => {
    expect(specsEqual(base, { ...base, contents: 'prometheus.exporter.unix "default" { }\r\n\r\n' })).toBe(true);
    expect(specsEqual(base, { ...base, contents: 'prometheus.exporter.unix "default" { }' })).toBe(true);
    expect(specsEqual(base, { ...base, contents: 'prometheus.exporter.unix "default" {  }\n' })).toBe(false);
    expect(specsEqual(base, { ...base, contents: ' prometheus.exporter.unix "default" { }\n' })).toBe(false);
  });

  it("compares metadata as JSON: key order ignored, absent equals {}", () => {
    const a = { ...base, metadata: { a: 1, b: { c: [1, 2], d: null } } };
    const b = { ...base, metadata: { b: { d: null, c: [1, 2] }, a: 1 } };
    expect(specsEqual(a, b)).toBe(true);
    expect(specsEqual(base, { ...base, metadata: {} })).toBe(true);
    expect(diffSpecs(a, { ...b, metadata: { a: 1, b: { c: [2, 1], d: null } } })).toEqual([
      { field: "metadata", before: { a: 1, b: { c: [1, 2], d: null } }, after: { a: 1, b: { c: [2, 1], d: null } } },
    ]);
  });

  it("reports every changed field in a fixed order with comparison forms", () => {
    const remote = { ...base, contents: "old\r\n", enabled: false, configType: "otel" as const, metadata: { x: 1 } };
    const desired = { ...base, contents: "new", matchers: ["env=prod", "collector.os=linux"] };
    expect(diffSpecs(remote, desired)).toEqual([
      { field: "contents", before: "old\n", after: "new\n" },
      { field: "matchers", before: ['collector.os="linux"'], after: ['collector.os="linux"', 'env="prod"'] },
      { field: "enabled", before: false, after: true },
      { field: "configType", before: "otel", after: "alloy" },
      { field: "metadata", before: { x: 1 }, after: null },
    ]);
  });

  it("canonicalMatcherSet sorts and deduplicates canonical forms", () => {
    expect(canonicalMatcherSet(["b=2", "a = 1", 'b="2"'])).toEqual(['a="1"', 'b="2"']);
  });

  it("a remote pipeline stored without enabled reads as disabled, as GetConfig treats it", () => {
    const remote = remoteFromPipeline(create(PipelineSchema, { id: "1", name: base.name, contents: base.contents, matchers: base.matchers, configType: ConfigType.ALLOY }));
    expect(remote.enabledUnset).toBe(true);
    expect(diffRemote(remote, base)).toEqual([{ field: "enabled", before: false, after: true }]);
    expect(diffRemote(remote, { ...base, enabled: false })).toEqual([]);
  });
});

describe("wire conversion", () => {
  it("reads a service pipeline as plain data", () => {
    const p = create(PipelineSchema, {
      id: "42",
      name: "logs",
      contents: "x",
      matchers: ["a=b"],
      enabled: false,
      configType: ConfigType.OTEL,
      metadata: { owner: "me" },
      source: { type: PipelineSource_SourceType.TERRAFORM, namespace: "infra" },
      updatedAt: timestampFromDate(new Date("2026-01-02T03:04:05Z")),
    });
    expect(remoteFromPipeline(p)).toEqual({
      id: "42",
      source: { type: "terraform", namespace: "infra" },
      spec: { name: "logs", contents: "x", matchers: ["a=b"], enabled: false, configType: "otel", metadata: { owner: "me" } },
      updatedAt: "2026-01-02T03:04:05.000Z",
    });
  });

  it("reads UNSPECIFIED config type as alloy, absent enabled as unset (false), absent source as none", () => {
    const r = remoteFromPipeline(create(PipelineSchema, { name: "a", contents: "x" }));
    expect(r.spec.configType).toBe("alloy");
    expect(r.configTypeUnset).toBe(true);
    expect(r.spec.enabled).toBe(false);
    expect(r.enabledUnset).toBe(true);
    expect(r.source).toBeUndefined();
    expect(r.id).toBe("");
  });

  it("writes a stored pipeline back exactly as stored: unset fields stay unset", () => {
    const stored = create(PipelineSchema, { id: "9", name: "a", contents: "x\r\n", matchers: ["b = c", "a=b"] });
    const m = pipelineMessageFromRemote(remoteFromPipeline(stored), { type: "git", namespace: "repo" });
    expect([m.enabled, m.configType, m.contents, m.matchers, m.id]).toEqual([undefined, ConfigType.UNSPECIFIED, "x\r\n", ["b = c", "a=b"], undefined]);
  });

  it("writes full objects: enabled and config type always set, no file paths, no id", () => {
    const spec = normalizeSpec({ name: "a", contents: "x", file: "secret/path.yaml", contentsFile: "p.alloy" });
    const m = pipelineMessageFromSpec(spec, { type: "git", namespace: "repo" });
    expect(m.enabled).toBe(true);
    expect(m.configType).toBe(ConfigType.ALLOY);
    expect(m.source?.type).toBe(PipelineSource_SourceType.GIT);
    expect(m.source?.namespace).toBe("repo");
    expect(m.id).toBeUndefined();
    const json = JSON.stringify(toJson(PipelineSchema, m));
    expect(json).not.toContain("path.yaml");
    expect(json).not.toContain("p.alloy");
    expect(json).toContain('"enabled":true');
    expect(json).toContain('"configType":"CONFIG_TYPE_ALLOY"');
    expect(pipelineMessageFromSpec(spec).source).toBeUndefined();
  });

  it("a pipeline written and read back (binary and JSON) is equal to its spec", () => {
    const spec = normalizeSpec({
      name: "o",
      contents: "receivers: {}\r\n",
      matchers: ["env = prod", 'team=~"a|b"'],
      enabled: false,
      configType: "otel",
      metadata: { z: [1, "two", { three: true }], a: null },
    });
    const sent = pipelineMessageFromSpec(spec, { type: "git", namespace: "r" });
    const viaBinary = fromBinary(PipelineSchema, toBinary(PipelineSchema, sent));
    const viaJson = fromJson(PipelineSchema, toJson(PipelineSchema, sent));
    for (const back of [viaBinary, viaJson]) {
      const remote = remoteFromPipeline(back);
      expect(diffRemote(remote, spec)).toEqual([]);
      expect(sourceMatchesScope(remote.source, { type: "git", namespace: "r" })).toBe(true);
    }
  });

  it("maps every enum both ways", () => {
    for (const t of ["git", "terraform", "grafana"] as const) expect(sourceTypeFromProto(sourceTypeToProto(t))).toBe(t);
    expect(sourceTypeFromProto(PipelineSource_SourceType.UNSPECIFIED)).toBe("unspecified");
    expect(sourceTypeFromProto(99 as PipelineSource_SourceType)).toBe("unspecified");
    for (const t of ["alloy", "otel"] as const) expect(configTypeFromProto(configTypeToProto(t))).toBe(t);
    expect(configTypeFromProto(ConfigType.UNSPECIFIED)).toBe("alloy");
  });
});

describe("sources", () => {
  it("matches the scope only on equal type and namespace", () => {
    const scope = { type: "git" as const, namespace: "repo" };
    expect(sourceMatchesScope({ type: "git", namespace: "repo" }, scope)).toBe(true);
    expect(sourceMatchesScope({ type: "git", namespace: "Repo" }, scope)).toBe(false);
    expect(sourceMatchesScope({ type: "terraform", namespace: "repo" }, scope)).toBe(false);
    expect(sourceMatchesScope({ type: "unspecified", namespace: "repo" }, scope)).toBe(false);
    expect(sourceMatchesScope(undefined, scope)).toBe(false);
  });

  it("formats sources for messages", () => {
    expect(formatSource({ type: "git", namespace: "repo" })).toBe("git/repo");
    expect(formatSource({ type: "grafana", namespace: "" })).toBe("grafana");
    expect(formatSource(undefined)).toBe("no source");
    expect(formatSource({ type: "unspecified", namespace: "" })).toBe("no source type");
  });
});
