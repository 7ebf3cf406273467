// applyPlan: the stale check, one of the two executors, then read-back
// verification. Both executors work from what remains to be done given the
// service's current listing, so running the same plan again after a partial
// failure picks up where the last run stopped.
import { Code } from "@connectrpc/connect";
import { ConfigurationError } from "../errors/index.js";
import { pipelineMessageFromSpec, sourceTypeToProto } from "../pipelines/index.js";
import type { RemotePipeline } from "../pipelines/index.js";
import type { SyncPlan } from "../plan/index.js";
import { assertApplicable } from "../plan/index.js";
import { CallLog, connectCode, failureFrom, isAbort, resolveConcurrency, runPool } from "./calls.js";
import { ApplyError } from "./errors.js";
import { listRemote, remainingWork, type PipelinesClient, type RemainingWork, type UpsertKind } from "./remote.js";
import { assessRemote } from "./stale.js";
import type { ApplyChanges, ApplyFailure, ApplyMode, ApplyOptions, ApplyProgress, ApplyResult, Verification } from "./types.js";
import { verifyScope } from "./verify.js";

const DEFAULT_CONCURRENCY = 4;

/**
 * Applies a plan made by `planSync`. Refuses a blocked plan (SafetyCheckError)
 * and a plan whose remote snapshot no longer matches the service (ApplyError
 * `STALE_PLAN`, unless `force`). Throws ApplyError `APPLY_FAILED`,
 * `VERIFY_FAILED` or `APPLY_ABORTED` with the partial result when the scope
 * did not end up as desired.
 */
export async function applyPlan(client: PipelinesClient, plan: SyncPlan, options: ApplyOptions = {}): Promise<ApplyResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  assertApplicable(plan);
  const calls = new CallLog();
  const remoteNow = await listRemote(client, calls, options.signal);
  return executePlan(client, plan, remoteNow, options, { calls, started, now });
}

interface ExecutionContext {
  calls: CallLog;
  started: number;
  now: () => number;
}

/** The apply after the listing: shared with `syncPipelines`, which has just listed. */
export async function executePlan(
  client: PipelinesClient,
  plan: SyncPlan,
  remoteNow: readonly RemotePipeline[],
  options: ApplyOptions,
  ctx: ExecutionContext,
): Promise<ApplyResult> {
  const mode: ApplyMode = options.mode ?? "sync";
  if (mode !== "sync" && mode !== "fallback") {
    throw new ConfigurationError(`mode must be "sync" or "fallback", got ${JSON.stringify(mode)}`);
  }
  // Checked before any write (fallback reads it only after the deletes).
  resolveConcurrency(options.concurrency, DEFAULT_CONCURRENCY);
  const { signal } = options;
  const assessment = assessRemote(plan, remoteNow);
  if (assessment.stale && options.force !== true) {
    const f = assessment.stale;
    throw new ApplyError("STALE_PLAN", `STALE_PLAN: ${f.message}; ${f.hint}`, { finding: f });
  }
  const work = remainingWork(plan.desired, plan.scope, remoteNow);
  refuseUnplannedTakeovers(plan, work);

  const planned = plan.actions.filter((a) => a.kind !== "noop").map((a) => a.name);
  const pending = new Set([...work.upserts.map((u) => u.spec.name), ...work.deletes.map((d) => d.name)]);
  const alreadyDone = planned.filter((name) => !pending.has(name));

  const outcome =
    mode === "sync" ? await executeSync(client, plan, work, options, ctx.calls) : await executeFallback(client, plan, work, options, ctx.calls);

  const aborted = signal?.aborted === true;
  let verification: Verification | undefined;
  let verifyError: unknown;
  if (options.verify !== false && !aborted) {
    try {
      verification = verifyScope(plan.desired, plan.scope, await listRemote(client, ctx.calls, signal));
    } catch (err) {
      verifyError = err;
    }
  }

  const result: ApplyResult = {
    mode,
    scope: plan.scope,
    ok: outcome.failures.length === 0 && !aborted,
    calls: ctx.calls.snapshot(),
    durationMs: Math.max(0, ctx.now() - ctx.started),
    changes: sortChanges(outcome.changes),
    unchanged: plan.counts.noop,
    alreadyDone: alreadyDone.sort(),
    failures: outcome.failures,
  };
  if (outcome.deleteStrategy) result.deleteStrategy = outcome.deleteStrategy;
  if (verification) result.verification = verification;

  if (aborted) {
    throw new ApplyError("APPLY_ABORTED", `Apply aborted after ${countChanges(result.changes)} change(s); run it again to finish.`, {
      result,
      cause: signal?.reason,
    });
  }
  if (outcome.failures.length > 0) {
    throw new ApplyError("APPLY_FAILED", describeFailures(outcome.failures, pending.size), { result });
  }
  if (verifyError !== undefined) {
    throw new ApplyError("VERIFY_FAILED", "The apply succeeded but the pipelines could not be read back to verify it.", {
      result,
      cause: verifyError,
    });
  }
  if (verification && !verification.ok) {
    throw new ApplyError("VERIFY_FAILED", describeMismatch(verification, plan.scope.namespace), { result });
  }
  return result;
}

interface Outcome {
  changes: ApplyChanges;
  failures: ApplyFailure[];
  deleteStrategy?: "bulk" | "each";
}

function emptyChanges(): ApplyChanges {
  return { created: [], updated: [], deleted: [], takenOver: [] };
}

function record(changes: ApplyChanges, kind: UpsertKind | "delete", name: string): void {
  if (kind === "create") changes.created.push(name);
  else if (kind === "update") changes.updated.push(name);
  else if (kind === "takeover") changes.takenOver.push(name);
  else changes.deleted.push(name);
}

/** One SyncPipelines with the whole desired set: the server upserts by name and deletes the scope's others. */
async function executeSync(
  client: PipelinesClient,
  plan: SyncPlan,
  work: RemainingWork,
  options: ApplyOptions,
  calls: CallLog,
): Promise<Outcome> {
  const changes = emptyChanges();
  const failures: ApplyFailure[] = [];
  if (work.upserts.length === 0 && work.deletes.length === 0) return { changes, failures };
  const progress = (ok: boolean): void => options.onProgress?.({ done: 1, total: 1, action: "sync", ok });
  calls.count("SyncPipelines");
  try {
    await client.pipelines.syncPipelines(
      {
        source: { type: sourceTypeToProto(plan.scope.type), namespace: plan.scope.namespace },
        pipelines: plan.desired.map((spec) => pipelineMessageFromSpec(spec, plan.scope)),
      },
      options.signal ? { signal: options.signal } : {},
    );
    for (const u of work.upserts) record(changes, u.kind, u.spec.name);
    for (const d of work.deletes) record(changes, "delete", d.name);
    progress(true);
  } catch (err) {
    failures.push(failureFrom(err, "sync"));
    progress(false);
  }
  return { changes, failures };
}

/**
 * Deletes first (so the count never passes the limit in between), with one
 * BulkDeletePipelines where the server has it; then one UpsertPipeline per
 * create, update and allowed takeover. A failed write does not stop the others.
 */
async function executeFallback(
  client: PipelinesClient,
  plan: SyncPlan,
  work: RemainingWork,
  options: ApplyOptions,
  calls: CallLog,
): Promise<Outcome> {
  const { signal } = options;
  const callOptions = signal ? { signal } : {};
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const changes = emptyChanges();
  const failures: ApplyFailure[] = [];
  const total = work.deletes.length + work.upserts.length;
  let done = 0;
  const step = (action: ApplyProgress["action"], ok: boolean, name?: string, count = 1): void => {
    done += count;
    options.onProgress?.(name === undefined ? { done, total, action, ok } : { done, total, action, name, ok });
  };
  const stopped = (): boolean => signal?.aborted === true;

  let deleteStrategy: Outcome["deleteStrategy"];
  if (work.deletes.length > 0 && !stopped()) {
    deleteStrategy = "bulk";
    calls.count("BulkDeletePipelines");
    let deleteEach = false;
    try {
      await client.pipelines.bulkDeletePipelines({ ids: work.deletes.map((d) => d.id) }, callOptions);
      for (const d of work.deletes) record(changes, "delete", d.name);
      step("delete", true, undefined, work.deletes.length);
    } catch (err) {
      const code = connectCode(err);
      // Unimplemented: an older server. NotFound: one of them vanished since
      // the listing, and the bulk call is all-or-nothing. Both: one by one.
      if (!isAbort(err, signal) && (code === Code.Unimplemented || code === Code.NotFound)) {
        deleteEach = true;
      } else {
        for (const d of work.deletes) failures.push(failureFrom(err, "delete", d.name));
        step("delete", false, undefined, work.deletes.length);
      }
    }
    if (deleteEach) {
      deleteStrategy = "each";
      await runPool(
        work.deletes,
        concurrency,
        async (d) => {
          calls.count("DeletePipeline");
          try {
            await client.pipelines.deletePipeline({ id: d.id }, callOptions);
            record(changes, "delete", d.name);
            step("delete", true, d.name);
          } catch (err) {
            if (connectCode(err) === Code.NotFound) {
              record(changes, "delete", d.name);
              step("delete", true, d.name);
            } else {
              failures.push(failureFrom(err, "delete", d.name));
              step("delete", false, d.name);
            }
          }
        },
        stopped,
      );
    }
  }

  await runPool(
    work.upserts,
    concurrency,
    async (u) => {
      calls.count("UpsertPipeline");
      try {
        await client.pipelines.upsertPipeline({ pipeline: pipelineMessageFromSpec(u.spec, plan.scope) }, callOptions);
        record(changes, u.kind, u.spec.name);
        step(u.kind, true, u.spec.name);
      } catch (err) {
        failures.push(failureFrom(err, u.kind, u.spec.name));
        step(u.kind, false, u.spec.name);
      }
    },
    stopped,
  );

  failures.sort((a, b) => ((a.name ?? "") < (b.name ?? "") ? -1 : (a.name ?? "") > (b.name ?? "") ? 1 : 0));
  return deleteStrategy ? { changes, failures, deleteStrategy } : { changes, failures };
}

/**
 * A takeover overwrites a pipeline owned elsewhere: only the ones the plan
 * listed as allowed may happen, even under `force`.
 */
function refuseUnplannedTakeovers(plan: SyncPlan, work: RemainingWork): void {
  const allowed = new Set(plan.actions.filter((a) => a.kind === "takeover" && a.allowed === true).map((a) => a.name));
  const unplanned = work.upserts.filter((u) => u.kind === "takeover" && !allowed.has(u.spec.name)).map((u) => u.spec.name);
  if (unplanned.length === 0) return;
  throw new ApplyError(
    "STALE_PLAN",
    `STALE_PLAN: pipelines ${unplanned.join(", ")} now exist under another source; the plan did not allow taking them over. Plan again, and allow the takeover if it is intended.`,
  );
}

function sortChanges(c: ApplyChanges): ApplyChanges {
  return { created: [...c.created].sort(), updated: [...c.updated].sort(), deleted: [...c.deleted].sort(), takenOver: [...c.takenOver].sort() };
}

export function countChanges(c: ApplyChanges): number {
  return c.created.length + c.updated.length + c.deleted.length + c.takenOver.length;
}

function describeFailures(failures: readonly ApplyFailure[], attempted: number): string {
  const shown = failures.slice(0, 5).map((f) => `${f.name ?? f.action} (${f.action}: ${f.code}: ${f.message})`);
  const more = failures.length > 5 ? `, and ${failures.length - 5} more` : "";
  const of = failures.some((f) => f.action === "sync") ? "the sync failed" : `${failures.length} of ${attempted} write(s) failed`;
  return `Apply incomplete: ${of}: ${shown.join("; ")}${more}. Every step is idempotent: run it again to converge.`;
}

function describeMismatch(v: Verification, namespace: string): string {
  const parts: string[] = [];
  if (v.missing.length) parts.push(`missing: ${v.missing.join(", ")}`);
  if (v.unexpected.length) parts.push(`unexpected: ${v.unexpected.join(", ")}`);
  if (v.different.length) parts.push(`different: ${v.different.map((d) => `${d.name} (${d.diff.map((x) => x.field).join(", ")})`).join("; ")}`);
  return `Verification failed: namespace "${namespace}" does not hold exactly the desired pipelines (${parts.join("; ")}).`;
}
