// `fleet-pipelines/emulator`: startEmulator() with a client made for it.
import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import { createFleetClient, type LogFields, type Logger } from "../../src/index.js";
import { startEmulator, type Emulator } from "../../src/emulator-entry.js";

const started: Emulator[] = [];
afterEach(async () => {
  for (const emu of started.splice(0)) await emu.stop();
});

async function start(options: Parameters<typeof startEmulator>[0] = {}): Promise<Emulator> {
  const emu = await startEmulator(options);
  started.push(emu);
  return emu;
}

/** A logger that keeps every message, to see what the client's interceptors did. */
function recordingLogger(): Logger & { messages: string[] } {
  const messages: string[] = [];
  const keep = (message: string, _fields?: LogFields): void => void messages.push(message);
  return { messages, debug: keep, info: keep, warn: keep, error: keep };
}

async function burst(call: () => Promise<unknown>, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await call();
}

describe("startEmulator from fleet-pipelines/emulator", () => {
  it("gives a ready client: emu.client writes and reads on this emulator", async () => {
    const emu = await start();
    const pipeline = await emu.client.pipelines.upsertPipeline({ pipeline: { name: "a", contents: "logging {}\n", enabled: true } });
    expect(pipeline.id).not.toBe("");
    const listed = await emu.client.pipelines.listPipelines({});
    expect(listed.pipelines.map((p) => p.name)).toEqual(["a"]);
    expect(emu.state().pipelines.map((p) => p.name)).toEqual(["a"]);
    // One shared client.
    expect(emu.client).toBe(emu.client);
  });

  it("sets the emulator's credentials on the client", async () => {
    const auth = { user: "12345", token: "glc_emulator-test-token" };
    const emu = await start({ auth });
    await expect(emu.client.pipelines.listPipelines({})).resolves.toBeDefined();
    // The same emulator refuses a client without them.
    const anonymous = createFleetClient({ baseUrl: emu.url, retry: false, rateLimit: false });
    await expect(anonymous.pipelines.listPipelines({})).rejects.toSatisfy(
      (e: unknown) => e instanceof ConnectError && e.code === Code.Unauthenticated,
    );
  });

  it("does not throttle on the client side (the default client would, at 3 requests/s)", async () => {
    const emu = await start();
    const ours = recordingLogger();
    const client = emu.createClient({ logger: ours, logLevel: "debug" });
    await burst(() => client.pipelines.listPipelines({}), 4);
    expect(ours.messages.filter((m) => m.includes("rate limit"))).toEqual([]);

    // Control: the same burst through a default client waits for its bucket.
    const defaults = recordingLogger();
    const throttled = createFleetClient({ baseUrl: emu.url, logger: defaults, logLevel: "debug" });
    await burst(() => throttled.pipelines.listPipelines({}), 4);
    expect(defaults.messages.filter((m) => m.includes("rate limit")).length).toBeGreaterThan(0);
  });

  it("retries what the emulator fails, and createClient's options override the defaults", async () => {
    const emu = await start({ faults: { rate: 1, limit: 1, kinds: ["unavailable"] } });
    await expect(emu.client.pipelines.listPipelines({})).resolves.toBeDefined();
    expect(emu.requests().map((r) => r.code)).toEqual(["unavailable", "ok"]);

    emu.setFaults({ rate: 1, limit: 1, kinds: ["unavailable"] });
    const once = emu.createClient({ retry: false });
    await expect(once.pipelines.listPipelines({})).rejects.toSatisfy((e: unknown) => e instanceof ConnectError && e.code === Code.Unavailable);
  });

  it("keeps the emulator's own API (url, seed, reset, stop)", async () => {
    const emu = await start();
    expect(emu.url).toBe(`http://127.0.0.1:${emu.port}`);
    emu.seed({ pipelines: [{ name: "seeded", contents: "logging {}\n" }] });
    expect((await emu.client.pipelines.listPipelines({})).pipelines.map((p) => p.name)).toEqual(["seeded"]);
    emu.reset();
    expect((await emu.client.pipelines.listPipelines({})).pipelines).toEqual([]);
  });
});
