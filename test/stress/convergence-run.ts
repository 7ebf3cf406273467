// One convergence trial: a scenario applied through the whole library loop
// (GetLimits → list → plan → apply → verify) against an emulator that
// injects seeded faults, then rerun until it converges. After every run,
// successful or not, the judge checks that nothing was lost or wrongly
// touched, and a failed run must have said what it did.
import { ApplyError, applyPlan, syncPipelines, type ApplyMode, type ApplyResult } from "../../src/apply/index.js";
import { createFleetClient, type FleetClientOptions } from "../../src/client/index.js";
import type { Emulator, FaultOptions, PipelineJson } from "../../src/emulator/index.js";
import type { SyncPlan } from "../../src/plan/index.js";
import { judge, mismatch, SCOPE, type Scenario } from "./scenario.js";
import { judgeRun, type ClaimedChanges } from "../adversary/judge.js";
import { SECOND_WRITER_MOVES, type SecondWriterMove } from "../adversary/scenario.js";
import { SecondWriter } from "../adversary/second-writer.js";
import { revisionsSeenByPlan, type HookSlot } from "../adversary/trial.js";

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
  /**
   * A second writer acting between our calls during the first run (it edits,
   * deletes, reverts and moves pipelines, creates names we create, moves the
   * limit). Needs an emulator started with `slot`'s hooks. With it, a
   * pipeline the second writer touched is judged by the adversary judge
   * (test/adversary/judge.ts): as it was, as desired, or as the second writer
   * left it, and never overwritten without the run failing and naming it.
   */
  secondWriter?: { slot: HookSlot; seed: number; rate: number; maxMoves: number; moves?: readonly SecondWriterMove[] };
}

const SCOPE_JSON = { type: "SOURCE_TYPE_GIT", namespace: SCOPE.namespace };

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
  const sw = options.secondWriter;
  const writer =
    sw === undefined
      ? undefined
      : new SecondWriter(
          { seed: sw.seed, rate: sw.rate, maxMoves: sw.maxMoves, moves: [...(sw.moves ?? SECOND_WRITER_MOVES.filter((m) => m !== "limit"))], emptyListRate: 0 },
          {
            contested: [...new Set([...before.filter((p) => p.source?.type === SCOPE_JSON.type && p.source.namespace === SCOPE_JSON.namespace).map((p) => p.name), ...scenario.desired.map((d) => d.name)])],
            plannedCreates: scenario.desired.map((d) => d.name).filter((n) => !before.some((p) => p.name === n)),
            scope: { type: "git", namespace: SCOPE.namespace },
          },
        );
  const current = writer === undefined ? undefined : { writer, revisionsAtCall: new Map<number, number>(), answered: new Map<number, import("../../src/emulator/index.js").RequestLogEntry>() };
  if (sw !== undefined) sw.slot.current = current;
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
    const runStart = writer === undefined ? undefined : emulator.state();
    // The second writer acts during the first run only, so that reruns can converge.
    if (writer !== undefined) {
      if (outcome.runs === 1) writer.startRun();
      else writer.active = false;
    }
    let failure: unknown;
    let succeeded: ApplyResult | undefined;
    try {
      if (plan !== undefined && options.rerun === "same-plan") {
        succeeded = await applyPlan(client, plan, { mode });
      } else {
        succeeded = (await syncPipelines(client, {
          desired: scenario.desired,
          scope: scenario.scope,
          policy: scenario.policy,
          mode,
          onPlan: (p) => {
            plan ??= p;
          },
        })).result;
      }
    } catch (error) {
      failure = error;
    }
    if (writer !== undefined) writer.active = false;
    const now = emulator.state().pipelines;
    const verdict = judge(scenario, before, now, mode === "fallback");
    if (writer === undefined || current === undefined || runStart === undefined) {
      outcome.violations.push(...verdict.violations.map((v) => `run ${outcome.runs}: ${v}`));
    } else {
      // What the second writer touched is judged by the adversary judge; the rest as without it.
      const touched = new Set(writer.acts.flatMap((a) => (a.name === undefined ? [] : [a.name])));
      outcome.violations.push(...verdict.violations.filter((v) => !touched.has(v.split(/[ :]/, 1)[0]!)).map((v) => `run ${outcome.runs}: ${v}`));
      const end = emulator.state();
      const result = succeeded ?? (failure as { result?: ApplyResult } | undefined)?.result;
      const raw = result as (ApplyResult & { overwritten?: { name: string; action: string }[] }) | undefined;
      const changes: ClaimedChanges | undefined = raw === undefined ? undefined : { ...raw.changes, ...(raw.overwritten ? { overwritten: raw.overwritten } : {}) };
      const adversary = judgeRun({
        scope: SCOPE_JSON,
        desired: scenario.desired.map((d) => ({
          name: d.name,
          contents: d.contents,
          matchers: [...(d.matchers ?? [])],
          enabled: d.enabled ?? true,
          ...(d.configType ? { configType: d.configType } : {}),
          ...(d.metadata ? { metadata: d.metadata } : {}),
        })),
        allowTakeover: scenario.takeovers,
        trialStart: before,
        runStart: runStart.pipelines,
        end: end.pipelines,
        revisions: end.revisions,
        firstRevisionOfRun: runStart.revisions.length + 1,
        secondWriter: writer.revisionIds,
        planSawUpTo: options.rerun === "same-plan" && plan !== undefined && outcome.runs > 1 ? 0 : revisionsSeenByPlan(current, startSeq),
        limitAtStart: Infinity,
        outcome: {
          failed: failure !== undefined,
          ...(changes ? { changes } : {}),
          report: failure === undefined ? JSON.stringify(result ?? null) : JSON.stringify({ message: (failure as Error).message, ...(failure as object) }),
        },
        // The convergence scenarios use regex matchers the adversary judge does not evaluate: no I4 here.
        collectors: [],
      });
      for (const v of [...adversary.I1, ...adversary.I2]) if (touched.has(v.split(/[ :]/, 1)[0]!)) outcome.violations.push(`run ${outcome.runs}: ${v}`);
      for (const v of adversary.I3) outcome.dishonest.push(`run ${outcome.runs}: ${v}`);
    }

    if (failure === undefined) {
      // Success means the scope is exactly the desired set (or, with a second writer, that the judge found nothing wrong).
      if (!verdict.converged && writer === undefined) outcome.violations.push(`run ${outcome.runs}: reported success, but ${verdict.pending.join("; ")}`);
      outcome.converged = verdict.converged;
      if (outcome.runs === 1) outcome.convergedFirstTime = outcome.converged;
      continue;
    }
    if (failure instanceof ApplyError) {
      outcome.errors.push(failure.code);
      // With a second writer, refusals and failures are expected; the adversary judge's I3 checks the claims.
      if (writer !== undefined) continue;
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
  if (sw !== undefined) sw.slot.current = undefined;
  const log = emulator.requests();
  outcome.faultsInjected = log.filter((r) => r.fault !== undefined).length;
  outcome.httpRequests = log.length;
  emulator.setFaults(undefined);
  return outcome;
}
