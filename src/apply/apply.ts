// applyPlan: the stale check, one of the two executors, read-back
// verification, and the check of every write against the revision history.
// Both executors work from what remains to be done given the service's
// current listing, so running the same plan again after a partial failure
// picks up where the last run stopped.
import { ConfigurationError } from "../errors/index.js";
import type { RemotePipeline, RemoteRevision } from "../pipelines/index.js";
import type { SyncPlan } from "../plan/index.js";
import { assertApplicable, assessStaleness } from "../plan/index.js";
import { CallLog, resolveConcurrency } from "./calls.js";
import { ApplyError } from "./errors.js";
import { executeFallback } from "./fallback.js";
import { attributeSync, findOverwrites, readHistory, type HistoryMode, type WriteRecord } from "./overwrites.js";
import { atTarget, listRemote, listSnapshot, remainingWork, type PipelinesClient, type RemainingWork, type UpsertKind } from "./remote.js";
import { executeSync } from "./sync.js";
import type { ApplyChanges, ApplyFailure, ApplyMode, ApplyOptions, ApplyResult, OverwrittenPipeline, Verification } from "./types.js";
import { verifyScope } from "./verify.js";
import { DEFAULT_CONCURRENCY, emptyChanges, record, type Outcome } from "./outcome.js";

/**
 * Fallbacks of at most this many writes read each pipeline's history (one
 * call each, a small answer); larger ones the stack's in one call, which the
 * history bench shows is never slower at the service's 3 requests/s.
 */
const PER_PIPELINE_HISTORY_MAX = 1;

/**
 * Applies a plan made by `planSync`. Refuses a blocked plan (SafetyCheckError)
 * and a plan the service has moved away from (ApplyError `STALE_PLAN`, unless
 * `force`). Throws ApplyError `APPLY_FAILED`, `VERIFY_FAILED`,
 * `OVERWRITE_DETECTED` or `APPLY_ABORTED` with the partial result when the
 * scope did not end up as desired or another writer's work was replaced.
 */
export async function applyPlan(client: PipelinesClient, plan: SyncPlan, options: ApplyOptions = {}): Promise<ApplyResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  assertApplicable(plan);
  const calls = new CallLog();
  // A plan made apart (a saved plan, another job) may be old: the history
  // since it was made is read before writing. It is read before the listing,
  // so that the listing the writes rely on is as recent as can be.
  const hasChanges = plan.actions.some((a) => a.kind !== "noop");
  const history =
    hasChanges && plan.snapshotAt !== undefined && options.historyCheck !== "off"
      ? await readHistory(client, calls, "stack", [], options.signal)
      : undefined;
  const snapshot = await listSnapshot(client, calls, options.signal);
  return executePlan(client, plan, snapshot.pipelines, options, {
    calls,
    started,
    now,
    ...(history ? { history } : {}),
    ...(snapshot.listedAt ? { listedAt: snapshot.listedAt } : {}),
  });
}

export interface ExecutionContext {
  calls: CallLog;
  started: number;
  now: () => number;
  /** The stack's history, read just before `remoteNow`, for the stale check of a plan made apart. */
  history?: RemoteRevision[];
  /** The stack's history read before `remoteNow` only to tell a sync's revisions apart (syncPipelines). */
  historyBefore?: RemoteRevision[];
  /** The service's time of `remoteNow` (its Date header): a sync's revisions come after it. */
  listedAt?: string;
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
  const historyOption = options.historyCheck ?? "auto";
  if (!["auto", "stack", "pipeline", "off"].includes(historyOption)) {
    throw new ConfigurationError(`historyCheck must be "auto", "stack", "pipeline" or "off", got ${JSON.stringify(historyOption)}`);
  }
  // Checked before any write (fallback reads it only after the upserts).
  const concurrency = resolveConcurrency(options.concurrency, DEFAULT_CONCURRENCY);
  const { signal } = options;
  const work = remainingWork(plan.desired, plan.scope, remoteNow);

  const assessment = assessStaleness(plan, remoteNow, { revisions: ctx.history, force: options.force });
  if (assessment.finding?.blocking === true) {
    const f = assessment.finding;
    throw new ApplyError("STALE_PLAN", `STALE_PLAN: ${f.message}; ${f.hint}`, { finding: f });
  }
  refuseUnplannedTakeovers(plan, work);

  const planned = plan.actions.filter((a) => a.kind !== "noop").map((a) => a.name);
  const pending = new Set([...work.upserts.map((u) => u.spec.name), ...work.deletes.map((d) => d.name)]);
  const alreadyDone = planned.filter((name) => !pending.has(name));

  const outcome =
    mode === "sync"
      ? await executeSync(client, plan, work, remoteNow, options, ctx.calls)
      : await executeFallback(client, plan, work, remoteNow, { ...options, concurrency }, ctx.calls);
  for (const name of outcome.alreadyGone) alreadyDone.push(name);

  const aborted = signal?.aborted === true;
  let after: RemotePipeline[] | undefined;
  let readBackError: unknown;
  const historyMode = resolveHistoryMode(historyOption, mode, outcome.writes.length);
  if (!aborted && (options.verify !== false || (historyMode !== undefined && outcome.writes.length > 0))) {
    try {
      after = await listRemote(client, ctx.calls, signal);
    } catch (err) {
      readBackError = err;
    }
  }
  if (after !== undefined) settleFromReadBack(outcome, work, plan, after);

  let overwritten: OverwrittenPipeline[] = [];
  let historyUsed: HistoryMode | undefined;
  // Checked even when the read-back failed: an overwrite must not hide behind VERIFY_FAILED.
  if (!aborted && historyMode !== undefined && (outcome.writes.length > 0 || outcome.pendingWrites.length > 0)) {
    const writes = withCurrentIds([...outcome.writes, ...outcome.pendingWrites], after ?? []);
    try {
      const ids = writes.flatMap((w) => (w.id === undefined ? [] : [w.id]));
      const revisions = await readHistory(client, ctx.calls, historyMode, ids, signal);
      historyUsed = historyMode;
      if (mode === "sync" && historyMode === "stack") {
        const before = new Set((ctx.history ?? ctx.historyBefore ?? []).map((r) => r.revisionId));
        const planned = new Set([...work.upserts.map((u) => u.spec.name), ...work.deletes.map((d) => d.name)]);
        const attribution = attributeSync(revisions, plan.desired, remoteNow, plan.scope, { before, since: ctx.listedAt }, planned);
        overwritten = attribution.overwritten;
        // A service that keeps no history at all leaves the plan's account; otherwise the history is the account.
        if (!outcome.failures.some((f) => f.action === "sync") && revisions.length > 0) {
          recordSyncEffects(outcome, work, attribution.written, alreadyDone);
        }
      } else {
        overwritten = findOverwrites(writes, revisions, plan.scope);
      }
    } catch (err) {
      readBackError ??= err;
    }
  }

  const verification: Verification | undefined =
    options.verify !== false && after !== undefined ? verifyScope(plan.desired, plan.scope, after) : undefined;
  const result: ApplyResult = {
    mode,
    scope: plan.scope,
    ok: outcome.failures.length === 0 && !aborted && overwritten.length === 0,
    calls: ctx.calls.snapshot(),
    durationMs: Math.max(0, ctx.now() - ctx.started),
    changes: sortChanges(outcome.changes),
    unchanged: plan.counts.noop,
    alreadyDone: [...new Set(alreadyDone)].sort(),
    failures: outcome.failures,
    skipped: outcome.skipped,
    overwritten,
  };
  if (outcome.deleteStrategy) result.deleteStrategy = outcome.deleteStrategy;
  if (outcome.deletedFirst.length > 0) result.deletedFirst = [...outcome.deletedFirst].sort();
  if (historyUsed !== undefined) result.historyCheck = historyUsed;
  if (verification) result.verification = verification;

  if (aborted) {
    throw new ApplyError("APPLY_ABORTED", `Apply aborted after ${countChanges(result.changes)} change(s); run it again to finish.`, {
      result,
      cause: signal?.reason,
    });
  }
  if (overwritten.length > 0) {
    throw new ApplyError("OVERWRITE_DETECTED", describeOverwrites(overwritten, outcome.failures), { result });
  }
  if (outcome.failures.length > 0) {
    throw new ApplyError("APPLY_FAILED", describeFailures(outcome.failures, outcome.skipped.length, pending.size), { result });
  }
  if (readBackError !== undefined) {
    throw new ApplyError(
      "VERIFY_FAILED",
      "The writes were made but the pipelines or their history could not be read back to check them.",
      { result, cause: readBackError },
    );
  }
  if (verification && !verification.ok) {
    throw new ApplyError("VERIFY_FAILED", describeMismatch(verification, plan.scope.namespace), { result });
  }
  return result;
}

function resolveHistoryMode(option: NonNullable<ApplyOptions["historyCheck"]>, mode: ApplyMode, writes: number): HistoryMode | undefined {
  if (option === "off") return undefined;
  if (option === "stack" || option === "pipeline") return option;
  return mode === "fallback" && writes <= PER_PIPELINE_HISTORY_MAX ? "pipeline" : "stack";
}

/**
 * Upserts whose answer carried no id (a sync) take the id the read-back
 * shows for their name, or else the id they had when listed.
 */
function withCurrentIds(writes: readonly WriteRecord[], after: readonly RemotePipeline[]): WriteRecord[] {
  const idByName = new Map(after.map((r) => [r.spec.name, r.id]));
  return writes.map((w) => {
    if (w.id !== undefined || w.kind === "delete") return w;
    const id = idByName.get(w.name) ?? w.expected?.id;
    return id === undefined ? w : { ...w, id };
  });
}

/**
 * The changes of a sync as the history shows them: a planned write the
 * history does not show was no write of this run (the pipeline was already
 * so, made so by someone else, or deleted by someone else first), and a
 * delete it shows that the plan did not know is listed.
 */
function recordSyncEffects(outcome: Outcome, work: RemainingWork, written: ReadonlyMap<string, "insert" | "update" | "delete">, alreadyDone: string[]): void {
  const kinds = new Map<string, UpsertKind | "delete">([...work.upserts.map((u) => [u.spec.name, u.kind] as const), ...work.deletes.map((d) => [d.name, "delete"] as const)]);
  outcome.changes = emptyChanges();
  for (const [name, op] of written) {
    const planned = kinds.get(name);
    record(outcome.changes, op === "delete" ? "delete" : planned !== undefined && planned !== "delete" ? planned : op === "insert" ? "create" : "update", name);
  }
  for (const name of kinds.keys()) if (!written.has(name)) alreadyDone.push(name);
}

/**
 * A write whose answer was lost may still have taken effect. The read-back
 * settles it: a failure whose outcome was unknown and whose pipeline is now
 * exactly as the write wanted counts as done, so that the result lists what
 * took effect.
 */
function settleFromReadBack(outcome: Outcome, work: RemainingWork, plan: SyncPlan, after: readonly RemotePipeline[]): void {
  const byName = new Map(after.map((r) => [r.spec.name, r]));
  const upserts = new Map(work.upserts.map((u) => [u.spec.name, u]));
  const deletes = new Map(work.deletes.map((d) => [d.name, d]));
  const kept: ApplyFailure[] = [];
  for (const f of outcome.failures) {
    if (!outcomeUnknown(f)) {
      kept.push(f);
      continue;
    }
    if (f.action === "sync") {
      // All or nothing: if every planned write shows, the sync took effect.
      const allDone =
        work.upserts.every((u) => atTarget(byName.get(u.spec.name), u.spec, plan.scope)) &&
        work.deletes.every((d) => byName.get(d.name)?.id !== d.id);
      if (!allDone) {
        kept.push(f);
        continue;
      }
      for (const u of work.upserts) record(outcome.changes, u.kind, u.spec.name);
      for (const d of work.deletes) record(outcome.changes, "delete", d.name);
      for (const w of outcome.pendingWrites) outcome.writes.push(w);
      continue;
    }
    const name = f.name ?? "";
    const u = upserts.get(name);
    const d = deletes.get(name);
    if (u !== undefined && f.action !== "delete" && atTarget(byName.get(name), u.spec, plan.scope)) {
      record(outcome.changes, u.kind, name);
      for (const w of outcome.pendingWrites) if (w.name === name && w.kind !== "delete") outcome.writes.push(w);
    } else if (d !== undefined && f.action === "delete" && byName.get(name)?.id !== d.id) {
      record(outcome.changes, "delete", name);
      for (const w of outcome.pendingWrites) if (w.name === name && w.kind === "delete") outcome.writes.push(w);
    } else {
      kept.push(f);
    }
  }
  outcome.failures = kept;
}

function outcomeUnknown(f: ApplyFailure): boolean {
  return f.outcomeUnknown === true;
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

function describeFailures(failures: readonly ApplyFailure[], skipped: number, attempted: number): string {
  const shown = failures.slice(0, 5).map((f) => `${f.name ?? f.action} (${f.action}: ${f.code}: ${f.message})`);
  const more = failures.length > 5 ? `, and ${failures.length - 5} more` : "";
  const of = failures.some((f) => f.action === "sync") ? "the sync failed" : `${failures.length} of ${attempted} write(s) failed`;
  const held = skipped > 0 ? ` ${skipped} delete(s) were held back so that no collector loses configuration.` : "";
  return `Apply incomplete: ${of}: ${shown.join("; ")}${more}.${held} Every completed write stands: run it again to converge once the cause is fixed.`;
}

function describeOverwrites(list: readonly OverwrittenPipeline[], failures: readonly ApplyFailure[]): string {
  const names = list.map((o) => `${o.name} (${o.action === "delete" || o.action === "sync-delete" ? "deleted" : "overwritten"})`);
  const alsoFailed = failures.length > 0 ? ` ${failures.length} write(s) also failed.` : "";
  return (
    `Another writer changed ${list.length === 1 ? "a pipeline" : `${list.length} pipelines`} in the moment before this apply wrote ` +
    `${list.length === 1 ? "it" : "them"}, and the apply replaced that work: ${names.join(", ")}. ` +
    `Their previous state is in the result (overwritten[].previous) to restore it.${alsoFailed}`
  );
}

function describeMismatch(v: Verification, namespace: string): string {
  const parts: string[] = [];
  if (v.missing.length) parts.push(`missing: ${v.missing.join(", ")}`);
  if (v.unexpected.length) parts.push(`unexpected: ${v.unexpected.join(", ")}`);
  if (v.different.length) parts.push(`different: ${v.different.map((d) => `${d.name} (${d.diff.map((x) => x.field).join(", ")})`).join("; ")}`);
  return `Verification failed: namespace "${namespace}" does not hold exactly the desired pipelines (${parts.join("; ")}).`;
}

