// One convergence trial: a scenario applied through the whole library loop
// (GetLimits → list → plan → apply → verify) against an emulator that
// injects seeded faults, then rerun until it converges. After every run,
// successful or not, the judge checks that nothing was lost or wrongly
// touched, and a failed run must have said what it did.
import { ApplyError, applyPlan, syncPipelines, type ApplyMode, type ApplyResult } from "../../src/apply/index.js";
import { createFleetClient, type FleetClientOptions } from "../../src/client/index.js";
import type { Emulator, FaultOptions, PipelineJson } from "../../src/emulator/index.js";
import type { SyncPlan } from "../../src/plan/index.js";
import { judge, mismatch, type Scenario } from "./scenario.js";

export const WRITE_METHODS = new Set(["SyncPipelines", "UpsertPipeline", "BulkDeletePipelines", "DeletePipeline", "CreatePipeline", "UpdatePipeline"]);

export interface TrialOptions {
  mode: ApplyMode;
  /** Faults for every run, the first and the reruns. */
  faults: FaultOptions;
  /** The client, minus baseUrl. */
  client: Omit<FleetClientOptions, "baseUrl">;
  /** Reruns allowed after the first run before giving up. Default 4. */
  maxReruns?: number;
  /**
   * How a rerun is made: `replan` runs the whole loop again (what a CI rerun
   * of `apply` does); `same-plan` applies the first run's plan again (what a
   * rerun of a saved plan does). Default `replan`.
   */
  rerun?: "replan" | "same-plan";
}

export interface TrialOutcome {
  seed: number;
  mode: ApplyMode;
  /** Runs made, the first included. */
  runs: number;
  convergedFirstTime: boolean;
  converged: boolean;
  /** Broken promises seen after any run; must be empty. */
  violations: string[];
  /** Failed runs whose error did not say what was done, or claimed what was not done. */
  dishonest: string[];
  /** Error codes of the failed runs, in order. */
  errors: string[];
  faultsInjected: number;
  httpRequests: number;
}

function writesHandled(emulator: Emulator, fromSeq: number): number {
  return emulator.requests().filter((r) => r.seq >= fromSeq && WRITE_METHODS.has(r.method) && r.handlerCode === "ok").length;
}

/** The log is in completion order (a held answer is logged late): the next arrival is after the highest seq. */
function nextSeq(emulator: Emulator): number {
  return emulator.requests().reduce((max, r) => Math.max(max, r.seq), 0) + 1;
}

/** Every change the result claims is really there. */
function checkClaims(result: ApplyResult, scenario: Scenario, now: readonly PipelineJson[]): string[] {
  const problems: string[] = [];
  const byName = new Map(now.map((p) => [p.name, p]));
  const desired = new Map(scenario.desired.map((d) => [d.name, d]));
  const c = result.changes;
  for (const name of [...c.created, ...c.updated, ...c.takenOver]) {
    const spec = desired.get(name);
    const why = spec === undefined ? "not desired" : mismatch(byName.get(name), spec);
    if (why !== undefined) problems.push(`claims ${name} written, but ${why}`);
  }
  for (const name of c.deleted) if (byName.has(name)) problems.push(`claims ${name} deleted, but it is there`);
  return problems;
}

export async function runTrial(emulator: Emulator, scenario: Scenario, options: TrialOptions): Promise<TrialOutcome> {
  const { mode } = options;
  emulator.setFaults(undefined);
  emulator.reset();
  emulator.seed({ pipelines: scenario.initial });
  const before = emulator.state().pipelines;
  emulator.setFaults(options.faults);

  const outcome: TrialOutcome = {
    seed: scenario.seed,
    mode,
    runs: 0,
    convergedFirstTime: false,
    converged: false,
    violations: [],
    dishonest: [],
    errors: [],
    faultsInjected: 0,
    httpRequests: 0,
  };
  // A fresh client per trial, as a CI job has.
  const client = createFleetClient({ ...options.client, baseUrl: emulator.url });
  let plan: SyncPlan | undefined;
  const maxRuns = 1 + (options.maxReruns ?? 4);

  while (outcome.runs < maxRuns && !outcome.converged) {
    outcome.runs++;
    const startSeq = nextSeq(emulator);
    let failure: unknown;
    try {
      if (plan !== undefined && options.rerun === "same-plan") {
        await applyPlan(client, plan, { mode });
      } else {
        await syncPipelines(client, {
          desired: scenario.desired,
          scope: scenario.scope,
          policy: scenario.policy,
          mode,
          onPlan: (p) => {
            plan ??= p;
          },
        });
      }
    } catch (error) {
      failure = error;
    }
    const now = emulator.state().pipelines;
    const verdict = judge(scenario, before, now, mode === "fallback");
    outcome.violations.push(...verdict.violations.map((v) => `run ${outcome.runs}: ${v}`));

    if (failure === undefined) {
      // Success means the scope is exactly the desired set.
      if (!verdict.converged) outcome.violations.push(`run ${outcome.runs}: reported success, but ${verdict.pending.join("; ")}`);
      outcome.converged = verdict.converged;
      if (outcome.runs === 1) outcome.convergedFirstTime = outcome.converged;
      continue;
    }
    if (failure instanceof ApplyError) {
      outcome.errors.push(failure.code);
      if (failure.code === "STALE_PLAN") {
        outcome.dishonest.push(`run ${outcome.runs}: refused as stale: ${failure.message}`);
      } else if (failure.result === undefined) {
        outcome.dishonest.push(`run ${outcome.runs}: ${failure.code} without a result`);
      } else {
        outcome.dishonest.push(...checkClaims(failure.result, scenario, now).map((p) => `run ${outcome.runs}: ${p}`));
        if (!/run it again/i.test(failure.message) && failure.code !== "VERIFY_FAILED") {
          outcome.dishonest.push(`run ${outcome.runs}: message does not say a rerun finishes it: ${failure.message}`);
        }
      }
    } else {
      // Not an ApplyError: it must have failed before writing anything.
      const code = (failure as { code?: unknown }).code;
      outcome.errors.push(typeof code === "number" || typeof code === "string" ? `rpc:${String(code)}` : String(failure));
      const writes = writesHandled(emulator, startSeq);
      if (writes > 0) {
        outcome.dishonest.push(
          `run ${outcome.runs}: failed with ${(failure as Error).message ?? String(failure)} after ${writes} write(s) were stored, without saying so`,
        );
      }
    }
  }
  const log = emulator.requests();
  outcome.faultsInjected = log.filter((r) => r.fault !== undefined).length;
  outcome.httpRequests = log.length;
  emulator.setFaults(undefined);
  return outcome;
}
