// The emulator refuses what the service is expected to refuse: a write whose
// Alloy contents do not parse, with invalid_argument naming the pipeline, the
// line and the column; validate_only included, nothing stored. On by default;
// `checkAlloySyntax: false` turns it off.
import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PipelineSchema } from "../../gen/pipeline/v1/pipeline_pb.js";
import { EmulatorStore, startEmulator, type Emulator } from "../../src/emulator/index.js";
import { binaryDriver, jsonDriver, ok, type Driver, type Json } from "../emulator/drivers.js";

const GOOD = 'prometheus.exporter.unix "default" { }\n';
// `}` on line 3 at column 1 where an expression is expected.
const BAD = 'prometheus.remote_write "x" {\n  endpoint { url = \n}\n';
const git = { type: "SOURCE_TYPE_GIT", namespace: "repo" };

let strict: Emulator;
let lenient: Emulator;

beforeAll(async () => {
  // The default emulator checks; only an explicit false turns it off.
  [strict, lenient] = await Promise.all([startEmulator(), startEmulator({ checkAlloySyntax: false })]);
});
afterAll(async () => {
  await Promise.all([strict.stop(), lenient.stop()]);
});

describe.each([
  ["binary", binaryDriver],
  ["json", jsonDriver],
] as const)("Alloy syntax on writes (default emulator), through %s", (_label, makeDriver) => {
  let d: Driver;
  const p = (method: string, req: Json = {}) => d.call("pipeline", method, req);
  const names = async () => ((ok(await p("ListPipelines")).pipelines ?? []) as Json[]).map((x) => x.name as string);
  const refused = (result: Awaited<ReturnType<typeof p>>) => {
    expect(result.code).toBe("invalid_argument");
    return "message" in result ? result.message : "";
  };

  beforeAll(() => {
    d = makeDriver(strict.url);
  });
  beforeEach(() => {
    strict.reset();
  });

  it("refuses CreatePipeline, naming the pipeline, line and column", async () => {
    const message = refused(await p("CreatePipeline", { pipeline: { name: "broken", contents: BAD } }));
    expect(message).toContain('pipeline "broken"');
    expect(message).toMatch(/line 3, column 1: expected expression, got \}/);
    expect(await names()).toEqual([]);
  });

  it("refuses UpsertPipeline, also with validate_only, and an unspecified config type counts as Alloy", async () => {
    refused(await p("UpsertPipeline", { pipeline: { name: "u", contents: BAD } }));
    refused(await p("UpsertPipeline", { pipeline: { name: "u", contents: BAD, configType: "CONFIG_TYPE_UNSPECIFIED" }, validateOnly: true }));
    refused(await p("UpsertPipeline", { pipeline: { name: "u", contents: BAD, configType: "CONFIG_TYPE_ALLOY" } }));
    expect(await names()).toEqual([]);
    ok(await p("UpsertPipeline", { pipeline: { name: "u", contents: GOOD }, validateOnly: true }));
    expect(await names()).toEqual([]);
  });

  it("refuses UpdatePipeline and keeps the stored contents", async () => {
    const created = ok(await p("CreatePipeline", { pipeline: { name: "a", contents: GOOD } }));
    const message = refused(await p("UpdatePipeline", { pipeline: { ...created, contents: "a = (\n" } }));
    expect(message).toContain('pipeline "a"');
    expect(message).toMatch(/line 2, column 1/);
    const stored = ok(await p("GetPipeline", { id: created.id }));
    expect(stored.contents).toBe(GOOD);
  });

  it("refuses a whole SyncPipelines when one pipeline does not parse (atomic), naming it", async () => {
    ok(await p("CreatePipeline", { pipeline: { name: "kept", contents: GOOD, source: git } }));
    const message = refused(
      await p("SyncPipelines", {
        source: git,
        pipelines: [
          { name: "fine", contents: GOOD },
          { name: "bad", contents: 'a "x" = 1\n' },
        ],
      }),
    );
    expect(message).toContain('pipeline "bad"');
    expect(message).toMatch(/line 1, column 3: attribute names may not have labels/);
    expect(await names()).toEqual(["kept"]);
  });

  it("accepts comment-only and empty-bodied contents, and leaves OpenTelemetry contents to the YAML check", async () => {
    ok(await p("CreatePipeline", { pipeline: { name: "comments", contents: "// only a comment\n" } }));
    ok(await p("CreatePipeline", { pipeline: { name: "otel", contents: "receivers: {}\n", configType: "CONFIG_TYPE_OTEL" } }));
    expect(await names()).toEqual(["comments", "otel"]);
  });
});

describe("the default emulator", () => {
  beforeEach(() => {
    strict.reset();
  });

  it("refuses an unparsable pipeline over Upsert, naming the pipeline, line and column", async () => {
    const d = binaryDriver(strict.url);
    const result = await d.call("pipeline", "UpsertPipeline", { pipeline: { name: "placeholder", contents: "x" } });
    expect(result.code).toBe("invalid_argument");
    expect("message" in result ? result.message : "").toMatch(
      /pipeline "placeholder": Alloy contents do not parse: line 1, column 2: expected block label/,
    );
    expect(strict.state().pipelines).toEqual([]);
  });

  it("refuses an unparsable pipeline over Sync, naming the pipeline, line and column, and changes nothing", async () => {
    const d = jsonDriver(strict.url);
    ok(await d.call("pipeline", "UpsertPipeline", { pipeline: { name: "kept", contents: GOOD, source: git } }));
    const result = await d.call("pipeline", "SyncPipelines", {
      source: git,
      pipelines: [
        { name: "fine", contents: GOOD },
        { name: "second", contents: BAD },
      ],
    });
    expect(result.code).toBe("invalid_argument");
    expect("message" in result ? result.message : "").toMatch(/pipeline "second".*line 3, column 1: expected expression, got \}/);
    expect(strict.state().pipelines.map((p) => p.name)).toEqual(["kept"]);
    expect(strict.state().pipelines[0]!.contents).toBe(GOOD);
  });

  it("does not check what is seeded (seed stores as given)", () => {
    strict.seed({ pipelines: [{ name: "seeded", contents: "x" }] });
    expect(strict.state().pipelines.map((p) => [p.name, p.contents])).toEqual([["seeded", "x"]]);
  });

  it("EmulatorStore checks by default too, and not with checkAlloySyntax: false", () => {
    const bad = () => create(PipelineSchema, { name: "store-bad", contents: BAD });
    expect(() => new EmulatorStore().upsertPipeline(bad())).toThrow(/pipeline "store-bad".*line 3, column 1/);
    expect(new EmulatorStore({ checkAlloySyntax: false }).upsertPipeline(bad()).contents).toBe(BAD);
  });
});

describe("checkAlloySyntax: false", () => {
  beforeEach(() => {
    lenient.reset();
  });

  it("stores contents that do not parse, over Create, Upsert (validate_only too) and Sync", async () => {
    const d = binaryDriver(lenient.url);
    ok(await d.call("pipeline", "CreatePipeline", { pipeline: { name: "placeholder", contents: "x" } }));
    ok(await d.call("pipeline", "UpsertPipeline", { pipeline: { name: "upserted", contents: BAD }, validateOnly: true }));
    ok(await d.call("pipeline", "UpsertPipeline", { pipeline: { name: "upserted", contents: BAD } }));
    ok(
      await d.call("pipeline", "SyncPipelines", {
        source: git,
        pipelines: [{ name: "synced", contents: 'a "x" = 1\n' }],
      }),
    );
    expect(lenient.state().pipelines.map((p) => [p.name, p.contents])).toEqual([
      ["placeholder", "x"],
      ["upserted", BAD],
      ["synced", 'a "x" = 1\n'],
    ]);
  });

  it("still checks what does not depend on it: OpenTelemetry contents must be YAML", async () => {
    const d = binaryDriver(lenient.url);
    const result = await d.call("pipeline", "CreatePipeline", {
      pipeline: { name: "otel", contents: "receivers: [unclosed", configType: "CONFIG_TYPE_OTEL" },
    });
    expect(result.code).toBe("invalid_argument");
  });
});
