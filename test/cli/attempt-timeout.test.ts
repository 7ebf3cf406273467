// The CLI abandons a hung attempt after --attempt-timeout-ms and retries it
// within --timeout-ms; 0 waits for the whole deadline in one attempt.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { runCliInProcess } from "../stress/cli-harness.js";

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ latencyMs: 800 });
});
afterAll(async () => {
  await emulator.stop();
});

async function attemptsFor(attemptTimeoutMs: string): Promise<{ code: number; err: string; attempts: number }> {
  emulator.reset();
  const run = await runCliInProcess(
    ["export", "--out", "unused", "--timeout-ms", "500", "--attempt-timeout-ms", attemptTimeoutMs],
    { FLEET_URL: emulator.url },
    process.cwd(),
  );
  // Requests still in flight when the CLI gave up are logged when they finish.
  await new Promise((resolve) => setTimeout(resolve, 900));
  // Every call outlives the deadline, so the first RPC is the only one sent.
  const attempts = emulator.requests().length;
  return { code: run.code, err: run.err, attempts };
}

it("retries an attempt that outlives --attempt-timeout-ms, then fails at the deadline", async () => {
  const short = await attemptsFor("100");
  expect(short.code).toBe(1);
  expect(short.err).toMatch(/deadline|did not complete|timed out/i);
  expect(short.attempts).toBeGreaterThanOrEqual(2);
});

it("sends a single attempt with --attempt-timeout-ms 0", async () => {
  const single = await attemptsFor("0");
  expect(single.code).toBe(1);
  expect(single.attempts).toBe(1);
});
