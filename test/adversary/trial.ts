// One adversary trial: seed the stack, run our side (the library loop, a
// plan applied by the library, or the CLI's saved plan) with faults on while
// the second writer acts between our calls, apply once more after the first
// run (a rerun, or the resume of the saved plan), and judge after each run.
import { join } from "node:path";
import { applyPlan, syncPipelines, type ApplyResult } from "../../src/apply/index.js";
import { createFleetClient } from "../../src/client/index.js";
import { startEmulator, type Emulator, type EmulatorStore, type PipelineSeed, type RequestLogEntry } from "../../src/emulator/index.js";
import type { PipelineSpec } from "../../src/pipelines/index.js";
import type { SyncPlan } from "../../src/plan/index.js";
import { runCliInProcess, tempDir, writeFolder } from "../stress/cli-harness.js";
import { INVARIANTS, judgeRun, type ClaimedChanges, type Invariant, type Verdict } from "./judge.js";
import { COLLECTORS, concretize, SCOPE, SCOPE_JSON, type AdversaryScenario, type Concrete } from "./scenario.js";
import { SecondWriter, type SecondWriterAct } from "./second-writer.js";

export interface RunReport {
  run: number;
  failed: boolean;
  /** The error's code, or the CLI's exit code. */
  error?: string;
  message?: string;
  verdict: Verdict;
}

export interface TrialReport {
  runs: RunReport[];
  acts: SecondWriterAct[];
  /** Every violation, prefixed with its run. */
  violations: { invariant: Invariant; run: number; text: string }[];
}

/** The emulator's hooks, pointed at the current trial's second writer. */
export interface HookSlot {
  current: Current | undefined;
  beforeRequest(entry: Readonly<RequestLogEntry>, store: EmulatorStore): void | "empty";
  onRequest(entry: RequestLogEntry): void;
}

export function createHookSlot(): HookSlot {
  const slot: HookSlot = {
    current: undefined,
    beforeRequest(entry, store) {
      const c = slot.current;
      if (c === undefined) return;
      const answer = c.writer.hook(entry, store);
      c.revisionsAtCall.set(entry.seq, store.listRevisions().length);
      return answer;
    },
    onRequest(entry) {
      slot.current?.answered.set(entry.seq, entry);
    },
  };
  return slot;
}

/**
 * How many revisions the plan of a run that re-plans had seen: those made
 * before its listing, the first ListPipelines of the run that was answered
 * with the stack (the library reads a listing answered empty by the gateway
 * again before it believes it, so such an answer is not what it planned on).
 */
export function revisionsSeenByPlan(c: Current, firstSeq: number): number {
  const emptied = new Set(c.writer.acts.filter((a) => a.move === "empty-list").map((a) => a.beforeSeq));
  const listing = [...c.answered.values()]
    .filter((r) => r.seq >= firstSeq && r.method === "ListPipelines" && r.code === "ok" && !emptied.has(r.seq))
    .sort((a, b) => a.seq - b.seq)[0];
  return listing === undefined ? Number.MAX_SAFE_INTEGER : (c.revisionsAtCall.get(listing.seq) ?? 0);
}

/** One emulator for many trials; the hooks point at the current trial. */
export interface AdversaryHarness {
  emulator: Emulator;
  slot: HookSlot;
  stop(): Promise<void>;
}

export interface Current {
  writer: SecondWriter;
  /** seq → revisions that existed once the hook had run for that call. */
  revisionsAtCall: Map<number, number>;
  answered: Map<number, RequestLogEntry>;
}

export async function startHarness(): Promise<AdversaryHarness> {
  const slot = createHookSlot();
  const emulator = await startEmulator({ beforeRequest: slot.beforeRequest, onRequest: slot.onRequest });
  return { emulator, slot, stop: () => emulator.stop() };
}

function seedOf(c: Concrete): PipelineSeed[] {
  return c.initial.map((p) => ({
    name: p.name,
    contents: p.contents,
    matchers: p.matchers,
    enabled: p.enabled,
    configType: "alloy",
    ...(p.source ? { source: p.source } : {}),
  }));
}

function specsOf(c: Concrete): PipelineSpec[] {
  return c.desired.map((d) => ({ name: d.name, contents: d.contents, matchers: [...d.matchers], enabled: d.enabled, configType: "alloy" }));
}

/** Everything an error says, as JSON: message, code, result and whatever else it carries. */
function errorReport(error: unknown): string {
  if (!(error instanceof Error)) return JSON.stringify(String(error));
  const own: Record<string, unknown> = {};
  for (const key of Object.getOwnPropertyNames(error)) if (key !== "stack") own[key] = (error as unknown as Record<string, unknown>)[key];
  try {
    return JSON.stringify({ name: error.name, message: error.message, ...own });
  } catch {
    return `${error.name}: ${error.message}`;
  }
}

function changesOf(result: unknown): ClaimedChanges | undefined {
  const r = result as { changes?: ClaimedChanges; overwritten?: { name: string; action: string }[] } | null | undefined;
  if (r?.changes === undefined) return undefined;
  return { ...r.changes, ...(Array.isArray(r.overwritten) ? { overwritten: r.overwritten } : {}) };
}

interface Outcome {
  failed: boolean;
  changes?: ClaimedChanges;
  report: string;
  error?: string;
  message?: string;
}

async function libraryOutcome(work: () => Promise<ApplyResult | undefined>): Promise<Outcome> {
  try {
    const result = await work();
    const changes = changesOf(result);
    return { failed: false, ...(changes ? { changes } : {}), report: JSON.stringify(result ?? null) };
  } catch (error) {
    const result = (error as { result?: ApplyResult }).result;
    const changes = changesOf(result);
    const code = (error as { code?: unknown }).code;
    return {
      failed: true,
      ...(changes ? { changes } : {}),
      report: errorReport(error),
      error: typeof code === "string" || typeof code === "number" ? String(code) : (error as Error).name,
      message: (error as Error).message,
    };
  }
}

function cliOutcome(run: { code: number; out: string; err: string }): Outcome {
  let body: { result?: { changes?: ClaimedChanges } | null; error?: { code?: string; message?: string } } = {};
  try {
    body = JSON.parse(run.out) as typeof body;
  } catch {
    // No JSON (an error before the apply): the output is the report.
  }
  const changes = changesOf(body.result);
  return {
    failed: run.code !== 0,
    ...(changes ? { changes } : {}),
    // The error and the result only: the saved plan in the output names every pipeline anyway.
    report: `${JSON.stringify({ error: body.error ?? null, result: body.result ?? null })}\n${run.err}`,
    ...(run.code !== 0 ? { error: body.error?.code ?? `exit ${run.code}`, message: body.error?.message ?? run.err.trim().split("\n").pop() ?? "" } : {}),
  };
}

export async function runAdversaryTrial(harness: AdversaryHarness, scenario: AdversaryScenario): Promise<TrialReport> {
  const { emulator } = harness;
  const concrete = concretize(scenario);
  emulator.setFaults(undefined);
  emulator.reset();
  emulator.seed({ pipelines: seedOf(concrete) });
  const trialStart = emulator.state().pipelines;
  const writer = new SecondWriter(scenario.secondWriter, concrete);
  const c: Current = { writer, revisionsAtCall: new Map(), answered: new Map() };
  harness.slot.current = c;
  const faults = {
    rate: scenario.faults.rate,
    seed: scenario.faults.seed,
    kinds: scenario.faults.kinds,
    retryAfterSeconds: 0,
    ...(scenario.faults.methods ? { methods: scenario.faults.methods } : {}),
  };
  const policy = {
    allowEmpty: concrete.allowEmpty,
    maxDeletes: concrete.maxDeletes,
    ...(concrete.allowTakeover.length > 0 ? { allowTakeover: concrete.allowTakeover } : {}),
  };
  const desired = specsOf(concrete);
  const client = createFleetClient({ baseUrl: emulator.url, rateLimit: false, timeoutMs: scenario.clientTimeoutMs ?? 5_000, retry: { initialDelayMs: 1, maxDelayMs: 5 } });
  const report: TrialReport = { runs: [], acts: writer.acts, violations: [] };
  const dir = scenario.entry === "cli-plan" ? await tempDir("fleet-adversary-") : undefined;
  const env = { FLEET_URL: emulator.url };
  let savedPlan: SyncPlan | undefined;

  try {
    // The saved plan is made before the second writer starts: what it did not see is its to catch.
    if (scenario.entry === "applyPlan") {
      const planned = await syncPipelines(client, { desired, scope: SCOPE, policy, dryRun: true });
      savedPlan = planned.plan;
    } else if (dir !== undefined) {
      await writeFolder(join(dir.path, "pipelines"), desired);
      const args = ["plan", "--dir", "pipelines", "--namespace", SCOPE.namespace, "--source", SCOPE.type, "--out", "plan.json", "--max-deletes", String(concrete.maxDeletes)];
      if (concrete.allowEmpty) args.push("--allow-empty");
      if (concrete.allowTakeover.length > 0) args.push("--allow-takeover", concrete.allowTakeover.join(","));
      const planned = await runCliInProcess(args, env, dir.path);
      if (planned.code !== 0 && planned.code !== 3) throw new Error(`plan --out failed (${planned.code}): ${planned.err}`);
    }
    const planRevisions = emulator.state().revisions.length;

    for (let run = 1; run <= 2; run++) {
      const runStart = emulator.state();
      const firstSeq = emulator.requests().reduce((m, r) => Math.max(m, r.seq), 0) + 1;
      const limitAtStart = (await limitNow(harness)) ?? concrete.limit;
      emulator.setFaults(faults);
      writer.startRun();
      let outcome: Outcome;
      if (scenario.entry === "syncPipelines") {
        outcome = await libraryOutcome(async () => (await syncPipelines(client, { desired, scope: SCOPE, policy, mode: scenario.mode, concurrency: scenario.concurrency })).result);
      } else if (scenario.entry === "applyPlan") {
        outcome = await libraryOutcome(() => applyPlan(client, savedPlan!, { mode: scenario.mode, concurrency: scenario.concurrency }));
      } else {
        outcome = cliOutcome(await runCliInProcess(["apply", "--plan", "plan.json", "--mode", scenario.mode, "--json"], env, dir!.path));
      }
      writer.active = false;
      emulator.setFaults(undefined);
      const endState = emulator.state();

      // The plan's listing: for the library loop, the first listing of the run that was answered;
      // a saved plan was made on the stack before any revision of the trial.
      const planSawUpTo = scenario.entry === "syncPipelines" ? revisionsSeenByPlan(c, firstSeq) : planRevisions;
      const verdict = judgeRun({
        scope: SCOPE_JSON,
        desired: concrete.desired,
        allowTakeover: concrete.allowTakeover,
        trialStart,
        runStart: runStart.pipelines,
        end: endState.pipelines,
        revisions: endState.revisions,
        firstRevisionOfRun: runStart.revisions.length + 1,
        secondWriter: writer.revisionIds,
        planSawUpTo,
        limitAtStart,
        outcome: { failed: outcome.failed, ...(outcome.changes ? { changes: outcome.changes } : {}), report: outcome.report },
        collectors: COLLECTORS,
      });
      report.runs.push({
        run,
        failed: outcome.failed,
        ...(outcome.error !== undefined ? { error: outcome.error } : {}),
        ...(outcome.message !== undefined ? { message: outcome.message } : {}),
        verdict,
      });
      for (const invariant of INVARIANTS) for (const text of verdict[invariant]) report.violations.push({ invariant, run, text });
    }
  } finally {
    harness.slot.current = undefined;
    emulator.setFaults(undefined);
    await dir?.dispose();
  }
  return report;
}

/** The stack's limit now, from GetLimits as JSON (called with the faults off, before the run). */
async function limitNow(harness: AdversaryHarness): Promise<number | undefined> {
  const res = await fetch(`${harness.emulator.url}/tenant.v1.TenantService/GetLimits`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  const body = (await res.json()) as { pipelines?: number };
  return body.pipelines;
}

/** A one-line account of a trial, for failure messages and the bench's problem list. */
export function describeTrial(scenario: AdversaryScenario, trial: TrialReport): string {
  const acts = trial.acts.map((a) => `before #${a.beforeSeq} ${a.beforeMethod}: ${a.detail}`).join("; ");
  const runs = trial.runs.map((r) => `run ${r.run}: ${r.failed ? `failed ${r.error ?? ""} ${r.message ?? ""}` : "ok"}`).join(" | ");
  const violations = trial.violations.map((v) => `[${v.invariant} run ${v.run}] ${v.text}`).join("\n  ");
  return `${JSON.stringify(scenario)}\n  second writer: ${acts || "nothing"}\n  ${runs}\n  ${violations}`;
}
