// The adversary property: our write paths against a second writer, faults
// and a flaky gateway; after every run the independent judge (judge.ts)
// checks I1–I4. A fixed seed and a few dozen runs here; `npm run bench`
// (bench/adversary.bench.ts) runs hundreds.
//
// Violations of a known, still open kind (KNOWN_OPEN, each with its named
// regression example below, run as it.fails) are printed but do not fail
// the property; any other violation does. ADVERSARY_STRICT=1 fails on all.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REGRESSIONS } from "./regressions.js";
import { scenarioArbitrary, type AdversaryScenario } from "./scenario.js";
import { describeTrial, runAdversaryTrial, startHarness, type AdversaryHarness, type TrialReport } from "./trial.js";

let harness: AdversaryHarness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.stop();
});

type Violation = TrialReport["violations"][number];

/** Open kinds: a violation matching one is reported, not failed (until the library is fixed). Each has a named example. */
export const KNOWN_OPEN: { example: string; matches: (v: Violation, trial: TrialReport, scenario: AdversaryScenario) => boolean }[] = [
  {
    example: "fallback: the history cannot be read after an overwrite: the run fails, but without the previous contents",
    matches: (v, trial) => v.invariant === "I2" && /without its previous contents/.test(v.text) && trial.runs.some((r) => r.run === v.run && r.error === "VERIFY_FAILED"),
  },
  {
    example: "sync: a pipeline the plan deletes, deleted by the second writer first: the result claims the delete",
    matches: (v, _t, s) => s.mode === "sync" && v.invariant === "I3" && /listed as deleted, but no write of ours/.test(v.text),
  },
];

describe("adversary property", () => {
  it("I1–I4 hold after every run (fixed seed)", async () => {
    const strict = process.env["ADVERSARY_STRICT"] === "1";
    const known: string[] = [];
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, async (scenario) => {
        const trial = await runAdversaryTrial(harness, scenario);
        const unknown = trial.violations.filter((v) => strict || !KNOWN_OPEN.some((k) => k.matches(v, trial, scenario)));
        for (const v of trial.violations) if (!unknown.includes(v)) known.push(`[${v.invariant} run ${v.run}] ${v.text}`);
        if (unknown.length > 0) throw new Error(describeTrial(scenario, { ...trial, violations: unknown }));
      }),
      { numRuns: Number(process.env["ADVERSARY_RUNS"] ?? 30), seed: Number(process.env["ADVERSARY_SEED"] ?? 20261130) },
    );
    if (known.length > 0) console.warn(`adversary: ${known.length} violation(s) of known open kinds:\n  ${known.join("\n  ")}`);
  }, 120_000);
});

describe("named regression examples", () => {
  for (const example of REGRESSIONS) {
    const test = example.open ? it.fails : it;
    test(`${example.name}${example.open ? ` (open: ${example.open.join(", ")})` : ""}`, async () => {
      const trial = await runAdversaryTrial(harness, example.scenario);
      expect(trial.violations, describeTrial(example.scenario, trial)).toEqual([]);
    });
  }
});
