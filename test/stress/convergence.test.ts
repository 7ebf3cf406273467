// Convergence under faults: random scenarios applied in both modes against
// the emulator failing 20 % of calls (503, 429 + Retry-After, dropped
// connections, answers after the deadline; before and after handling).
// Every run must leave nothing lost or wrongly touched; a failed run must say
// what it did; reruns must converge. Fixed seeds: a failure is reproducible
// with `makeScenario(seed)`. The heavy run (100+ seeds per mode) is in
// bench/convergence.bench.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAULT_KINDS, startEmulator, type Emulator } from "../../src/emulator/index.js";
import { runTrial, type TrialOptions, type TrialOutcome } from "./convergence-run.js";
import { makeScenario } from "./scenario.js";

const SEEDS = Array.from({ length: 24 }, (_, i) => i + 1);

/** Four transports in turn: the fault handling differs between HTTP/1.1 and HTTP/2 (a drop cuts a whole session). */
function clientFor(seed: number): TrialOptions["client"] {
  return {
    rateLimit: false,
    timeoutMs: 5_000,
    httpVersion: seed % 4 >= 2 ? "2" : "1.1",
    useBinaryFormat: seed % 2 === 0,
    // Tiny backoff; an attempt that gets no answer in 250 ms is retried.
    retry: { maxAttempts: 4, initialDelayMs: 2, maxDelayMs: 20, attemptTimeoutMs: 250 },
  };
}

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.stop();
});

const outcomes: TrialOutcome[] = [];

describe.each(["sync", "fallback"] as const)("%s mode, faults on one call in five", (mode) => {
  it.each(SEEDS)("seed %i: converges, loses nothing, touches nothing outside the scope", async (seed) => {
    const scenario = makeScenario(seed);
    const outcome = await runTrial(emulator, scenario, {
      mode,
      client: clientFor(seed),
      // Retry-After: 0 keeps the test fast; the bench uses 1 s.
      faults: { rate: 0.2, seed: seed * 31 + (mode === "sync" ? 1 : 2), kinds: FAULT_KINDS, retryAfterSeconds: 0 },
      // Half the seeds rerun the saved plan, half plan again.
      rerun: seed % 2 === 0 ? "same-plan" : "replan",
    });
    outcomes.push(outcome);
    expect(outcome.violations).toEqual([]);
    expect(outcome.dishonest).toEqual([]);
    expect(outcome.converged).toBe(true);
  });
});

describe("the trials above", () => {
  it("met faults, and some needed a rerun (the seeds are fixed, so this holds every time)", () => {
    expect(outcomes).toHaveLength(SEEDS.length * 2);
    const faulted = outcomes.filter((o) => o.faultsInjected > 0).length;
    expect(faulted).toBeGreaterThan(outcomes.length / 2);
    expect(outcomes.some((o) => !o.convergedFirstTime)).toBe(true);
  });
});
