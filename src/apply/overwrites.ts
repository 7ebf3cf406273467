// Every write checked after the fact. The API has no conditional writes: in
// the moment between our last read and a write, another writer can create
// the name we create, edit the pipeline we update, or move the one we delete.
// The revision history records the state each write replaced, so after the
// writes we read it and compare that state with the one we meant to replace.
// A difference means another writer's work was lost: the apply fails and
// carries that state so that it can be restored.
import { Code } from "@connectrpc/connect";
import {
  diffRemote,
  remoteRevisionFromMessage,
  sourceMatchesScope,
  type NormalizedPipelineSpec,
  type RemotePipeline,
  type RemoteRevision,
  type SourceScope,
} from "../pipelines/index.js";
import type { ActionKind } from "../plan/index.js";
import { pipelineDigestLine } from "../plan/index.js";
import { connectCode, type CallLog } from "./calls.js";
import type { PipelinesClient } from "./remote.js";
import type { OverwrittenPipeline } from "./types.js";

/** One write that took effect, with the state it was meant to replace. */
export interface WriteRecord {
  name: string;
  kind: Exclude<ActionKind, "noop">;
  /** The state the write was meant to replace (absent for a create). */
  expected?: RemotePipeline;
  /** What an upsert wrote. */
  target?: NormalizedPipelineSpec;
  /** The id the written pipeline has now (from the write's answer or the read-back); for a delete, the id deleted. */
  id?: string;
}

export type HistoryMode = "stack" | "pipeline";

/** Reads the revisions the check needs: the whole stack's, or those of each id. */
export async function readHistory(
  client: PipelinesClient,
  calls: CallLog,
  mode: HistoryMode,
  ids: readonly string[],
  signal?: AbortSignal,
): Promise<RemoteRevision[]> {
  const callOptions = signal ? { signal } : {};
  if (mode === "stack") {
    calls.count("ListPipelinesRevisions");
    const res = await client.pipelines.listPipelinesRevisions({}, callOptions);
    return res.pipelineRevisions.map(remoteRevisionFromMessage);
  }
  const out: RemoteRevision[] = [];
  for (const id of new Set(ids)) {
    calls.count("ListPipelineRevisions");
    try {
      const res = await client.pipelines.listPipelineRevisions({ id }, callOptions);
      out.push(...res.pipelineRevisions.map(remoteRevisionFromMessage));
    } catch (err) {
      if (connectCode(err) !== Code.NotFound) throw err;
    }
  }
  return out;
}

/**
 * The other writers' states that `writes` replaced or deleted. `plannedDeletes`
 * and `syncedScope` (for a sync) let it also find pipelines a sync deleted
 * that were not in the plan: they appeared in the scope after the last read.
 */
export function findOverwrites(
  writes: readonly WriteRecord[],
  revisions: readonly RemoteRevision[],
  scope: SourceScope,
  sync?: { plannedDeletes: ReadonlySet<string>; desired: ReadonlySet<string> },
): OverwrittenPipeline[] {
  const history = chronological(revisions);
  const byId = new Map<string, RemoteRevision[]>();
  for (const r of history) {
    const list = byId.get(r.pipeline.id);
    if (list === undefined) byId.set(r.pipeline.id, [r]);
    else list.push(r);
  }
  const found: OverwrittenPipeline[] = [];
  const ours: RemoteRevision[] = [];

  for (const w of writes) {
    const revs = w.id === undefined ? [] : (byId.get(w.id) ?? []);
    if (w.kind === "delete") {
      const gone = lastIndex(revs, (r) => r.operation === "delete");
      if (gone < 0) continue;
      const rev = revs[gone]!;
      ours.push(rev);
      if (w.expected !== undefined && pipelineDigestLine(rev.pipeline) !== pipelineDigestLine(w.expected)) {
        found.push(lost(w.name, "delete", rev.pipeline, rev.revisionId));
      }
      continue;
    }
    const target = w.target;
    if (target === undefined) continue;
    const mine = lastIndex(revs, (r) => r.operation !== "delete" && atTarget(r.pipeline, target, scope));
    if (mine < 0) continue; // Not in the history (or already replaced by a later write): verification speaks for it.
    // Where the same state was written more than once in a row, ours is the first of them.
    let first = mine;
    while (first > 0 && revs[first - 1]!.operation !== "delete" && atTarget(revs[first - 1]!.pipeline, target, scope)) first--;
    ours.push(revs[first]!);
    const before = first > 0 ? revs[first - 1] : undefined;
    const replaced = before !== undefined && before.operation !== "delete" ? before.pipeline : undefined;
    if (w.expected === undefined) {
      // A create: the name must have been free. An update revision says it
      // was not, even when the history holds no earlier state of it.
      if (replaced !== undefined) found.push(lost(w.name, w.kind, replaced, before!.revisionId));
      else if (revs[first]!.operation === "update") found.push({ name: w.name, id: w.id!, action: w.kind });
    } else if (w.id !== w.expected.id) {
      // The pipeline we meant to update was deleted meanwhile, and the write
      // created it again: the other writer's delete is what was undone.
      const deletion = (byId.get(w.expected.id) ?? []).find((r) => r.operation === "delete");
      found.push(lost(w.name, w.kind, deletion?.pipeline ?? w.expected, deletion?.revisionId));
    } else if (replaced !== undefined && pipelineDigestLine(replaced) !== pipelineDigestLine(w.expected)) {
      found.push(lost(w.name, w.kind, replaced, before!.revisionId));
    }
  }

  if (sync !== undefined && ours.length > 0) {
    // A sync is one atomic write: its deletes sit among its other revisions.
    const times = ours.map((r) => r.createdAt).filter((t): t is string => t !== undefined).sort();
    const from = times[0];
    const to = times[times.length - 1];
    if (from !== undefined && to !== undefined) {
      for (const r of history) {
        if (r.operation !== "delete" || r.createdAt === undefined || r.createdAt < from || r.createdAt > to) continue;
        const name = r.pipeline.spec.name;
        if (sync.plannedDeletes.has(name) || sync.desired.has(name)) continue;
        if (!sourceMatchesScope(r.pipeline.source, scope)) continue;
        found.push(lost(name, "sync-delete", r.pipeline, r.revisionId));
      }
    }
  }
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function atTarget(p: RemotePipeline, target: NormalizedPipelineSpec, scope: SourceScope): boolean {
  return sourceMatchesScope(p.source, scope) && diffRemote(p, target).length === 0;
}

function lost(name: string, action: OverwrittenPipeline["action"], previous: RemotePipeline, revisionId?: string): OverwrittenPipeline {
  const entry: OverwrittenPipeline = { name, id: previous.id, action, previous };
  if (revisionId !== undefined) entry.revisionId = revisionId;
  return entry;
}

/** Oldest first: by `createdAt`, then by numeric revision id; the server's order breaks the remaining ties. */
function chronological(revisions: readonly RemoteRevision[]): RemoteRevision[] {
  return revisions
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const ta = a.r.createdAt ?? "";
      const tb = b.r.createdAt ?? "";
      if (ta !== tb) return ta < tb ? -1 : 1;
      const na = Number(a.r.revisionId);
      const nb = Number(b.r.revisionId);
      if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
      return a.i - b.i;
    })
    .map((x) => x.r);
}

function lastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}
