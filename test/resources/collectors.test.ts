// fleet.collectors against the emulator over loopback.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createFleetClient, type FleetClient } from "../../src/client/index.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { AlreadyExistsError, ConflictError, NotFoundError } from "../../src/client/index.js";

let emulator: Emulator;
let fleet: FleetClient;

beforeAll(async () => {
  emulator = await startEmulator();
  fleet = createFleetClient({ baseUrl: emulator.url, rateLimit: false, retry: false });
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => {
  emulator.reset();
});

describe("collectors", () => {
  it("creates, lists by matcher, gets, updates, deletes, in plain data", async () => {
    const created = await fleet.collectors.create({ id: "web-1", name: "web one", remoteAttributes: { env: "prod" } });
    expect(created).toMatchObject({ id: "web-1", name: "web one", enabled: true, remoteAttributes: { env: "prod" }, localAttributes: {} });
    expect(created.createdAt).toBeInstanceOf(Date);
    await fleet.collectors.create({ id: "web-2", remoteAttributes: { env: "dev" } });
    await expect(fleet.collectors.create({ id: "web-1" })).rejects.toBeInstanceOf(AlreadyExistsError);

    expect((await fleet.collectors.list()).map((c) => c.id).sort()).toEqual(["web-1", "web-2"]);
    expect((await fleet.collectors.list(['env="prod"'])).map((c) => c.id)).toEqual(["web-1"]);

    const updated = await fleet.collectors.update("web-1", (c) => ({ remoteAttributes: { ...c.remoteAttributes, team: "a" }, enabled: false }));
    expect(updated).toMatchObject({ id: "web-1", name: "web one", enabled: false, remoteAttributes: { env: "prod", team: "a" } });
    expect(await fleet.collectors.get("web-1")).toEqual(updated);

    expect(await fleet.collectors.attributes()).toEqual({ local: {}, remote: { env: ["dev", "prod"], team: ["a"] } });

    await fleet.collectors.delete("web-2");
    await expect(fleet.collectors.get("web-2")).rejects.toBeInstanceOf(NotFoundError);
    expect(emulator.state().collectors.map((c) => c.id)).toEqual(["web-1"]);
  });

  it("keeps the local attributes a collector registered, and reports them", async () => {
    await fleet.raw.collectors.registerCollector({ id: "edge", name: "edge", localAttributes: { os: "linux" } });
    const updated = await fleet.collectors.update("edge", { remoteAttributes: { team: "b" } });
    expect(updated).toMatchObject({ localAttributes: { os: "linux" }, remoteAttributes: { team: "b" }, collectorType: "alloy" });
    expect((await fleet.collectors.attributes()).local).toEqual({ os: ["linux"] });
  });

  it("update refuses with ConflictError when the collector changed between the read and the write", async () => {
    await fleet.collectors.create({ id: "c", name: "before" });
    const other = createFleetClient({ baseUrl: emulator.url, rateLimit: false, retry: false });
    const error = await fleet.collectors
      .update("c", async () => {
        await other.collectors.update("c", { name: "theirs" });
        return { enabled: false };
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(await fleet.collectors.get("c")).toMatchObject({ name: "theirs", enabled: true });
  });
});
