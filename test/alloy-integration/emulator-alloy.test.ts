// The emulator refuses what the service is expected to refuse: a write whose
// Alloy contents do not parse, with invalid_argument naming the pipeline, the
// line and the column; validate_only included, nothing stored.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { binaryDriver, jsonDriver, ok, type Driver, type Json } from "../emulator/drivers.js";

const GOOD = 'prometheus.exporter.unix "default" { }\n';
// `}` on line 3 at column 1 where an expression is expected.
const BAD = 'prometheus.remote_write "x" {\n  endpoint { url = \n}\n';
const git = { type: "SOURCE_TYPE_GIT", namespace: "repo" };

let strict: Emulator;
let lenient: Emulator;

beforeAll(async () => {
  [strict, lenient] = await Promise.all([startEmulator({ checkAlloySyntax: true }), startEmulator()]);
});
afterAll(async () => {
  await Promise.all([strict.stop(), lenient.stop()]);
});

describe.each([
  ["binary", binaryDriver],
  ["json", jsonDriver],
] as const)("Alloy syntax on writes, through %s", (_label, makeDriver) => {
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

it("is off unless asked for: an emulator started without checkAlloySyntax stores any contents", async () => {
  const d = binaryDriver(lenient.url);
  ok(await d.call("pipeline", "CreatePipeline", { pipeline: { name: "placeholder", contents: "x" } }));
});
