// fleet.pipelines against the emulator over loopback: the CRUD round trip in
// the public Pipeline type, read-modify-write with its conflict check,
// upsert of a read-back pipeline, and history.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createFleetClient, type FleetClient } from "../../src/client/index.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { ConflictError, FleetApiError, NotFoundError } from "../../src/client/index.js";
import { ConfigurationError } from "../../src/errors/index.js";

let emulator: Emulator;
let fleet: FleetClient;
let colleague: FleetClient;

beforeAll(async () => {
  emulator = await startEmulator();
  fleet = createFleetClient({ baseUrl: emulator.url, rateLimit: false, retry: false });
  colleague = createFleetClient({ baseUrl: emulator.url, rateLimit: false, retry: false });
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => {
  emulator.reset();
});

describe("CRUD round trip", () => {
  it("creates, lists, gets by name and id, upserts, deletes, in plain data", async () => {
    const created = await fleet.pipelines.create({
      name: "node_metrics",
      contents: "prometheus.exporter.unix \"node\" { }\n",
      matchers: ['collector.os="linux"'],
      source: { type: "git", namespace: "repo" },
      metadata: { owner: "platform" },
    });
    expect(created).toMatchObject({
      name: "node_metrics",
      matchers: ['collector.os="linux"'],
      enabled: true,
      configType: "alloy",
      source: { type: "git", namespace: "repo" },
      metadata: { owner: "platform" },
    });
    expect(created.id).toMatch(/^\d+$/);
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(created.updatedAt).toBeInstanceOf(Date);

    const otel = await fleet.pipelines.create({ name: "otlp", contents: "receivers: {}\n", configType: "otel" });
    expect(otel.source).toBeUndefined();
    expect(otel.configType).toBe("otel");

    expect((await fleet.pipelines.list()).map((p) => p.name)).toEqual(["node_metrics", "otlp"]);
    expect((await fleet.pipelines.list({ configType: "otel" })).map((p) => p.name)).toEqual(["otlp"]);
    expect((await fleet.pipelines.list({ remoteAttributes: { "collector.os": "linux" } })).map((p) => p.name)).toEqual([
      "node_metrics",
    ]);

    expect(await fleet.pipelines.get("node_metrics")).toEqual(created);
    expect(await fleet.pipelines.get({ id: created.id })).toEqual(created);

    const replaced = await fleet.pipelines.upsert({ name: "node_metrics", contents: "// replaced\n" });
    expect(replaced.id).toBe(created.id);
    // A write replaces the whole pipeline: what the input leaves out is gone.
    expect(replaced.source).toBeUndefined();
    expect(replaced.metadata).toBeUndefined();
    expect(replaced.matchers).toEqual([]);

    await fleet.pipelines.delete("node_metrics");
    await fleet.pipelines.delete({ id: otel.id });
    expect(await fleet.pipelines.list()).toEqual([]);
    expect(emulator.state().pipelines).toEqual([]);
  });

  it("validateOnly answers what would be stored and stores nothing", async () => {
    const would = await fleet.pipelines.create({ name: "dry", contents: "// x\n" }, { validateOnly: true });
    expect(would.name).toBe("dry");
    expect(emulator.state().pipelines).toEqual([]);
  });
});

describe("bad input and per-call options", () => {
  it("refuses an unknown source or config type before sending, naming the pipeline", async () => {
    const before = emulator.requests().length;
    const source = await fleet.pipelines
      .create({ name: "odd", contents: "// x\n", source: { type: "svn" } } as never)
      .catch((e: unknown) => e);
    expect(source).toBeInstanceOf(ConfigurationError);
    expect((source as Error).message).toBe('pipeline "odd": unknown source type "svn"; use "git", "terraform", "grafana", "unspecified"');
    const config = await fleet.pipelines.upsert({ name: "odd", contents: "// x\n", configType: "yaml" } as never).catch((e: unknown) => e);
    expect((config as Error).message).toBe('pipeline "odd": unknown configType "yaml"; use "alloy" or "otel"');
    await expect(fleet.pipelines.get("")).rejects.toBeInstanceOf(ConfigurationError);
    expect(emulator.requests().length).toBe(before);
  });

  it("an aborted signal fails the call with code CANCELED and the procedure", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await fleet.pipelines.list(undefined, { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FleetApiError);
    expect(error).toMatchObject({ code: "CANCELED", procedure: "pipeline.v1.PipelineService/ListPipelines" });
  });
});

describe("upsert of a read-back Pipeline", () => {
  it("ignores id and timestamps, keeps what the pipeline holds, and changes only the edited field", async () => {
    emulator.seed({
      pipelines: [
        {
          name: "tmp_debug",
          contents: "// debug\n",
          matchers: ['team="a"'],
          enabled: true,
          configType: "alloy",
          metadata: { ticket: "OPS-1" },
          source: { type: "terraform", namespace: "infra" },
        },
      ],
    });
    const read = await fleet.pipelines.get("tmp_debug");
    const written = await fleet.pipelines.upsert({ ...read, enabled: false });
    const { enabled: _e, updatedAt: _u, ...rest } = read;
    expect(written).toMatchObject({ ...rest, enabled: false });
    expect(written.id).toBe(read.id);
    // The write went out without an id (the emulator refuses one on upsert).
    const upsert = emulator.requests().filter((r) => r.method === "UpsertPipeline");
    expect(upsert.map((r) => r.code)).toEqual(["ok"]);
  });

  it("the 'disable every tmp_ pipeline' job", async () => {
    emulator.seed({
      pipelines: ["tmp_a", "tmp_b", "keep"].map((name) => ({ name, contents: `// ${name}\n`, enabled: true, source: { type: "git", namespace: "r" } })),
    });
    for (const p of await fleet.pipelines.list({ enabled: true })) {
      if (p.name.startsWith("tmp_")) await fleet.pipelines.update(p.name, { enabled: false });
    }
    const state = await fleet.pipelines.list();
    expect(state.map((p) => [p.name, p.enabled, p.source?.namespace])).toEqual([
      ["tmp_a", false, "r"],
      ["tmp_b", false, "r"],
      ["keep", true, "r"],
    ]);
  });
});

describe("update (read, change, write back by id)", () => {
  const seed = (): void =>
    emulator.seed({
      pipelines: [
        {
          name: "logs",
          contents: "// v1\n",
          matchers: ['env="prod"'],
          enabled: true,
          configType: "alloy",
          metadata: { a: 1 },
          source: { type: "git", namespace: "repo" },
        },
      ],
    });

  it("keeps every field the patch does not name, source included, with UpdatePipeline", async () => {
    seed();
    const before = await fleet.pipelines.get("logs");
    const after = await fleet.pipelines.update("logs", (p) => ({ contents: p.contents.replace("v1", "v2"), metadata: null }));
    expect(after).toMatchObject({
      id: before.id,
      name: "logs",
      contents: "// v2\n",
      matchers: ['env="prod"'],
      enabled: true,
      source: { type: "git", namespace: "repo" },
    });
    expect(after.metadata).toBeUndefined();
    expect(emulator.requests().some((r) => r.method === "UpdatePipeline" && r.code === "ok")).toBe(true);
  });

  it("reads a pipeline stored without `enabled` as disabled (as GetConfig does), and keeps the field unset when the patch does not set it", async () => {
    emulator.seed({ pipelines: [{ name: "unset", contents: "// v1\n", source: { type: "git", namespace: "repo" } }] });
    expect(emulator.state().pipelines[0]?.enabled).toBeUndefined();
    expect((await fleet.pipelines.get("unset")).enabled).toBe(false);
    await fleet.pipelines.update("unset", { contents: "// v2\n" });
    expect(emulator.state().pipelines[0]).toMatchObject({ contents: "// v2\n" });
    expect(emulator.state().pipelines[0]?.enabled).toBeUndefined();
    await fleet.pipelines.update("unset", { enabled: true });
    expect(emulator.state().pipelines[0]?.enabled).toBe(true);
  });

  it("writes nothing when the patch changes nothing", async () => {
    seed();
    const before = emulator.requests().length;
    const same = await fleet.pipelines.update("logs", { enabled: true, contents: "// v1\n" });
    expect(same.contents).toBe("// v1\n");
    const methods = emulator.requests().slice(before).map((r) => r.method);
    expect(methods).not.toContain("UpdatePipeline");
  });

  it("refuses with ConflictError when another writer changes the pipeline between the read and the write", async () => {
    seed();
    const error = await fleet.pipelines
      .update("logs", async (p) => {
        // The colleague's edit lands after our read, before our write.
        await colleague.pipelines.upsert({ ...p, contents: "// colleague\n" });
        return { enabled: false };
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe("CONFLICT");
    expect((error as ConflictError).message).toContain('pipeline "logs"');
    expect((error as ConflictError).message).toContain("nothing was written");
    // The colleague's change stands; ours was not written.
    const now = await fleet.pipelines.get("logs");
    expect(now.contents).toBe("// colleague\n");
    expect(now.enabled).toBe(true);
    expect(emulator.requests().filter((r) => r.method === "UpdatePipeline")).toEqual([]);
  });

  it("refuses when another writer changes the pipeline right before the re-read (emulator hook)", async () => {
    const gets: number[] = [];
    const hooked = await startEmulator({
      beforeRequest: (entry, store) => {
        if (entry.method !== "GetPipeline") return;
        gets.push(entry.seq);
        // The second GetPipeline is the check right before the write.
        if (gets.length === 2) {
          const current = store.getPipeline(store.getPipelineId("logs"));
          store.upsertPipeline({ ...current, id: "", contents: "// sneaked in\n" });
        }
      },
    });
    try {
      hooked.seed({ pipelines: [{ name: "logs", contents: "// v1\n", enabled: true, source: { type: "git", namespace: "repo" } }] });
      const client = createFleetClient({ baseUrl: hooked.url, rateLimit: false, retry: false });
      await expect(client.pipelines.update("logs", { enabled: false })).rejects.toBeInstanceOf(ConflictError);
      expect(hooked.state().pipelines[0]).toMatchObject({ contents: "// sneaked in\n", enabled: true });
    } finally {
      await hooked.stop();
    }
  });

  it("refuses with ConflictError when the pipeline was deleted in between", async () => {
    seed();
    const error = await fleet.pipelines
      .update("logs", async () => {
        await colleague.pipelines.delete("logs");
        return { enabled: false };
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toContain("was deleted");
    expect((error as Error).cause).toBeInstanceOf(NotFoundError);
    expect(emulator.state().pipelines).toEqual([]);
  });
});

describe("history", () => {
  it("lists the revisions of one pipeline, oldest first, as plain data", async () => {
    const created = await fleet.pipelines.create({ name: "h", contents: "// 1\n" });
    await fleet.pipelines.update("h", { contents: "// 2\n" });
    await fleet.pipelines.create({ name: "other", contents: "// o\n" });
    await fleet.pipelines.delete("h");
    await expect(fleet.pipelines.history("h")).rejects.toBeInstanceOf(NotFoundError);
    const history = await fleet.pipelines.history({ id: created.id });
    expect(history.map((r) => [r.operation, r.pipeline.contents])).toEqual([
      ["insert", "// 1\n"],
      ["update", "// 2\n"],
      ["delete", "// 2\n"],
    ]);
    for (const r of history) {
      expect(r.createdAt).toBeInstanceOf(Date);
      expect(r.pipeline.id).toBe(created.id);
      expect(typeof r.revisionId).toBe("string");
    }
    const times = history.map((r) => r.createdAt.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});

describe("the generated methods stay where they were", () => {
  it("client.pipelines.listPipelines and client.raw.pipelines are the same generated client", async () => {
    await fleet.pipelines.create({ name: "x", contents: "// x\n" });
    const viaOld = await fleet.pipelines.listPipelines({});
    const viaRaw = await fleet.raw.pipelines.listPipelines({});
    expect(viaOld.pipelines.map((p) => p.name)).toEqual(["x"]);
    expect(viaRaw.pipelines[0]?.$typeName).toBe("pipeline.v1.Pipeline");
    expect(typeof fleet.collectors.listCollectors).toBe("function");
    expect(typeof fleet.raw.collectors.getConfig).toBe("function");
  });
});
