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
      for (const r of res.pipelineRevisions) out.push(remoteRevisionFromMessage(r));
    } catch (err) {
      if (connectCode(err) !== Code.NotFound) throw err;
    }
  }
  return out;
}

/** The other writers' states that `writes` (each one call of the fallback) replaced or deleted. */
export function findOverwrites(writes: readonly WriteRecord[], revisions: readonly RemoteRevision[], scope: SourceScope): OverwrittenPipeline[] {
  const history = chronological(revisions);
  const byId = new Map<string, RemoteRevision[]>();
  for (const r of history) {
    const list = byId.get(r.pipeline.id);
    if (list === undefined) byId.set(r.pipeline.id, [r]);
    else list.push(r);
  }
  const found: OverwrittenPipeline[] = [];

  for (const w of writes) {
    const revs = w.id === undefined ? [] : (byId.get(w.id) ?? []);
    if (w.kind === "delete") {
      const gone = lastIndex(revs, (r) => r.operation === "delete");
      if (gone < 0) continue;
      const rev = revs[gone]!;
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

/** What one SyncPipelines did, read from the history. */
export interface SyncAttribution {
  /** Names the sync wrote, by what the revision says (`delete` includes pipelines the plan did not know). */
  written: Map<string, "insert" | "update" | "delete">;
  overwritten: OverwrittenPipeline[];
}

/**
 * A sync is one atomic write: its revisions form one run in the history,
 * each an upsert of a desired pipeline as desired or a delete of a pipeline
 * of the scope that is not desired. The latest such run after the history
 * read before the listing (`known.before`) is the sync's. Each of its revisions is compared with the state the listing
 * showed (`listed`): a pipeline re-created, taken back from another source,
 * edited meanwhile, or deleted without having been listed was another
 * writer's work.
 */
export function attributeSync(
  revisions: readonly RemoteRevision[],
  desired: readonly NormalizedPipelineSpec[],
  listed: readonly RemotePipeline[],
  scope: SourceScope,
  known: { before: ReadonlySet<string>; since?: string | undefined },
  planned: ReadonlySet<string>,
): SyncAttribution {
  const history = chronological(revisions);
  const wanted = new Map(desired.map((d) => [d.name, d]));
  const listedByName = new Map(listed.map((r) => [r.spec.name, r]));
  const consistent = (r: RemoteRevision): boolean => {
    const target = wanted.get(r.pipeline.spec.name);
    if (r.operation === "delete") return target === undefined && sourceMatchesScope(r.pipeline.source, scope);
    // The state the listing showed was written before the listing, not by the sync.
    const seen = listedByName.get(r.pipeline.spec.name);
    if (seen !== undefined && sameState(r.pipeline, seen)) return false;
    return target !== undefined && atTarget(r.pipeline, target, scope);
  };
  // Revisions read before the listing, or dated before it, are not the sync's.
  const recent = (r: RemoteRevision): boolean =>
    !known.before.has(r.revisionId) && (known.since === undefined || r.createdAt === undefined || r.createdAt >= known.since);
  // The runs of consistent revisions since the listing; the sync's is the one
  // that holds the most of the writes it was sent to make (another writer's
  // edit reverted to the desired state is a run too, of none of them).
  let block: RemoteRevision[] = [];
  let best = 0;
  let run: RemoteRevision[] = [];
  const score = (revs: readonly RemoteRevision[]): number => revs.filter((r) => planned.has(r.pipeline.spec.name)).length;
  for (const r of [...history.filter(recent), undefined]) {
    if (r !== undefined && consistent(r)) {
      run.push(r);
      continue;
    }
    const points = score(run);
    if (run.length > 0 && (points > best || (points === best && block.length === 0))) {
      block = run;
      best = points;
    }
    run = [];
  }

  const written = new Map<string, "insert" | "update" | "delete">();
  const overwritten: OverwrittenPipeline[] = [];
  for (const r of block) {
    const index = history.indexOf(r);
    const name = r.pipeline.spec.name;
    const seen = listedByName.get(name);
    written.set(name, r.operation === "delete" ? "delete" : r.operation === "insert" ? "insert" : "update");
    const before = lastBefore(history, index, (x) => x.pipeline.id === r.pipeline.id);
    if (r.operation === "delete") {
      if (seen === undefined || sameState(r.pipeline, seen) === false) overwritten.push(lost(name, "sync-delete", r.pipeline, r.revisionId));
      continue;
    }
    const replaced = before !== undefined && before.operation !== "delete" ? before : undefined;
    if (seen === undefined) {
      // Planned as a create: the name must have been free.
      if (replaced !== undefined) overwritten.push(lost(name, "create", replaced.pipeline, replaced.revisionId));
      else if (r.operation === "update") overwritten.push({ name, id: r.pipeline.id, action: "create" });
    } else if (r.pipeline.id !== seen.id || r.operation === "insert") {
      // The pipeline listed was deleted meanwhile, and the sync made it again.
      const deletion = lastBefore(history, index, (x) => x.pipeline.id === seen.id && x.operation === "delete");
      overwritten.push(lost(name, "update", deletion?.pipeline ?? seen, deletion?.revisionId));
    } else if (replaced !== undefined && !sameState(replaced.pipeline, seen)) {
      overwritten.push(lost(name, "update", replaced.pipeline, replaced.revisionId));
    }
  }
  // A sync repeated after a lost answer writes again: a pipeline the listing
  // showed that comes back under a new id outside the main run was deleted
  // by someone between the two attempts and made again by the repeat. No
  // other writer makes a pipeline again exactly as desired, so this is ours.
  const inBlock = new Set(block);
  for (const r of history) {
    if (inBlock.has(r) || !recent(r) || r.operation !== "insert" || !consistent(r)) continue;
    const name = r.pipeline.spec.name;
    const seen = listedByName.get(name);
    if (seen === undefined || r.pipeline.id === seen.id) continue;
    const index = history.indexOf(r);
    const deletion = lastBefore(history, index, (x) => x.pipeline.id === seen.id && x.operation === "delete");
    written.set(name, "insert");
    if (!overwritten.some((o) => o.name === name)) overwritten.push(lost(name, "update", deletion?.pipeline ?? seen, deletion?.revisionId));
  }
  overwritten.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { written, overwritten };
}

/** Same stored state: the same id, content and `updatedAt`. */
function sameState(a: RemotePipeline, b: RemotePipeline): boolean {
  return pipelineDigestLine(a) === pipelineDigestLine(b);
}

function lastBefore(items: readonly RemoteRevision[], index: number, test: (r: RemoteRevision) => boolean): RemoteRevision | undefined {
  for (let i = index - 1; i >= 0; i--) if (test(items[i]!)) return items[i];
  return undefined;
}
