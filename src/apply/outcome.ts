// What an executor hands back: the writes that took effect (with what each
// meant to replace, for the history check), the failures, and the writes it
// held back.
import type { ApplyChanges, ApplyFailure, SkippedWrite } from "./types.js";
import type { WriteRecord } from "./overwrites.js";
import type { UpsertKind } from "./remote.js";

export const DEFAULT_CONCURRENCY = 4;

export interface Outcome {
  changes: ApplyChanges;
  failures: ApplyFailure[];
  /** Writes that took effect. */
  writes: WriteRecord[];
  /** Writes that failed without an answer: the read-back decides whether they took effect. */
  pendingWrites: WriteRecord[];
  skipped: SkippedWrite[];
  /** Deletes made before the creates to make room under the limit. */
  deletedFirst: string[];
  /** Planned deletes found already gone: not this run's writes. */
  alreadyGone: string[];
  deleteStrategy?: "bulk" | "each";
}

export function emptyOutcome(): Outcome {
  return { changes: emptyChanges(), failures: [], writes: [], pendingWrites: [], skipped: [], deletedFirst: [], alreadyGone: [] };
}

export function emptyChanges(): ApplyChanges {
  return { created: [], updated: [], deleted: [], takenOver: [] };
}

export function record(changes: ApplyChanges, kind: UpsertKind | "delete", name: string): void {
  if (kind === "create") changes.created.push(name);
  else if (kind === "update") changes.updated.push(name);
  else if (kind === "takeover") changes.takenOver.push(name);
  else changes.deleted.push(name);
}
