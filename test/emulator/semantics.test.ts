// Every service semantic, run twice: through a generated Connect client
// (binary) and through fetch with Connect JSON, against one shared emulator.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { binaryDriver, jsonDriver, ok, type Driver, type Json } from "./drivers.js";

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.stop();
});

const ALLOY = 'prometheus.exporter.unix "default" { }';
const git = (namespace: string) => ({ type: "SOURCE_TYPE_GIT", namespace });

describe.each([
  ["binary", (url: string) => binaryDriver(url)],
  ["json", (url: string) => jsonDriver(url)],
] as const)("semantics through %s", (_label, makeDriver) => {
  let d: Driver;
  const p = (method: string, req: Json = {}) => d.call("pipeline", method, req);
  const c = (method: string, req: Json = {}) => d.call("collector", method, req);
  const create = async (pipeline: Json) => ok(await p("CreatePipeline", { pipeline }));
  const names = async (req: Json = {}) =>
    ((ok(await p("ListPipelines", req)).pipelines ?? []) as Json[]).map((x) => x.name as string);

  beforeAll(() => {
    d = makeDriver(emulator.url);
  });
  beforeEach(() => {
    emulator.reset();
  });

  describe("identity and writes", () => {
    it("assigns increasing numeric string ids and timestamps on create", async () => {
      const a = await create({ name: "a", contents: ALLOY, matchers: ["env=prod"], enabled: true });
      const b = await create({ name: "b", contents: ALLOY });
      expect(a.id).toMatch(/^[0-9]+$/);
      expect(Number(b.id)).toBeGreaterThan(Number(a.id));
      expect(a).toMatchObject({ name: "a", contents: ALLOY, matchers: ["env=prod"], enabled: true });
      expect(Date.parse(a.createdAt)).not.toBeNaN();
      expect(a.updatedAt).toBe(a.createdAt);
    });

    it("rejects a duplicate name on create with already_exists", async () => {
      await create({ name: "a", contents: ALLOY });
      const again = await p("CreatePipeline", { pipeline: { name: "a", contents: "// other\n" } });
      expect(again.code).toBe("already_exists");
      expect(await names()).toEqual(["a"]);
    });

    it("rejects a client-chosen id on create and upsert", async () => {
      expect((await p("CreatePipeline", { pipeline: { name: "a", contents: ALLOY, id: "7" } })).code).toBe("invalid_argument");
      expect((await p("UpsertPipeline", { pipeline: { name: "a", contents: ALLOY, id: "7" } })).code).toBe("invalid_argument");
    });

    it.each([
      ["an empty name", { name: "", contents: ALLOY }],
      ["empty contents", { name: "a", contents: "" }],
      ["a matcher without value", { name: "a", contents: ALLOY, matchers: ["env="] }],
      ["a matcher over 200 characters", { name: "a", contents: ALLOY, matchers: [`env="${"x".repeat(200)}"`] }],
      ["a regex RE2 refuses", { name: "a", contents: ALLOY, matchers: ['env=~"(?=x)"'] }],
      ["OTel contents that are not YAML", { name: "a", contents: "receivers: [unclosed", configType: "CONFIG_TYPE_OTEL" }],
      ["OTel contents nested without bound", { name: "a", contents: "[".repeat(200_000), configType: "CONFIG_TYPE_OTEL" }],
      ["Alloy contents that do not parse", { name: "a", contents: "not { really alloy" }],
      ["Alloy contents that do not parse, config type Alloy", { name: "a", contents: "not { really alloy", configType: "CONFIG_TYPE_ALLOY" }],
    ])("rejects %s with invalid_argument", async (_what, pipeline) => {
      const result = await p("CreatePipeline", { pipeline });
      expect(result.code).toBe("invalid_argument");
      expect(await names()).toEqual([]);
    });

    it("accepts OTel YAML, and Alloy contents that parse but would not load (the syntax only is checked)", async () => {
      await create({ name: "otel", contents: "receivers:\n  otlp: {}\n", configType: "CONFIG_TYPE_OTEL" });
      // An unknown component and a label used twice: Alloy would refuse to load it, the write goes through.
      await create({ name: "alloy", contents: 'not.a.component "a" { }\nnot.a.component "a" { }\n' });
      expect(await names()).toEqual(["otel", "alloy"]);
    });

    it("updates by id with full replacement, and not_found for a missing id", async () => {
      const a = await create({
        name: "a",
        contents: ALLOY,
        matchers: ["env=prod"],
        enabled: true,
        metadata: { owner: "me" },
        source: git("repo"),
        configType: "CONFIG_TYPE_ALLOY",
      });
      const updated = ok(await p("UpdatePipeline", { pipeline: { id: a.id, name: "a", contents: "// v2\n" } }));
      expect(updated).toMatchObject({ id: a.id, name: "a", contents: "// v2\n", createdAt: a.createdAt });
      for (const cleared of ["matchers", "enabled", "metadata", "source", "configType"]) {
        expect(updated, cleared).not.toHaveProperty(cleared);
      }
      const got = ok(await p("GetPipeline", { id: a.id }));
      expect(got).toEqual(updated);
      expect((await p("UpdatePipeline", { pipeline: { id: "999", name: "zz", contents: ALLOY } })).code).toBe("not_found");
      expect((await p("UpdatePipeline", { pipeline: { name: "a", contents: ALLOY } })).code).toBe("invalid_argument");
    });

    it("refuses an update that renames onto another pipeline's name", async () => {
      const a = await create({ name: "a", contents: ALLOY });
      await create({ name: "b", contents: ALLOY });
      expect((await p("UpdatePipeline", { pipeline: { id: a.id, name: "b", contents: ALLOY } })).code).toBe("already_exists");
      const renamed = ok(await p("UpdatePipeline", { pipeline: { id: a.id, name: "c", contents: ALLOY } }));
      expect(renamed.name).toBe("c");
      expect(ok(await p("GetPipelineID", { name: "c" })).id).toBe(a.id);
      expect((await p("GetPipelineID", { name: "a" })).code).toBe("not_found");
    });

    it("upserts by name: creates, then replaces in full and keeps the id", async () => {
      const first = ok(await p("UpsertPipeline", { pipeline: { name: "a", contents: ALLOY, matchers: ["x=y"], enabled: true } }));
      const second = ok(await p("UpsertPipeline", { pipeline: { name: "a", contents: "// v2\n" } }));
      expect(second.id).toBe(first.id);
      expect(second.contents).toBe("// v2\n");
      expect(second).not.toHaveProperty("matchers");
      expect(second).not.toHaveProperty("enabled");
      expect(await names()).toEqual(["a"]);
    });

    it("answers Get, GetPipelineID and Delete, with not_found for unknown ids and names", async () => {
      const a = await create({ name: "a", contents: ALLOY });
      expect(ok(await p("GetPipeline", { id: a.id })).name).toBe("a");
      expect(ok(await p("GetPipelineID", { name: "a" }))).toEqual({ id: a.id });
      expect((await p("GetPipeline", { id: "424242" })).code).toBe("not_found");
      expect((await p("GetPipelineID", { name: "nope" })).code).toBe("not_found");
      expect((await p("DeletePipeline", { id: "424242" })).code).toBe("not_found");
      expect(ok(await p("DeletePipeline", { id: a.id }))).toEqual({});
      expect((await p("GetPipeline", { id: a.id })).code).toBe("not_found");
      expect((await p("DeletePipeline", { id: a.id })).code).toBe("not_found");
    });
  });

  describe("BulkDeletePipelines", () => {
    it("deletes all the ids, or none when one is missing", async () => {
      const a = await create({ name: "a", contents: ALLOY });
      const b = await create({ name: "b", contents: ALLOY });
      await create({ name: "c", contents: ALLOY });
      const failed = await p("BulkDeletePipelines", { ids: [a.id, "999", b.id] });
      expect(failed.code).toBe("not_found");
      expect(await names()).toEqual(["a", "b", "c"]);
      ok(await p("BulkDeletePipelines", { ids: [a.id, b.id] }));
      expect(await names()).toEqual(["c"]);
    });

    it("rejects an empty list and a repeated id", async () => {
      const a = await create({ name: "a", contents: ALLOY });
      expect((await p("BulkDeletePipelines", { ids: [] })).code).toBe("invalid_argument");
      expect((await p("BulkDeletePipelines", { ids: [a.id, a.id] })).code).toBe("invalid_argument");
      expect(await names()).toEqual(["a"]);
    });
  });

  describe("SyncPipelines", () => {
    beforeEach(() => {
      emulator.seed({
        pipelines: [
          { name: "mine-stale", contents: ALLOY, source: git("repo") },
          { name: "mine-kept", contents: ALLOY, source: git("repo") },
          { name: "other-ns", contents: ALLOY, source: git("other") },
          { name: "terraform", contents: ALLOY, source: { type: "SOURCE_TYPE_TERRAFORM", namespace: "repo" } },
          { name: "manual", contents: ALLOY },
          { name: "taken", contents: ALLOY, source: { type: "SOURCE_TYPE_GRAFANA", namespace: "ui" } },
        ],
      });
    });

    it("upserts by name across sources, then deletes only this scope's absent pipelines", async () => {
      const before = emulator.state().pipelines;
      ok(
        await p("SyncPipelines", {
          source: git("repo"),
          pipelines: [
            { name: "mine-kept", contents: "// v2\n", enabled: true },
            { name: "taken", contents: "// mine now\n", enabled: true },
            { name: "new", contents: ALLOY, enabled: true, source: git("ignored") },
          ],
        }),
      );
      const after = emulator.state().pipelines;
      expect(after.map((x) => x.name).sort()).toEqual(["manual", "mine-kept", "new", "other-ns", "taken", "terraform"]);
      const byName = Object.fromEntries(after.map((x) => [x.name, x]));
      expect(byName["taken"]!.source).toEqual(git("repo"));
      expect(byName["taken"]!.contents).toBe("// mine now\n");
      expect(byName["new"]!.source).toEqual(git("repo"));
      expect(byName["mine-kept"]!.id).toBe(before.find((x) => x.name === "mine-kept")!.id);
      expect(byName["manual"]).not.toHaveProperty("source");
    });

    it("deletes the whole scope when the list is empty", async () => {
      ok(await p("SyncPipelines", { source: git("repo"), pipelines: [] }));
      expect((await names()).sort()).toEqual(["manual", "other-ns", "taken", "terraform"]);
    });

    it.each([
      ["no source", {}],
      ["an unspecified type", { source: { type: "SOURCE_TYPE_UNSPECIFIED", namespace: "repo" } }],
      ["an empty namespace", { source: { type: "SOURCE_TYPE_GIT", namespace: "" } }],
    ])("rejects %s with invalid_argument and changes nothing", async (_what, req) => {
      const before = emulator.state();
      expect((await p("SyncPipelines", { ...req, pipelines: [] })).code).toBe("invalid_argument");
      expect(emulator.state()).toEqual(before);
    });

    it("is atomic: one invalid pipeline or a repeated name changes nothing", async () => {
      const before = emulator.state();
      const bad = await p("SyncPipelines", {
        source: git("repo"),
        pipelines: [
          { name: "fine", contents: ALLOY },
          { name: "broken", contents: ALLOY, matchers: ["no operator"] },
        ],
      });
      expect(bad.code).toBe("invalid_argument");
      const twice = await p("SyncPipelines", {
        source: git("repo"),
        pipelines: [
          { name: "x", contents: ALLOY },
          { name: "x", contents: ALLOY },
        ],
      });
      expect(twice.code).toBe("invalid_argument");
      expect(emulator.state()).toEqual(before);
    });
  });

  describe("validate_only", () => {
    it("validates and returns the preview, storing nothing and writing no revision", async () => {
      const a = await create({ name: "a", contents: ALLOY });
      const before = emulator.state();
      const preview = ok(await p("CreatePipeline", { pipeline: { name: "b", contents: ALLOY, enabled: true }, validateOnly: true }));
      expect(preview).toMatchObject({ name: "b", contents: ALLOY, enabled: true });
      expect(preview).not.toHaveProperty("id");
      const upd = ok(await p("UpdatePipeline", { pipeline: { id: a.id, name: "a", contents: "// v2\n" }, validate_only: true }));
      expect(upd).toMatchObject({ id: a.id, contents: "// v2\n" });
      const ups = ok(await p("UpsertPipeline", { pipeline: { name: "a", contents: "// v3\n" }, validateOnly: true }));
      expect(ups).toMatchObject({ id: a.id, contents: "// v3\n" });
      expect(emulator.state()).toEqual(before);
    });

    it("runs every check a real write runs", async () => {
      await create({ name: "a", contents: ALLOY });
      const dup = await p("CreatePipeline", { pipeline: { name: "a", contents: ALLOY }, validateOnly: true });
      expect(dup.code).toBe("already_exists");
      const bad = await p("UpsertPipeline", { pipeline: { name: "b", contents: ALLOY, matchers: ["{a=b}"] }, validateOnly: true });
      expect(bad.code).toBe("invalid_argument");
      const missing = await p("UpdatePipeline", { pipeline: { id: "999", name: "c", contents: ALLOY }, validateOnly: true });
      expect(missing.code).toBe("not_found");
    });
  });

  describe("revisions", () => {
    it("records INSERT, UPDATE and DELETE with snapshots, oldest first", async () => {
      const a = await create({ name: "a", contents: "// v1\n" });
      ok(await p("UpsertPipeline", { pipeline: { name: "a", contents: "// v2\n" } }));
      ok(await p("UpsertPipeline", { pipeline: { name: "a", contents: "// v2\n" } })); // no change: no revision
      ok(await p("DeletePipeline", { id: a.id }));
      const all = ok(await p("ListPipelinesRevisions")).pipelineRevisions as Json[];
      expect(all.map((r) => [r.operation, r.snapshot.contents])).toEqual([
        ["INSERT", "// v1\n"],
        ["UPDATE", "// v2\n"],
        ["DELETE", "// v2\n"],
      ]);
      expect(all.every((r) => r.snapshot.id === a.id && /^[0-9]+$/.test(r.revisionId) && r.createdAt)).toBe(true);
      const mine = ok(await p("ListPipelineRevisions", { id: a.id })).pipelineRevisions as Json[];
      expect(mine).toEqual(all);
      expect(ok(await p("GetPipelineRevision", { revisionId: all[1].revisionId }))).toEqual(all[1]);
      expect((await p("GetPipelineRevision", { revisionId: "98765" })).code).toBe("not_found");
      expect((await p("ListPipelineRevisions", { id: "98765" })).code).toBe("not_found");
    });

    it("writes one revision per pipeline a sync or a bulk delete changes", async () => {
      const x = await create({ name: "x", contents: ALLOY, source: git("r") });
      ok(await p("SyncPipelines", { source: git("r"), pipelines: [{ name: "y", contents: ALLOY }] }));
      const y = ok(await p("GetPipelineID", { name: "y" }));
      ok(await p("BulkDeletePipelines", { ids: [y.id] }));
      const ops = (ok(await p("ListPipelinesRevisions")).pipelineRevisions as Json[]).map((r) => [r.operation, r.snapshot.name]);
      expect(ops).toEqual([
        ["INSERT", "x"],
        ["INSERT", "y"],
        ["DELETE", "x"],
        ["DELETE", "y"],
      ]);
      expect(x.id).not.toBe(y.id);
    });
  });

  describe("ListPipelines filters", () => {
    beforeEach(() => {
      emulator.seed({
        pipelines: [
          { name: "linux-prod", contents: ALLOY, matchers: ["collector.os=linux", "env=prod"], enabled: true },
          { name: "any-env", contents: ALLOY, matchers: ['env=~".+"'], enabled: false },
          { name: "team-a", contents: ALLOY, matchers: ["team=a"], enabled: true, configType: "CONFIG_TYPE_OTEL" },
          { name: "no-matchers", contents: ALLOY, enabled: true },
          { name: "unspecified-type", contents: ALLOY, matchers: ["env!=dev"] },
        ],
      });
    });

    it("returns everything without filters", async () => {
      expect(await names()).toHaveLength(5);
    });

    it("matches against local ∪ remote attributes, remote winning except for collector.* keys", async () => {
      expect(await names({ localAttributes: { "collector.os": "linux", env: "dev" }, remoteAttributes: { env: "prod" } })).toEqual([
        "linux-prod",
        "any-env",
        "unspecified-type",
      ]);
      // A remote collector.os cannot override the collector's own value.
      expect(await names({ local_attributes: { "collector.os": "darwin", env: "prod" }, remote_attributes: { "collector.os": "linux" } })).toEqual([
        "any-env",
        "unspecified-type",
      ]);
      expect(await names({ remoteAttributes: { team: "a", env: "dev" } })).toEqual(["any-env", "team-a"]);
    });

    it("filters on config type (unspecified counts as Alloy) and on enabled", async () => {
      expect(await names({ configType: "CONFIG_TYPE_OTEL" })).toEqual(["team-a"]);
      expect(await names({ configType: "CONFIG_TYPE_ALLOY" })).toEqual(["linux-prod", "any-env", "no-matchers", "unspecified-type"]);
      expect(await names({ enabled: false })).toEqual(["any-env", "unspecified-type"]);
      expect(await names({ enabled: true, config_type: "CONFIG_TYPE_ALLOY" })).toEqual(["linux-prod", "no-matchers"]);
    });
  });

  describe("pipeline limit", () => {
    const fill = (count: number) =>
      emulator.seed({
        pipelines: Array.from({ length: count }, (_, i) => ({ name: `p${i}`, contents: ALLOY, source: git("full") })),
      });

    it("fails a write that would pass 200 with resource_exhausted, and lets others through", async () => {
      fill(200);
      expect((await p("CreatePipeline", { pipeline: { name: "one-more", contents: ALLOY } })).code).toBe("resource_exhausted");
      expect((await p("UpsertPipeline", { pipeline: { name: "one-more", contents: ALLOY } })).code).toBe("resource_exhausted");
      ok(await p("UpsertPipeline", { pipeline: { name: "p0", contents: "// changed\n" } }));
      expect(emulator.state().pipelines).toHaveLength(200);
    });

    it("leaves everything unchanged when a sync would pass the limit, and allows one that stays under it", async () => {
      fill(199);
      const before = emulator.state();
      const tooMany = await p("SyncPipelines", {
        source: git("other"),
        pipelines: [
          { name: "n1", contents: ALLOY },
          { name: "n2", contents: ALLOY },
        ],
      });
      expect(tooMany.code).toBe("resource_exhausted");
      expect(emulator.state()).toEqual(before);
      // Deleting p2..p198 of the same scope makes room.
      ok(
        await p("SyncPipelines", {
          source: git("full"),
          pipelines: [{ name: "p0", contents: ALLOY }, { name: "p1", contents: ALLOY }, ...[1, 2, 3].map((i) => ({ name: `n${i}`, contents: ALLOY }))],
        }),
      );
      expect(emulator.state().pipelines).toHaveLength(5);
    });
  });

  describe("collectors", () => {
    it("creates, reads, replaces in full and deletes, with the right codes", async () => {
      const created = ok(
        await c("CreateCollector", {
          collector: { id: "c1", name: "one", remoteAttributes: { env: "prod" }, attribute_overrides: { team: "a" }, enabled: true },
        }),
      );
      expect(created).toMatchObject({ id: "c1", name: "one", remoteAttributes: { env: "prod", team: "a" }, enabled: true });
      expect(created).not.toHaveProperty("attributeOverrides");
      expect((await c("CreateCollector", { collector: { id: "c1" } })).code).toBe("already_exists");
      expect((await c("CreateCollector", { collector: { id: "" } })).code).toBe("invalid_argument");
      expect(ok(await c("GetCollector", { id: "c1" }))).toEqual(created);
      const updated = ok(await c("UpdateCollector", { collector: { id: "c1", remoteAttributes: { env: "dev" } } }));
      expect(updated.remoteAttributes).toEqual({ env: "dev" });
      expect(updated).not.toHaveProperty("name");
      expect(updated).not.toHaveProperty("enabled");
      expect((await c("UpdateCollector", { collector: { id: "zz" } })).code).toBe("not_found");
      expect((await c("CreateCollector", { collector: { id: "c2", remoteAttributes: { "collector.os": "x" } } })).code).toBe(
        "invalid_argument",
      );
      ok(await c("DeleteCollector", { id: "c1" }));
      expect((await c("GetCollector", { id: "c1" })).code).toBe("not_found");
      expect((await c("DeleteCollector", { id: "c1" })).code).toBe("not_found");
    });

    it("bulk-updates with the six operations, atomically", async () => {
      emulator.seed({
        collectors: [
          { id: "a", remoteAttributes: { env: "prod", team: "x", old: "1" } },
          { id: "b", remoteAttributes: { env: "dev", team: "y" } },
        ],
      });
      ok(
        await c("BulkUpdateCollectors", {
          ids: ["a", "b"],
          ops: [
            { op: "ADD", path: "remoteAttributes.region", value: "eu" },
            { op: "REPLACE", path: "remoteAttributes.env", value: "production", oldValue: "prod" },
            { op: "REMOVE", path: "remoteAttributes.old" },
            { op: "COPY", from: "remoteAttributes.team", path: "remoteAttributes.owner" },
            { op: "MOVE", from: "remoteAttributes.team", path: "remoteAttributes.squad" },
          ],
        }),
      );
      const remote = (id: string) => emulator.state().collectors.find((x) => x.id === id)!.remoteAttributes;
      expect(remote("a")).toEqual({ env: "production", region: "eu", owner: "x", squad: "x" });
      expect(remote("b")).toEqual({ env: "dev", region: "eu", owner: "y", squad: "y" });

      const before = emulator.state();
      const missing = await c("BulkUpdateCollectors", { ids: ["a", "nope"], ops: [{ op: "ADD", path: "remoteAttributes.k", value: "v" }] });
      expect(missing.code).toBe("not_found");
      const unknown = await c("BulkUpdateCollectors", {
        ids: ["a"],
        ops: [{ op: "ADD", path: "remoteAttributes.k", value: "v" }, { op: "UNKNOWN", path: "remoteAttributes.k" }],
      });
      expect(unknown.code).toBe("invalid_argument");
      const badPath = await c("BulkUpdateCollectors", { ids: ["a"], ops: [{ op: "ADD", path: "name", value: "v" }] });
      expect(badPath.code).toBe("invalid_argument");
      expect((await c("BulkUpdateCollectors", { ids: [], ops: [{ op: "REMOVE", path: "remoteAttributes.k" }] })).code).toBe(
        "invalid_argument",
      );
      expect(emulator.state()).toEqual(before);
    });

    it("bulk-deletes all or nothing, and rejects an empty list", async () => {
      emulator.seed({ collectors: [{ id: "a" }, { id: "b" }, { id: "c" }] });
      expect((await c("BulkDeleteCollectors", { ids: ["a", "x"] })).code).toBe("not_found");
      expect((await c("BulkDeleteCollectors", { ids: [] })).code).toBe("invalid_argument");
      expect(emulator.state().collectors).toHaveLength(3);
      ok(await c("BulkDeleteCollectors", { ids: ["a", "b"] }));
      expect(emulator.state().collectors.map((x) => x.id)).toEqual(["c"]);
    });

    it("lists collectors by matchers over the effective attributes, and lists attribute values", async () => {
      emulator.seed({
        collectors: [
          { id: "web-1", localAttributes: { "collector.os": "linux", env: "dev" }, remoteAttributes: { env: "prod" } },
          { id: "web-2", localAttributes: { "collector.os": "darwin", env: "prod" } },
          { id: "db-1", localAttributes: { "collector.os": "linux" }, remoteAttributes: { team: "db" } },
        ],
      });
      const ids = async (matchers: string[]) =>
        ((ok(await c("ListCollectors", { matchers })).collectors ?? []) as Json[]).map((x) => x.id as string);
      expect(await ids([])).toEqual(["web-1", "web-2", "db-1"]);
      expect(await ids(["env=prod"])).toEqual(["web-1", "web-2"]);
      expect(await ids(["collector.os=linux", 'env!="prod"'])).toEqual(["db-1"]);
      expect(await ids(['collector.ID=~"web-.*"'])).toEqual(["web-1", "web-2"]);
      expect((await c("ListCollectors", { matchers: ["env"] })).code).toBe("invalid_argument");

      const attrs = ok(await c("ListCollectorAttributes"));
      expect(attrs.localAttributes).toEqual({
        "collector.os": { values: [{ value: "darwin" }, { value: "linux" }] },
        env: { values: [{ value: "dev" }, { value: "prod" }] },
      });
      expect(attrs.remoteAttributes).toEqual({ env: { values: [{ value: "prod" }] }, team: { values: [{ value: "db" }] } });
    });
  });
});
