// Crash and resume: the fallback stopped at random points — by its
// AbortSignal (library and CLI in process), by SIGTERM / SIGINT to the CLI
// process, and by SIGKILL, which leaves no chance to clean up. After every
// stop nothing is lost or wrongly touched, and a rerun converges.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApplyError, applyPlan, syncPipelines, type ApplyMode } from "../../src/apply/index.js";
import { createFleetClient, type FleetClient } from "../../src/client/index.js";
import { createPrng, startEmulator, type Emulator, type RequestLogEntry } from "../../src/emulator/index.js";
import type { SyncPlan } from "../../src/plan/index.js";
import { WRITE_METHODS } from "./convergence-run.js";
import { runCliInProcess, startCli, tempDir, writeFolder } from "./cli-harness.js";
import { judge, makeScenario, mismatch, type Scenario } from "./scenario.js";

let emulator: Emulator;
/** Called after each RPC is answered; a test sets it to stop the apply at a chosen write. */
let onAnswered: (entry: RequestLogEntry) => void = () => {};

beforeAll(async () => {
  // A little latency, so that writes are in flight when the stop comes.
  emulator = await startEmulator({ latencyMs: 10, onRequest: (e) => onAnswered(e) });
});
afterAll(async () => {
  await emulator.stop();
});

function client(): FleetClient {
  return createFleetClient({ baseUrl: emulator.url, rateLimit: false, timeoutMs: 10_000, retry: { initialDelayMs: 1, maxDelayMs: 5 } });
}

function setUp(scenario: Scenario) {
  onAnswered = () => {};
  emulator.setFaults(undefined);
  emulator.reset();
  emulator.seed({ pipelines: scenario.initial });
  return emulator.state().pipelines;
}

/** A scenario big enough to stop in the middle: many writes. */
function bigScenario(seed: number): Scenario {
  let scenario = makeScenario(seed, { maxInScope: 40, maxCreates: 30 });
  // Make sure there is something to delete and to create.
  for (let s = seed; scenario.intent.delete === 0 || scenario.intent.create < 3; ) scenario = makeScenario(++s * 1000, { maxInScope: 40, maxCreates: 30 });
  return scenario;
}

/** The fallback's write requests: one bulk delete, then one upsert each. */
function upsertCount(scenario: Scenario): number {
  return scenario.intent.create + scenario.intent.update + scenario.intent.takeover;
}

function expectClaimsTrue(err: ApplyError, scenario: Scenario): void {
  const now = new Map(emulator.state().pipelines.map((p) => [p.name, p]));
  const desired = new Map(scenario.desired.map((d) => [d.name, d]));
  const c = err.result!.changes;
  for (const name of [...c.created, ...c.updated, ...c.takenOver]) expect(mismatch(now.get(name), desired.get(name)!)).toBeUndefined();
  for (const name of c.deleted) expect(now.has(name)).toBe(false);
}

describe("the fallback aborted by its signal, at random points", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])("seed %i: stops, says what it did, and a rerun converges", async (seed) => {
    const scenario = bigScenario(seed);
    const before = setUp(scenario);
    const random = createPrng(seed);
    const c = client();
    const controller = new AbortController();
    let plan: SyncPlan | undefined;
    // Stop after a random number of completed writes (0: as soon as the first write is answered).
    const stopAfter = Math.floor(random() * Math.max(1, upsertCount(scenario)));
    let writesAnswered = 0;
    onAnswered = (e) => {
      if (WRITE_METHODS.has(e.method) && ++writesAnswered > stopAfter) controller.abort(new Error("stopped by the test"));
    };
    const first = await syncPipelines(c, {
      desired: scenario.desired,
      scope: scenario.scope,
      policy: scenario.policy,
      mode: "fallback",
      signal: controller.signal,
      onPlan: (p) => {
        plan = p;
      },
    }).catch((e: unknown) => e);
    onAnswered = () => {};
    expect(first).toBeInstanceOf(ApplyError);
    const err = first as ApplyError;
    expect(err.code).toBe("APPLY_ABORTED");
    expect(err.message).toMatch(/run it again/);
    expectClaimsTrue(err, scenario);
    const stopped = judge(scenario, before, emulator.state().pipelines, true);
    expect(stopped.violations).toEqual([]);

    // Half the seeds apply the same plan again (a saved plan), half plan again.
    const rerun = seed % 2 === 0 ? await applyPlan(c, plan!, { mode: "fallback" }) : (await syncPipelines(c, { desired: scenario.desired, scope: scenario.scope, policy: scenario.policy, mode: "fallback" })).result!;
    expect(rerun.verification?.ok).toBe(true);
    const after = judge(scenario, before, emulator.state().pipelines, true);
    expect(after).toEqual({ converged: true, violations: [], pending: [] });
  });
});

const ENV = (): Record<string, string> => ({ FLEET_URL: emulator.url });
const args = (mode: ApplyMode) => ["apply", "--dir", "pipelines", "--namespace", "ci", "--mode", mode, "--max-deletes", "1000", "--allow-empty", "--allow-takeover", "*"];

describe("the CLI stopped in the middle of an apply", () => {
  it.each([
    ["in process, Ctrl-C (its io.signal)", 11, "abort", "fallback"],
    ["a child process, SIGINT", 12, "SIGINT", "fallback"],
    ["a child process, SIGTERM", 13, "SIGTERM", "fallback"],
    ["a child process, SIGKILL", 14, "SIGKILL", "fallback"],
    ["a child process, SIGKILL", 15, "SIGKILL", "fallback"],
    ["a child process, SIGKILL after the sync", 16, "SIGKILL", "sync"],
  ] as const)("%s (seed %i): nothing lost or wrongly touched; the rerun converges", async (_name, seed, how, mode) => {
    const scenario = bigScenario(seed);
    const before = setUp(scenario);
    const dir = await tempDir("fleet-crash-");
    try {
      await writeFolder(`${dir.path}/pipelines`, scenario.desired);
      const random = createPrng(seed);
      // Early enough that the signal lands while writes remain.
      const stopAfter = mode === "sync" ? 1 : 1 + Math.floor(random() * Math.max(1, upsertCount(scenario) / 2));
      let writesAnswered = 0;
      let stop: () => void = () => {};
      onAnswered = (e) => {
        if (WRITE_METHODS.has(e.method) && ++writesAnswered > stopAfter - 1) {
          // From here on the service holds every answer (each call is still
          // handled and stored), so the stop surely lands mid-apply however
          // slowly the signal travels.
          emulator.setFaults({ rate: 1, kinds: ["timeout"] });
          stop();
          stop = () => {};
        }
      };

      if (how === "abort") {
        const controller = new AbortController();
        stop = () => controller.abort();
        const run = await runCliInProcess(args(mode), ENV(), dir.path, { signal: controller.signal });
        expect(run.code).toBe(1);
        expect(run.err).toMatch(/aborted after \d+ change\(s\); run it again/i);
      } else {
        const cli = startCli(args(mode), ENV(), dir.path);
        stop = () => cli.child.kill(how);
        const run = await cli.done;
        if (how === "SIGKILL") {
          expect(run.signal).toBe("SIGKILL");
        } else {
          // The CLI catches the signal, stops cleanly and says so.
          expect(run.code).toBe(1);
          expect(run.err).toMatch(/aborted after \d+ change\(s\); run it again/i);
        }
      }
      onAnswered = () => {};
      emulator.setFaults(undefined);
      expect(writesAnswered).toBeGreaterThanOrEqual(stopAfter);
      expect(judge(scenario, before, emulator.state().pipelines, mode === "fallback").violations).toEqual([]);

      const rerun = await runCliInProcess(args(mode), ENV(), dir.path);
      expect(rerun.err).not.toMatch(/error/i);
      expect(rerun.code).toBe(0);
      expect(judge(scenario, before, emulator.state().pipelines, mode === "fallback")).toEqual({ converged: true, violations: [], pending: [] });
    } finally {
      onAnswered = () => {};
      await dir.dispose();
    }
  });
});
