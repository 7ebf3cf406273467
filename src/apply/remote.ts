// Reading the service's pipelines as plain data, and working out what a
// desired set still needs given what is there now.
import type { FleetClient } from "../client/index.js";
import type { NormalizedPipelineSpec, RemotePipeline, SourceScope } from "../pipelines/index.js";
import { diffRemote, remoteFromPipeline, sourceMatchesScope } from "../pipelines/index.js";
import type { CallLog } from "./calls.js";

/** The part of a client the executors use (lets tests pass a narrower fake). */
export type PipelinesClient = Pick<FleetClient, "pipelines">;

export async function listRemote(
  client: PipelinesClient,
  calls: CallLog,
  signal?: AbortSignal,
): Promise<RemotePipeline[]> {
  return (await listSnapshot(client, calls, signal)).pipelines;
}

/** One listing, with the service's time of it (its `Date` header) when it sent one. */
export interface Snapshot {
  pipelines: RemotePipeline[];
  listedAt?: string;
}

/**
 * One listing. An empty answer is read once more before it is believed: a
 * gateway that answers 200 with an empty body would otherwise make every
 * pipeline look absent, and a plan on it would take over what it cannot see.
 */
export async function listSnapshot(client: PipelinesClient, calls: CallLog, signal?: AbortSignal): Promise<Snapshot> {
  const first = await listOnce(client, calls, signal);
  return first.pipelines.length > 0 ? first : listOnce(client, calls, signal);
}

async function listOnce(client: PipelinesClient, calls: CallLog, signal?: AbortSignal): Promise<Snapshot> {
  calls.count("ListPipelines");
  let date: string | null = null;
  const res = await client.pipelines.listPipelines({}, {
    ...(signal ? { signal } : {}),
    onHeader: (headers: Headers) => {
      date = headers.get("date");
    },
  });
  const pipelines = res.pipelines.map(remoteFromPipeline);
  const ms = date === null ? Number.NaN : Date.parse(date);
  return Number.isNaN(ms) ? { pipelines } : { pipelines, listedAt: new Date(ms).toISOString() };
}

export function inScope(remote: RemotePipeline, scope: SourceScope): boolean {
  return remote.source !== undefined && sourceMatchesScope(remote.source, scope);
}

/** True when `remote` already is `desired`, in the scope. */
export function atTarget(remote: RemotePipeline | undefined, desired: NormalizedPipelineSpec, scope: SourceScope): boolean {
  return remote !== undefined && inScope(remote, scope) && diffRemote(remote, desired).length === 0;
}

export type UpsertKind = "create" | "update" | "takeover";

export interface UpsertWork {
  kind: UpsertKind;
  spec: NormalizedPipelineSpec;
}

export interface DeleteWork {
  name: string;
  id: string;
}

/** What remains to be written to make the scope hold exactly `desired`. */
export interface RemainingWork {
  upserts: UpsertWork[];
  deletes: DeleteWork[];
  /** Desired names already at target. */
  satisfied: string[];
}

/**
 * Compares the desired set with the service as it is now. Deriving the work
 * from the current listing (not from the plan's snapshot) is what makes a
 * rerun after a partial failure converge instead of repeating done writes.
 */
export function remainingWork(
  desired: readonly NormalizedPipelineSpec[],
  scope: SourceScope,
  remoteNow: readonly RemotePipeline[],
): RemainingWork {
  const byName = new Map(remoteNow.map((r) => [r.spec.name, r]));
  const wanted = new Set(desired.map((d) => d.name));
  const upserts: UpsertWork[] = [];
  const satisfied: string[] = [];
  for (const spec of desired) {
    const now = byName.get(spec.name);
    if (atTarget(now, spec, scope)) {
      satisfied.push(spec.name);
      continue;
    }
    const kind: UpsertKind = now === undefined ? "create" : inScope(now, scope) ? "update" : "takeover";
    upserts.push({ kind, spec });
  }
  const deletes = remoteNow
    .filter((r) => inScope(r, scope) && !wanted.has(r.spec.name))
    .map((r) => ({ name: r.spec.name, id: r.id }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { upserts, deletes, satisfied };
}
