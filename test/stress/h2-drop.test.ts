// Regression: the emulator's "drop" faults over HTTP/2 destroyed the session
// inside nghttp2's own callbacks, which corrupted Node's heap and aborted the
// process ("corrupted size vs. prev_size") within a few hundred calls.
import { expect, it } from "vitest";
import { createFleetClient } from "../../src/client/index.js";
import { startEmulator } from "../../src/emulator/index.js";

it("survives hundreds of dropped HTTP/2 sessions, before and after handling", async () => {
  const emulator = await startEmulator({ faults: { rate: 0.1, seed: 5, kinds: ["drop", "drop_after"] } });
  try {
    const client = createFleetClient({
      baseUrl: emulator.url,
      httpVersion: "2",
      rateLimit: false,
      timeoutMs: 5_000,
      retry: { maxAttempts: 12, initialDelayMs: 1, maxDelayMs: 5 },
    });
    for (let i = 0; i < 200; i++) {
      // Four streams in flight on one session: a drop cuts all of them.
      const names = ["a", "b", "c", "d"];
      await Promise.all(names.map((name) => client.pipelines.upsertPipeline({ pipeline: { name, contents: `// ${i}\n` } })));
    }
    const dropped = emulator.requests().filter((r) => r.code === "dropped").length;
    expect(dropped).toBeGreaterThan(50);
    expect(emulator.state().pipelines.map((p) => p.contents)).toEqual(Array(4).fill("// 199\n"));
  } finally {
    await emulator.stop();
  }
});
