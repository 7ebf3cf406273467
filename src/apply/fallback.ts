// The fallback executor: one write per changed pipeline, in the order that
// keeps collectors configured when something fails.
//
// - Creates use CreatePipeline, which refuses a name that exists: a pipeline
//   another team made after our listing is never overwritten. A create that
//   got no answer is settled by reading the name back, never by repeating it.
// - Updates and takeovers use UpdatePipeline by the id we listed: a pipeline
//   deleted and made again meanwhile is not overwritten either.
// - Deletes come last, and only when every create and update succeeded: a
//   rename whose create fails must not leave its collectors with nothing.
//   Only when the pipeline limit leaves no room for the creates are just
//   enough deletes made first, and the result says which.
import { Code } from "@connectrpc/connect";
import {
  pipelineMessageFromSpec,
  remoteFromPipeline,
  type NormalizedPipelineSpec,
  type RemotePipeline,
} from "../pipelines/index.js";
import type { SyncPlan } from "../plan/index.js";
import { pipelineDigestLine } from "../plan/index.js";
import { connectCode, failureFrom, isAbort, runPool, type CallLog } from "./calls.js";
import { emptyOutcome, record, DEFAULT_CONCURRENCY, type Outcome } from "./outcome.js";
import type { WriteRecord } from "./overwrites.js";
import { atTarget, listRemote, type DeleteWork, type PipelinesClient, type RemainingWork, type UpsertWork } from "./remote.js";
import type { ApplyFailure, ApplyOptions, ApplyProgress } from "./types.js";
import { unknownOutcome } from "./unknown-outcome.js";

export async function executeFallback(
  client: PipelinesClient,
  plan: SyncPlan,
  work: RemainingWork,
  remoteNow: readonly RemotePipeline[],
  options: ApplyOptions,
  calls: CallLog,
): Promise<Outcome> {
  const { signal } = options;
  const callOptions = signal ? { signal } : {};
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const outcome = emptyOutcome();
  const byName = new Map(remoteNow.map((r) => [r.spec.name, r]));
  const total = work.deletes.length + work.upserts.length;
  let done = 0;
  const step = (action: ApplyProgress["action"], ok: boolean, name?: string, count = 1): void => {
    done += count;
    options.onProgress?.(name === undefined ? { done, total, action, ok } : { done, total, action, name, ok });
  };
  const stopped = (): boolean => signal?.aborted === true;

  // Deletes that must come first: only as many as the limit needs to fit the creates.
  let deletes = work.deletes;
  const creates = work.upserts.filter((u) => u.kind === "create").length;
  if (plan.limit !== null && creates > 0 && deletes.length > 0) {
    const room = Math.max(0, plan.limit - remoteNow.length);
    const need = Math.min(deletes.length, creates - room);
    if (need > 0) {
      const first = deletes.slice(0, need);
      deletes = deletes.slice(need);
      const before = outcome.changes.deleted.length;
      await runDeletes(first);
      for (const name of outcome.changes.deleted.slice(before)) outcome.deletedFirst.push(name);
    }
  }

  await runPool(
    work.upserts,
    concurrency,
    async (u) => {
      const ok = u.kind === "create" ? await create(u) : await update(u);
      step(u.kind, ok, u.spec.name);
    },
    stopped,
  );

  if (deletes.length > 0 && !stopped()) {
    const upsertFailed = outcome.failures.some((f) => f.action !== "delete");
    if (upsertFailed) {
      for (const d of deletes) {
        outcome.skipped.push({
          name: d.name,
          action: "delete",
          reason: "held back because a create or update failed: deleting now could leave collectors with less configuration",
        });
      }
      step("delete", false, undefined, deletes.length);
    } else {
      if (work.upserts.length > 0) {
        try {
          deletes = await stillAsListed(deletes);
        } catch (err) {
          // Not re-read: not deleted. The writes made so far stay in the result.
          const { code, message } = failureFrom(err, "delete");
          for (const d of deletes) {
            outcome.failures.push({ action: "delete", name: d.name, code, message: `not deleted: the pipelines could not be read again first (${message})` });
          }
          step("delete", false, undefined, deletes.length);
          deletes = [];
        }
      }
      await runDeletes(deletes);
    }
  }

  outcome.failures.sort((a, b) => ((a.name ?? "") < (b.name ?? "") ? -1 : (a.name ?? "") > (b.name ?? "") ? 1 : 0));
  return outcome;

  /** A create through CreatePipeline; on a lost answer, the name is read back. */
  async function create(u: UpsertWork): Promise<boolean> {
    calls.count("CreatePipeline");
    const write: WriteRecord = { name: u.spec.name, kind: "create", target: u.spec };
    try {
      const created = await client.pipelines.createPipeline({ pipeline: pipelineMessageFromSpec(u.spec, plan.scope) }, callOptions);
      record(outcome.changes, "create", u.spec.name);
      outcome.writes.push(created.id ? { ...write, id: created.id } : write);
      return true;
    } catch (err) {
      if (connectCode(err) === Code.AlreadyExists) {
        outcome.failures.push({
          action: "create",
          name: u.spec.name,
          code: "already_exists",
          message:
            "a pipeline of this name was made by someone else after the plan was made; it was left untouched. Make a new plan: it will show it as a takeover to review",
        });
        return false;
      }
      if (!isAbort(err, signal) && unknownOutcome(err)) {
        const settled = await settleCreate(u.spec);
        if (settled !== undefined) {
          record(outcome.changes, "create", u.spec.name);
          outcome.writes.push({ ...write, id: settled.id });
          return true;
        }
      }
      outcome.failures.push(failureFrom(err, "create", u.spec.name));
      return false;
    }
  }

  /** Reads the name back after a create without an answer: there and as wanted means it took effect. */
  async function settleCreate(spec: NormalizedPipelineSpec): Promise<RemotePipeline | undefined> {
    try {
      calls.count("GetPipelineID");
      const { id } = await client.pipelines.getPipelineID({ name: spec.name }, callOptions);
      calls.count("GetPipeline");
      const found = remoteFromPipeline(await client.pipelines.getPipeline({ id }, callOptions));
      return atTarget(found, spec, plan.scope) ? found : undefined;
    } catch {
      // Not there (or not readable now): the create is reported as failed, and a rerun creates it.
      return undefined;
    }
  }

  /** An update or takeover through UpdatePipeline, by the id the listing gave. */
  async function update(u: UpsertWork): Promise<boolean> {
    const expected = byName.get(u.spec.name);
    if (expected === undefined) return false; // remainingWork gives update/takeover only for listed names.
    calls.count("UpdatePipeline");
    const write: WriteRecord = { name: u.spec.name, kind: u.kind, target: u.spec, expected, id: expected.id };
    try {
      await client.pipelines.updatePipeline({ pipeline: { ...pipelineMessageFromSpec(u.spec, plan.scope), id: expected.id } }, callOptions);
      record(outcome.changes, u.kind, u.spec.name);
      outcome.writes.push(write);
      return true;
    } catch (err) {
      const failure: ApplyFailure = failureFrom(err, u.kind, u.spec.name);
      if (connectCode(err) === Code.NotFound) {
        failure.message = "the pipeline was deleted since the listing; it was not made again. Make a new plan";
      } else if (failure.outcomeUnknown === true) {
        outcome.pendingWrites.push(write);
      }
      outcome.failures.push(failure);
      return false;
    }
  }

  /**
   * Time has passed since the listing (the upserts ran): deletes only what is
   * still exactly as listed, so that a pipeline edited or moved meanwhile is
   * not deleted with someone's change in it.
   */
  async function stillAsListed(list: readonly DeleteWork[]): Promise<DeleteWork[]> {
    const current = new Map((await listRemote(client, calls, signal)).map((r) => [r.spec.name, r]));
    const keep: DeleteWork[] = [];
    for (const d of list) {
      const listed = byName.get(d.name);
      const now = current.get(d.name);
      if (now === undefined) {
        outcome.alreadyGone.push(d.name);
        step("delete", true, d.name);
      } else if (listed !== undefined && now.id === d.id && pipelineDigestLine(now) === pipelineDigestLine(listed)) {
        keep.push(d);
      } else {
        outcome.failures.push({
          action: "delete",
          name: d.name,
          code: "changed",
          message: "the pipeline changed since the listing (another writer); it was not deleted. Make a new plan",
        });
        step("delete", false, d.name);
      }
    }
    return keep;
  }

  /** One BulkDeletePipelines where the server has it, else one DeletePipeline each. */
  async function runDeletes(list: readonly DeleteWork[]): Promise<void> {
    if (list.length === 0 || stopped()) return;
    const writeOf = (d: DeleteWork): WriteRecord => {
      const expected = byName.get(d.name);
      return expected === undefined ? { name: d.name, kind: "delete", id: d.id } : { name: d.name, kind: "delete", id: d.id, expected };
    };
    outcome.deleteStrategy ??= "bulk";
    let each = false;
    if (outcome.deleteStrategy === "bulk") {
      calls.count("BulkDeletePipelines");
      try {
        await client.pipelines.bulkDeletePipelines({ ids: list.map((d) => d.id) }, callOptions);
        for (const d of list) {
          record(outcome.changes, "delete", d.name);
          outcome.writes.push(writeOf(d));
        }
        step("delete", true, undefined, list.length);
        return;
      } catch (err) {
        const code = connectCode(err);
        // Unimplemented: an older server. NotFound: one of them vanished since
        // the listing, and the bulk call is all-or-nothing. Both: one by one.
        if (!isAbort(err, signal) && (code === Code.Unimplemented || code === Code.NotFound)) {
          each = true;
        } else {
          for (const d of list) {
            outcome.failures.push(failureFrom(err, "delete", d.name));
            if (unknownOutcome(err)) outcome.pendingWrites.push(writeOf(d));
          }
          step("delete", false, undefined, list.length);
          return;
        }
      }
    }
    if (!each && outcome.deleteStrategy !== "each") return;
    outcome.deleteStrategy = "each";
    await runPool(
      list,
      concurrency,
      async (d) => {
        calls.count("DeletePipeline");
        try {
          await client.pipelines.deletePipeline({ id: d.id }, callOptions);
          record(outcome.changes, "delete", d.name);
          outcome.writes.push(writeOf(d));
          step("delete", true, d.name);
        } catch (err) {
          if (connectCode(err) === Code.NotFound) {
            // Gone before our delete reached it: not this run's write.
            outcome.alreadyGone.push(d.name);
            step("delete", true, d.name);
          } else {
            outcome.failures.push(failureFrom(err, "delete", d.name));
            if (unknownOutcome(err)) outcome.pendingWrites.push(writeOf(d));
            step("delete", false, d.name);
          }
        }
      },
      stopped,
    );
  }
}
