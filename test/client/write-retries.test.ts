// Writes against the emulator over real loopback HTTP, with its faults: what
// is repeated after a lost answer, what is not, how a repeated delete that
// finds nothing left ends, and which resource_exhausted is a rate limit.
import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Operation_OpType } from "../../gen/collector/v1/collector_pb.js";
import { createFleetClient, isOutcomeUnknown, type FleetClientOptions } from "../../src/client/index.js";
import { startEmulator, type Emulator, type EmulatorOptions, type FaultKind } from "../../src/emulator/index.js";
import { fakeClock, recordingLogger, type FakeClock } from "./helpers/fakes.js";

let emulator: Emulator | undefined;
let clock: FakeClock;

afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  clock = fakeClock();
  emulator = await startEmulator(options);
  emulator.seed({
    pipelines: [
      { name: "a", contents: "// a\n" },
      { name: "b", contents: "// b\n" },
      { name: "c", contents: "// c\n" },
    ],
    collectors: [
      { id: "col-1", remoteAttributes: { team: "red" } },
      { id: "col-2", remoteAttributes: { team: "red" } },
      { id: "col-3" },
    ],
  });
  return emulator;
}

/** A fault on the first eligible call of `method` only. */
function once(method: string, kind: FaultKind): EmulatorOptions {
  return { faults: { rate: 1, limit: 1, kinds: [kind], methods: [method] } };
}

function client(emu: Emulator, extra: Partial<FleetClientOptions> = {}) {
  return createFleetClient({ baseUrl: emu.url, rateLimit: false, clock, random: () => 0.5, ...extra });
}

function idOf(emu: Emulator, name: string): string {
  const id = emu.state().pipelines.find((p) => p.name === name)?.id;
  if (id === undefined) throw new Error(`no pipeline ${name}`);
  return id;
}

/** What the emulator answered to each call of `method`, in order (waits for the last to be logged). */
async function answers(emu: Emulator, method: string, count: number): Promise<string[]> {
  await vi.waitFor(() => expect(emu.requests().filter((r) => r.method === method).length).toBeGreaterThanOrEqual(count));
  return emu.requests().filter((r) => r.method === method).map((r) => r.code);
}

async function failure(p: Promise<unknown>): Promise<ConnectError> {
  return p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(ConnectError);
      return e as ConnectError;
    },
  );
}

describe.each(["1.1", "2"] as const)("over HTTP/%s", (httpVersion) => {
  describe("writes that depend on the current state are not repeated", () => {
    it("BulkUpdateCollectors whose answer was lost (drop_after) is sent once, and the error says the outcome is unknown", async () => {
      const emu = await start({ faults: { rate: 1, kinds: ["drop_after"], methods: ["BulkUpdateCollectors"] } });
      const err = await failure(
        client(emu, { httpVersion }).collectors.bulkUpdateCollectors({
          ids: ["col-1", "col-2"],
          ops: [{ op: Operation_OpType.REPLACE, path: "remoteAttributes.team", value: "blue", oldValue: "red" }],
        }),
      );
      expect(await answers(emu, "BulkUpdateCollectors", 1)).toEqual(["dropped"]);
      // The server did carry it out: a repeat would have found "blue" and failed, or worse.
      expect(emu.state().collectors.find((c) => c.id === "col-1")?.remoteAttributes).toEqual({ team: "blue" });
      expect(err.rawMessage).toContain("the outcome is unknown");
      expect(err.rawMessage).toContain("collector.v1.CollectorService/BulkUpdateCollectors");
      expect(err.rawMessage).toContain("never repeated automatically");
      expect(isOutcomeUnknown(err)).toBe(true);
      expect(clock.sleeps).toEqual([]);
    });

    it("CreatePipeline whose answer was lost is sent once, and says the outcome is unknown", async () => {
      const emu = await start({ faults: { rate: 1, kinds: ["drop_after"], methods: ["CreatePipeline"] } });
      const err = await failure(client(emu, { httpVersion }).pipelines.createPipeline({ pipeline: { name: "new", contents: "// n\n" } }));
      expect(await answers(emu, "CreatePipeline", 1)).toEqual(["dropped"]);
      expect(err.rawMessage).toContain("the outcome is unknown");
    });

    it("a failure the server answered says nothing of an unknown outcome", async () => {
      const emu = await start();
      const err = await failure(
        client(emu, { httpVersion }).collectors.bulkUpdateCollectors({
          ids: ["missing"],
          ops: [{ op: Operation_OpType.ADD, path: "remoteAttributes.team", value: "blue" }],
        }),
      );
      expect(err.code).toBe(Code.NotFound);
      expect(err.rawMessage).not.toContain("outcome");
      expect(isOutcomeUnknown(err)).toBe(false);
    });

    it("a write still on the wire when the call's deadline passes says the outcome is unknown; a read does not", async () => {
      const emu = await start({ faults: { rate: 1, kinds: ["timeout"], methods: ["UpsertPipeline", "ListPipelines"] } });
      const c = client(emu, { httpVersion, timeoutMs: 300, retry: false });
      const write = await failure(c.pipelines.upsertPipeline({ pipeline: { name: "a", contents: "// late\n" } }));
      expect(write.code).toBe(Code.DeadlineExceeded);
      expect(write.rawMessage).toContain("the outcome is unknown");
      // It did happen: the emulator stored it and answered too late.
      expect(emu.state().pipelines.find((p) => p.name === "a")?.contents).toBe("// late\n");
      const read = await failure(c.pipelines.listPipelines({}));
      expect(read.code).toBe(Code.DeadlineExceeded);
      expect(read.rawMessage).not.toContain("outcome");
    });

    it("UpsertPipeline (a full replacement) is repeated after a lost answer and succeeds", async () => {
      const emu = await start(once("UpsertPipeline", "drop_after"));
      const res = await client(emu, { httpVersion }).pipelines.upsertPipeline({ pipeline: { name: "a", contents: "// new\n" } });
      expect(res.contents).toBe("// new\n");
      expect(await answers(emu, "UpsertPipeline", 2)).toEqual(["dropped", "ok"]);
    });
  });

  describe("a repeated delete that finds nothing left is done", () => {
    it("DeletePipeline: the lost attempt deleted it, the repeat gets not_found, the call succeeds", async () => {
      const emu = await start(once("DeletePipeline", "drop_after"));
      const logger = recordingLogger();
      await client(emu, { httpVersion, logger }).pipelines.deletePipeline({ id: idOf(emu, "a") });
      expect(await answers(emu, "DeletePipeline", 2)).toEqual(["dropped", "not_found"]);
      expect(emu.state().pipelines.map((p) => p.name)).toEqual(["b", "c"]);
      expect(logger.lines.some((l) => l.message === "fleet rpc delete already done")).toBe(true);
    });

    it("DeletePipeline: the same after an attempt abandoned at retry.attemptTimeoutMs (stored, answered too late)", async () => {
      const emu = await start(once("DeletePipeline", "timeout"));
      await client(emu, { httpVersion, retry: { attemptTimeoutMs: 200 } }).pipelines.deletePipeline({ id: idOf(emu, "a") });
      expect(await answers(emu, "DeletePipeline", 2)).toEqual(["deadline_exceeded", "not_found"]);
      expect(emu.state().pipelines.map((p) => p.name)).toEqual(["b", "c"]);
    });

    it("DeleteCollector: the same", async () => {
      const emu = await start(once("DeleteCollector", "drop_after"));
      await client(emu, { httpVersion }).collectors.deleteCollector({ id: "col-1" });
      expect(await answers(emu, "DeleteCollector", 2)).toEqual(["dropped", "not_found"]);
      expect(emu.state().collectors.map((c) => c.id)).toEqual(["col-2", "col-3"]);
    });

    it("BulkDeletePipelines: the repeat's not_found is checked by one listing; none left, so done", async () => {
      const emu = await start(once("BulkDeletePipelines", "drop_after"));
      await client(emu, { httpVersion }).pipelines.bulkDeletePipelines({ ids: [idOf(emu, "a"), idOf(emu, "b")] });
      expect(await answers(emu, "BulkDeletePipelines", 2)).toEqual(["dropped", "not_found"]);
      expect(await answers(emu, "ListPipelines", 1)).toEqual(["ok"]);
      expect(emu.state().pipelines.map((p) => p.name)).toEqual(["c"]);
    });

    it("BulkDeleteCollectors: the same", async () => {
      const emu = await start(once("BulkDeleteCollectors", "drop_after"));
      await client(emu, { httpVersion }).collectors.bulkDeleteCollectors({ ids: ["col-1", "col-2"] });
      expect(await answers(emu, "BulkDeleteCollectors", 2)).toEqual(["dropped", "not_found"]);
      expect(await answers(emu, "ListCollectors", 1)).toEqual(["ok"]);
      expect(emu.state().collectors.map((c) => c.id)).toEqual(["col-3"]);
    });

    it("BulkDeletePipelines with an id that never existed: the listing shows the others still there, so the not_found stands", async () => {
      // The first attempt is cut before the server handles it: a lost answer for all the client knows.
      const emu = await start(once("BulkDeletePipelines", "drop"));
      const err = await failure(client(emu, { httpVersion }).pipelines.bulkDeletePipelines({ ids: [idOf(emu, "a"), "9999"] }));
      expect(err.code).toBe(Code.NotFound);
      expect(err.rawMessage).toContain("1 of the 2 ids still exist");
      expect(await answers(emu, "BulkDeletePipelines", 2)).toEqual(["dropped", "not_found"]);
      expect(emu.state().pipelines.map((p) => p.name)).toEqual(["a", "b", "c"]);
    });

    it.each([
      ["DeletePipeline", (c: ReturnType<typeof client>) => c.pipelines.deletePipeline({ id: "9999" })],
      ["BulkDeletePipelines", (c: ReturnType<typeof client>) => c.pipelines.bulkDeletePipelines({ ids: ["9999"] })],
      ["DeleteCollector", (c: ReturnType<typeof client>) => c.collectors.deleteCollector({ id: "nope" })],
      ["BulkDeleteCollectors", (c: ReturnType<typeof client>) => c.collectors.bulkDeleteCollectors({ ids: ["nope"] })],
    ])("%s: a not_found on the first attempt still surfaces", async (method, call) => {
      const emu = await start();
      const err = await failure(call(client(emu, { httpVersion })));
      expect(err.code).toBe(Code.NotFound);
      expect(await answers(emu, method, 1)).toEqual(["not_found"]);
      expect(err.rawMessage).not.toContain("outcome");
    });
  });
});

describe("only rate limits are retried as rate limits", () => {
  it("the stack's pipeline limit (resource_exhausted without Retry-After) fails after exactly one attempt", async () => {
    const emu = await start({ pipelineLimit: 3 });
    const err = await failure(client(emu).pipelines.upsertPipeline({ pipeline: { name: "d", contents: "// d\n" } }));
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(err.rawMessage).toContain("pipeline limit");
    expect(await answers(emu, "UpsertPipeline", 1)).toEqual(["resource_exhausted"]);
    expect(clock.sleeps).toEqual([]);
  });

  it("the emulator's request rate limit (429 with Retry-After) is waited out and retried", async () => {
    clock = fakeClock();
    // The emulator's bucket runs on the same clock, so the client's (instant) wait refills it.
    emulator = await startEmulator({ rps: 1, now: () => clock.now() });
    const c = createFleetClient({ baseUrl: emulator.url, rateLimit: false, clock, random: () => 0.5 });
    for (let i = 0; i < 3; i++) await c.pipelines.listPipelines({});
    const codes = await answers(emulator, "ListPipelines", 5);
    expect(codes).toEqual(["ok", "resource_exhausted", "ok", "resource_exhausted", "ok"]);
    expect(clock.sleeps).toEqual([1000, 1000]);
  });
});

describe("the emulator's faults.limit", () => {
  it.each([-1, 1.5, Number.NaN])("refuses %s", async (limit) => {
    await expect(startEmulator({ faults: { rate: 1, limit } })).rejects.toThrow(/faults.limit/);
  });
});
