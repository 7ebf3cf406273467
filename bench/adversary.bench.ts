// The adversary property at scale: random scenarios (test/adversary) of our
// write paths (syncPipelines, applyPlan, the CLI's apply --plan; sync and
// fallback) against a second writer acting between our calls, seeded faults
// (503, 429, dropped connections before and after handling) and a gateway
// that now and then answers a listing with an empty 200. The independent
// judge checks I1–I4 after every run; the table counts trials, runs, failed
// runs, and violations per invariant (all must be 0). Set
// FLEET_BENCH_ADVERSARY_RUNS for more or fewer than 500 trials.
import fc from "fast-check";
import { INVARIANTS, type Invariant } from "../test/adversary/judge.js";
import { scenarioArbitrary, type AdversaryScenario } from "../test/adversary/scenario.js";
import { describeTrial, runAdversaryTrial, startHarness, type TrialReport } from "../test/adversary/trial.js";
import type { Reporter } from "./report.js";

const TRIALS = Number(process.env["FLEET_BENCH_ADVERSARY_RUNS"] ?? 500);
const SEED = Number(process.env["FLEET_BENCH_ADVERSARY_SEED"] ?? 4242);
const PARALLEL = 4;

/** A violation's text with the pipeline names and revision numbers taken out, to group alike ones. */
export function signature(invariant: Invariant, text: string): string {
  return `${invariant} ${text
    .replace(/^[a-z]\d+: /, "")
    .replace(/\b[sonx]\d+\b/g, "P")
    .replace(/revision \d+/g, "revision N")
    .replace(/"\/\/ [^"]*"/g, "C")
    .replace(/\d+ pipeline\(s\)/g, "N pipeline(s)")
    .replace(/\{[^}]*\}/g, "{…}")}`;
}

export default async function adversaryBench(report: Reporter): Promise<void> {
  const scenarios = fc.sample(scenarioArbitrary, { numRuns: TRIALS, seed: SEED });
  const outcomes: { scenario: AdversaryScenario; trial: TrialReport }[] = [];
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      const harness = await startHarness();
      try {
        while (next < scenarios.length) {
          const scenario = scenarios[next++]!;
          outcomes.push({ scenario, trial: await runAdversaryTrial(harness, scenario) });
        }
      } finally {
        await harness.stop();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;

  const rows: Record<string, string | number>[] = [];
  const groups: [string, (s: AdversaryScenario) => boolean][] = [
    ["all", () => true],
    ["syncPipelines sync", (s) => s.entry === "syncPipelines" && s.mode === "sync"],
    ["syncPipelines fallback", (s) => s.entry === "syncPipelines" && s.mode === "fallback"],
    ["applyPlan sync", (s) => s.entry === "applyPlan" && s.mode === "sync"],
    ["applyPlan fallback", (s) => s.entry === "applyPlan" && s.mode === "fallback"],
    ["CLI apply --plan sync", (s) => s.entry === "cli-plan" && s.mode === "sync"],
    ["CLI apply --plan fallback", (s) => s.entry === "cli-plan" && s.mode === "fallback"],
  ];
  for (const [name, test] of groups) {
    const chosen = outcomes.filter((o) => test(o.scenario));
    const runs = chosen.flatMap((o) => o.trial.runs);
    const row: Record<string, string | number> = {
      entry: name,
      trials: chosen.length,
      runs: runs.length,
      "failed runs": runs.filter((r) => r.failed).length,
      "second-writer moves": chosen.reduce((n, o) => n + o.trial.acts.filter((a) => a.move !== "empty-list").length, 0),
      "empty listings": chosen.reduce((n, o) => n + o.trial.acts.filter((a) => a.move === "empty-list").length, 0),
      "trials with violations": chosen.filter((o) => o.trial.violations.length > 0).length,
    };
    for (const invariant of INVARIANTS) row[invariant] = chosen.reduce((n, o) => n + o.trial.violations.filter((v) => v.invariant === invariant).length, 0);
    rows.push(row);
  }
  report.table(`adversary: ${TRIALS} random trials (2 runs each) against a second writer, faults and empty listings (seed ${SEED}, ${seconds.toFixed(1)} s)`, rows);
  report.note("I1–I4 count violations (one per pipeline and run); every column I1–I4 must be 0.");
  const all = outcomes.flatMap((o) => o.trial.violations.map((v) => ({ v, trial: o.trial })));
  const afterEmpty = all.filter(({ v, trial }) => trial.acts.some((a) => a.move === "empty-list" && a.run === v.run)).length;
  report.note(`${afterEmpty} of ${all.length} violation(s) are in runs where the gateway answered a listing with an empty {}.`);

  const bySignature = new Map<string, { count: number; example: string }>();
  for (const { scenario, trial } of outcomes) {
    for (const v of trial.violations) {
      const key = signature(v.invariant, v.text);
      const entry = bySignature.get(key);
      if (entry) entry.count++;
      else bySignature.set(key, { count: 1, example: describeTrial(scenario, trial) });
    }
  }
  const sorted = [...bySignature.entries()].sort((a, b) => b[1].count - a[1].count);
  for (const [key, { count }] of sorted) report.note(`VIOLATION x${count}: ${key}`);
  if (process.env["FLEET_BENCH_ADVERSARY_EXAMPLES"] === "1") {
    for (const [key, { example }] of sorted) report.note(`\nEXAMPLE of ${key}:\n${example}`);
  }
  if (sorted.length > 0) process.exitCode = 1;
}
