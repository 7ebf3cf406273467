// The inspection surface (HTTP and in-process) and the state file.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator, type EmulatorState } from "../../src/emulator/index.js";
import { FleetError } from "../../src/errors/index.js";

const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> });

describe("inspection routes", () => {
  let emulator: Emulator;
  const auth = { user: "1", token: "t0ken" };
  beforeAll(async () => {
    // Auth, a tight rate limit and certain faults: the routes must ignore all three.
    emulator = await startEmulator({ auth, rps: 1, faults: { rate: 1, kinds: ["unavailable"] } });
  });
  afterAll(() => emulator.stop());

  const route = (path: string, init?: { method: string; body?: unknown }) =>
    fetch(`${emulator.url}/_emulator/${path}`, {
      method: init?.method ?? "GET",
      ...(init?.body !== undefined ? { body: JSON.stringify(init.body), headers: { "content-type": "application/json" } } : {}),
    });

  it("seeds pipelines with their source and collectors, and shows them in the state", async () => {
    const seeded = await json(
      await route("seed", {
        method: "POST",
        body: {
          pipelines: [
            { name: "a", contents: "x", matchers: ["env=prod"], enabled: true, source: { type: "SOURCE_TYPE_GIT", namespace: "repo" } },
            { name: "b", contents: "y", config_type: "otel", source: { type: "terraform", namespace: "default" }, id: "40" },
          ],
          collectors: [{ id: "c1", local_attributes: { "collector.os": "linux" }, remoteAttributes: { env: "prod" } }],
        },
      }),
    );
    expect(seeded.status).toBe(200);
    const state = (await json(await route("state"))).body as unknown as EmulatorState;
    expect(state.pipelines.map((p) => [p.id, p.name, p.source, p.configType])).toEqual([
      ["1", "a", { type: "SOURCE_TYPE_GIT", namespace: "repo" }, "CONFIG_TYPE_UNSPECIFIED"],
      ["40", "b", { type: "SOURCE_TYPE_TERRAFORM", namespace: "default" }, "CONFIG_TYPE_OTEL"],
    ]);
    expect(state.collectors).toEqual([
      expect.objectContaining({ id: "c1", localAttributes: { "collector.os": "linux" }, remoteAttributes: { env: "prod" } }),
    ]);
    expect(state.revisions).toEqual([]);
    expect(state.nextPipelineId).toBe(41);
    expect(emulator.state()).toEqual(state);
  });

  it("rejects an invalid seed and leaves the state as it was", async () => {
    const before = emulator.state();
    const bad = await json(
      await route("seed", {
        method: "POST",
        body: { pipelines: [{ name: "ok", contents: "x" }, { name: "bad", contents: "x", matchers: ["=="] }] },
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body["code"]).toBe("invalid_argument");
    expect(emulator.state()).toEqual(before);
    expect((await route("seed", { method: "POST", body: { pipelines: "nope" } })).status).toBe(400);
    expect(() => emulator.seed({ pipelines: [{ name: "", contents: "x" }] })).toThrow(/name is required/);
  });

  it("logs RPCs (not inspection calls) with method, time, code, fault and duration", async () => {
    const rpc = await fetch(`${emulator.url}/pipeline.v1.PipelineService/ListPipelines`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(rpc.status).toBe(401);
    const { body } = await json(await route("requests"));
    const requests = body["requests"] as Record<string, unknown>[];
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      seq: 1,
      service: "pipeline.v1.PipelineService",
      method: "ListPipelines",
      code: "unauthenticated",
      status: 401,
      httpVersion: "1.1",
      format: "json",
    });
    expect(Date.parse(requests[0]!["time"] as string)).not.toBeNaN();
    expect(requests[0]!["durationMs"]).toBeTypeOf("number");
    expect(emulator.requests()).toEqual(requests);
  });

  it("reads and replaces the fault settings over HTTP", async () => {
    expect((await json(await route("faults"))).body).toEqual({ faults: { rate: 1, kinds: ["unavailable"] } });
    await route("faults", { method: "POST", body: { rate: 0.25, seed: 9 } });
    expect((await json(await route("faults"))).body).toEqual({ faults: { rate: 0.25, seed: 9 } });
    expect((await route("faults", { method: "POST", body: { rate: 5 } })).status).toBe(400);
    await route("faults", { method: "POST", body: {} });
    expect((await json(await route("faults"))).body).toEqual({ faults: null });
  });

  it("resets state and log", async () => {
    expect((await route("reset", { method: "POST" })).status).toBe(200);
    expect(emulator.state()).toEqual({ pipelines: [], collectors: [], revisions: [], nextPipelineId: 1, nextRevisionId: 1 });
    expect(emulator.requests()).toEqual([]);
  });

  it("answers unknown routes with 404 and wrong methods with 405", async () => {
    expect((await route("nope")).status).toBe(404);
    expect((await route("state", { method: "POST" })).status).toBe(405);
    expect((await route("reset")).status).toBe(405);
  });
});

describe("state file", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "fleet-emulator-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const upsert = (url: string, name: string) =>
    fetch(`${url}/pipeline.v1.PipelineService/UpsertPipeline`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ pipeline: { name, contents: "// x\n", source: { type: "SOURCE_TYPE_GIT", namespace: "demo" } } }),
    });

  it("survives a restart: pipelines, collectors, revisions and the next id", async () => {
    const file = join(dir, "state.json");
    const first = await startEmulator({ stateFile: file });
    await upsert(first.url, "a");
    await upsert(first.url, "b");
    first.seed({ collectors: [{ id: "c1", localAttributes: { env: "dev" } }] });
    await first.stop();

    const saved = JSON.parse(await readFile(file, "utf8")) as EmulatorState;
    expect(saved.pipelines.map((p) => p.name)).toEqual(["a", "b"]);
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);

    const second = await startEmulator({ stateFile: file });
    try {
      expect(second.state()).toEqual(saved);
      const c = (await (await upsert(second.url, "c")).json()) as { id: string };
      expect(c.id).toBe("3");
      expect(second.state().revisions.map((r) => r.operation)).toEqual(["INSERT", "INSERT", "INSERT"]);
    } finally {
      await second.stop();
    }
    const again = JSON.parse(await readFile(file, "utf8")) as EmulatorState;
    expect(again.pipelines.map((p) => p.name)).toEqual(["a", "b", "c"]);
  });

  it("saves changes while running, not only at stop", async () => {
    const file = join(dir, "live.json");
    const emulator = await startEmulator({ stateFile: file });
    try {
      await upsert(emulator.url, "live");
      await expect
        .poll(async () => {
          try {
            return (JSON.parse(await readFile(file, "utf8")) as EmulatorState).pipelines.length;
          } catch {
            return 0;
          }
        })
        .toBe(1);
    } finally {
      await emulator.stop();
    }
  });

  it("refuses to start from a file that is not a valid state", async () => {
    const file = join(dir, "broken.json");
    await writeFile(file, "{ not json");
    await expect(startEmulator({ stateFile: file })).rejects.toThrow(FleetError);
    await writeFile(file, JSON.stringify({ pipelines: [{ name: "", contents: "x" }] }));
    await expect(startEmulator({ stateFile: file })).rejects.toThrow(/cannot be loaded/);
  });
});

describe("options", () => {
  it("rejects impossible settings before listening", async () => {
    await expect(startEmulator({ port: -1 })).rejects.toThrow(/port/);
    await expect(startEmulator({ rps: -3 })).rejects.toThrow(/rps/);
    await expect(startEmulator({ emptyMatchers: "some" as "all" })).rejects.toThrow(/emptyMatchers/);
    await expect(startEmulator({ auth: { user: "u", token: "" } })).rejects.toThrow(/auth/);
  });
});
