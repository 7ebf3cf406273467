// The plain-data shapes of an apply: what was asked, what happened. An
// ApplyResult is JSON-safe so that a CI job can print it, store it or diff it.
import type { RemotePipeline, SourceScope } from "../pipelines/index.js";
import type { ActionKind, FieldDiff } from "../plan/index.js";

/** `sync`: one atomic SyncPipelines. `fallback`: delete then upsert what changed. */
export type ApplyMode = "sync" | "fallback";

/** One step of an apply, reported as it completes. */
export interface ApplyProgress {
  /** Writes completed so far (successful or failed). */
  done: number;
  /** Writes this apply will make. */
  total: number;
  /** What the step was. */
  action: ActionKind | "sync";
  /** The pipeline, for per-pipeline steps. */
  name?: string;
  /** False when the step failed. */
  ok: boolean;
}

/** RPCs made by one apply, by method name (e.g. `UpsertPipeline`). Retries inside the client count once. */
export interface CallCounts {
  /** Every call made, retries not counted. */
  total: number;
  /** Calls per RPC name (`SyncPipelines`, `ListPipelines`, …). */
  byMethod: Record<string, number>;
}

/** One write that did not happen. Never carries credentials. */
export interface ApplyFailure {
  /** `sync` for the one atomic call, `delete`/`create`/`update`/`takeover` for per-pipeline writes. */
  action: ActionKind | "sync";
  /** Absent when the failure concerns the whole call (sync, bulk delete). */
  name?: string;
  /** Connect code in snake_case (`invalid_argument`, `unavailable`, ...), or `aborted`. */
  code: string;
  /** What the service or the client said, without credentials. */
  message: string;
  /**
   * The write may have taken effect although no answer said so (the answer
   * was lost, or said nothing). The read-back settles it where it can: such a
   * write found done is listed in `changes` instead.
   */
  outcomeUnknown?: true;
}

/**
 * A pipeline another writer made or changed that one of this apply's writes
 * replaced or deleted, found in the revision history after the fact. The API
 * has no conditional writes, so this can happen in the moment between the
 * last read and the write; it is never silent: the apply fails and carries
 * the previous state, ready to be written back.
 */
export interface OverwrittenPipeline {
  /** The pipeline's name. */
  name: string;
  /** The service's id of the pipeline that was replaced or deleted. */
  id: string;
  /** What this apply did to it. */
  action: ActionKind | "sync-delete";
  /**
   * The other writer's state, as it was just before this apply's write.
   * Absent only when the history holds no state of it before the write.
   */
  previous?: RemotePipeline;
  /** The revision that recorded that state, when the history names it. */
  revisionId?: string;
}

/** A planned write this apply did not attempt, and why. */
export interface SkippedWrite {
  /** The pipeline's name. */
  name: string;
  /** The write that was not made. */
  action: ActionKind;
  /** Why it was held back. */
  reason: string;
}

/** The writes an apply made, by kind; each list holds pipeline names. */
export interface ApplyChanges {
  /** Pipelines created. */
  created: string[];
  /** Pipelines of the scope changed. */
  updated: string[];
  /** Pipelines of the scope deleted. */
  deleted: string[];
  /** Pipelines of another source overwritten and moved into the scope (allowed takeovers). */
  takenOver: string[];
}

/** A pipeline of the scope whose content differs from the desired one after the apply. */
export interface VerificationDifference {
  /** The pipeline that differs. */
  name: string;
  /** Its fields that differ from the desired spec. */
  diff: FieldDiff[];
}

/** The read-back check: does the scope hold exactly the desired set? */
export interface Verification {
  /** True when the scope holds exactly the desired set. */
  ok: boolean;
  /** Desired names not found in the scope after the apply. */
  missing: string[];
  /** Names found in the scope that the desired set does not have. */
  unexpected: string[];
  /** Names present in both whose content differs. */
  different: VerificationDifference[];
}

/**
 * What an apply did, as plain JSON data: every write that took effect, what failed or was left, and the verification.
 */
export interface ApplyResult {
  /** The strategy used. */
  mode: ApplyMode;
  /** The scope written to. */
  scope: SourceScope;
  /** True when every planned write succeeded (verification aside). */
  ok: boolean;
  /** The calls made, reads and verification included. */
  calls: CallCounts;
  /** Wall time of the apply, in milliseconds. */
  durationMs: number;
  /** What was changed by this run. */
  changes: ApplyChanges;
  /** Desired pipelines already as wanted before this run (the plan's noops). */
  unchanged: number;
  /**
   * Planned writes found already done when this run started: a rerun of a plan
   * that was partly applied before, or applied by someone else.
   */
  alreadyDone: string[];
  /** How the fallback deleted: one bulk call, one call each, or nothing to delete. */
  deleteStrategy?: "bulk" | "each";
  /** The writes that failed. */
  failures: ApplyFailure[];
  /**
   * Planned writes not attempted: the fallback leaves its deletes for last and
   * skips them when a create or update failed, so that no collector loses
   * configuration on a partial apply. Run again to finish.
   */
  skipped: SkippedWrite[];
  /**
   * Deletes the fallback made before its creates, because the pipeline limit
   * left no room for them otherwise (only as many as needed).
   */
  deletedFirst?: string[];
  /**
   * Other writers' pipelines that this apply's writes replaced or deleted, as
   * found in the revision history. Non-empty means the apply failed with
   * `OVERWRITE_DETECTED`.
   */
  overwritten: OverwrittenPipeline[];
  /** How the writes were checked against the revision history; absent when no write was made or the check is off. */
  historyCheck?: "stack" | "pipeline";
  /** Absent when verification was turned off. */
  verification?: Verification;
}

/** Options of `applyPlan` (and of `syncPipelines`). */
export interface ApplyOptions {
  /** Default `"sync"`. */
  mode?: ApplyMode | undefined;
  /** Stops starting new writes; the apply then throws `ApplyError` `APPLY_ABORTED` with what was done. */
  signal?: AbortSignal | undefined;
  /** Called once per write, as it completes. */
  onProgress?: ((event: ApplyProgress) => void) | undefined;
  /** Read back and check the scope after writing. Default true. */
  verify?: boolean | undefined;
  /** Apply even when the remote changed since the plan was made. Default false. */
  force?: boolean | undefined;
  /** Fallback only: parallel writes in flight (the client's rate limiter still paces them). Default 4. */
  concurrency?: number | undefined;
  /**
   * How the writes are checked after the fact against the revision history:
   * `stack` reads the whole history in one ListPipelinesRevisions; `pipeline`
   * reads each written pipeline's history (one call per write); `auto`
   * (default) takes `pipeline` for a fallback of one write and `stack`
   * otherwise (a sync's deletes are seen only in the stack's history); `off`
   * skips the check and with it the detection of overwrites.
   */
  historyCheck?: "auto" | "stack" | "pipeline" | "off" | undefined;
  /** Clock for `durationMs`, in milliseconds. Default `performance.now`. */
  now?: (() => number) | undefined;
}
