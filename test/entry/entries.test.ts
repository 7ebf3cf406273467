// The three entry points export exactly their public surface: the runtime
// names of `fleet-pipelines` and `fleet-pipelines/emulator` are the values of
// their checked-in API reports (etc/*.api.md, kept current by `npm run
// api:check` in CI), no internal helper leaks, and `fleet-pipelines/gen` is
// exactly the generated code.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");

/** The value (not type) names an API Extractor report lists as exported. */
function valuesInReport(file: string): string[] {
  const text = readFileSync(join(ROOT, "etc", file), "utf8");
  const names = new Set<string>();
  for (const m of text.matchAll(/^export (?:declare )?(?:abstract )?(?:function|class|const|let|var|enum|namespace) ([A-Za-z_$][\w$]*)/gm)) names.add(m[1]!);
  // Re-exports of another package's values (ConnectError, Code).
  for (const m of text.matchAll(/^export \{ ([A-Za-z_$][\w$]*)(?: as ([A-Za-z_$][\w$]*))? \}/gm)) names.add(m[2] ?? m[1]!);
  return [...names].sort();
}

const runtimeNames = (module: object): string[] => Object.keys(module).sort();

/** Internals that were once exported from the root and must stay out. */
const INTERNAL = [
  "CallLog",
  "remainingWork",
  "listRemote",
  "fingerprintRemote",
  "fingerprintLines",
  "pipelineDigestLine",
  "normalizeSpec",
  "normalizeContents",
  "canonicalMatcherSet",
  "remoteFromPipeline",
  "pipelineMessageFromSpec",
  "diffSpecs",
  "diffRemote",
  "specsEqual",
  "sourceTypeToProto",
  "sourceTypeFromProto",
  "configTypeToProto",
  "configTypeFromProto",
  "createRateLimiter",
  "parseRetryAfter",
  "parseTenantLimits",
  "normalizeBaseUrl",
  "isRetryableMethod",
  "verifyScope",
  "pipelineFiles",
  "safeText",
  "startEmulator",
  "EmulatorStore",
  "createPrng",
];

describe("fleet-pipelines (the SDK)", () => {
  it("exports at run time exactly the values of etc/fleet-pipelines.api.md", async () => {
    const sdk = await import("../../src/index.js");
    expect(runtimeNames(sdk)).toEqual(valuesInReport("fleet-pipelines.api.md"));
  });

  it("exports none of the internals", async () => {
    const sdk = (await import("../../src/index.js")) as Record<string, unknown>;
    expect(INTERNAL.filter((name) => name in sdk)).toEqual([]);
  });

  it("keeps what a user needs", async () => {
    const sdk = (await import("../../src/index.js")) as Record<string, unknown>;
    const needed = [
      "createFleetClient",
      "loadPipelines",
      "planSync",
      "applyPlan",
      "syncPipelines",
      "checkStale",
      "validatePipelines",
      "exportPipelines",
      "previewCollectors",
      "parseMatcher",
      "formatMatcher",
      "matches",
      "renderPlanText",
      "renderPlanMarkdown",
      "renderPlanJson",
      "FleetError",
      "ApplyError",
      "SafetyCheckError",
      "LoadError",
      "ConnectError",
      "Code",
      "parseAlloy",
      "formatAlloy",
    ];
    expect(needed.filter((name) => typeof sdk[name] === "undefined")).toEqual([]);
  });
});

describe("fleet-pipelines/emulator", () => {
  it("exports at run time exactly the values of etc/emulator.api.md", async () => {
    const emulator = await import("../../src/emulator-entry.js");
    expect(runtimeNames(emulator)).toEqual(valuesInReport("emulator.api.md"));
    expect(runtimeNames(emulator)).toContain("startEmulator");
  });
});

describe("fleet-pipelines/gen", () => {
  it("is exactly the generated modules", async () => {
    const gen = await import("../../src/gen.js");
    const generated = [
      await import("../../gen/pipeline/v1/pipeline_pb.js"),
      await import("../../gen/collector/v1/collector_pb.js"),
    ];
    expect(runtimeNames(gen)).toEqual([...new Set(generated.flatMap(runtimeNames))].sort());
  });
});
