// The shape of a plan. It is plain data on purpose: a plan made in one CI job
// is serialised to JSON, reviewed, and applied in another.
import type {
  DiffField,
  FieldDiff,
  NormalizedPipelineSpec,
  RemotePipeline,
  SourceScope,
} from "../pipelines/index.js";

// The field diff belongs to the model; re-exported here for plan consumers.
export type { DiffField, FieldDiff };

/**
 * What a plan does with one name: create it, update it, delete it, leave it (`noop`), or take it over from another source.
 */
export type ActionKind = "create" | "update" | "delete" | "noop" | "takeover";

/** The plan's decision for one pipeline name. */
export interface PlanAction {
  /** What happens to the pipeline. */
  kind: ActionKind;
  /** The pipeline's name. */
  name: string;
  /** The desired spec: present for create, update, noop and takeover. */
  desired?: NormalizedPipelineSpec;
  /** The remote pipeline: present for update, delete, noop and takeover. */
  remote?: RemotePipeline;
  /** What changes: present for update and takeover (empty when only the source moves). */
  diff?: FieldDiff[];
  /** For a takeover: whether the policy allows it. */
  allowed?: boolean;
}

/** How serious a finding is. Whether it stops the apply is `Finding.blocking`. */
export type Severity = "error" | "warning" | "info";

/** The stable code of a safety-check finding; `FINDING_CODES` lists them in table order. */
export type FindingCode =
  | "DUPLICATE_NAME"
  | "INVALID_PIPELINE"
  | "INVALID_SCOPE"
  | "NAME_COLLISION"
  | "EMPTY_DESIRED"
  | "MASS_DELETE"
  | "LIMIT_EXCEEDED"
  | "LIMIT_NEAR"
  | "CONFUSABLE_NAME"
  | "STALE_PLAN"
  | "DEPENDENCY_MISSING"
  | "DEPENDENCY_BROKEN"
  | "DEPENDENCY_REACH"
  | "ATTRIBUTE_MISSING";

/** One result of a safety check: what is wrong, where, and how to fix or allow it. */
export interface Finding {
  /** Which check found it. */
  code: FindingCode;
  /** How serious it is. */
  severity: Severity;
  /** True when this finding stops the plan from being applied. */
  blocking: boolean;
  /** What is wrong, naming the pipelines and files involved. */
  message: string;
  /** What to do about it. */
  hint: string;
  /** Pipeline names involved, sorted. */
  names: string[];
  /** Files involved, sorted. */
  files: string[];
  /** 1-based line in the first file, when known. */
  line?: number;
  /** 1-based column on `line`, when known (for Alloy: in UTF-8 bytes, as Alloy counts). */
  column?: number;
}

/** What the safety checks let through. Every field is off by default. */
export interface SyncPolicy {
  /** Names whose takeover from another source is allowed, or `"*"` for all. Default none. */
  allowTakeover?: string[] | "*" | undefined;
  /** Allow an empty desired set to delete everything in the scope. Default false. */
  allowEmpty?: boolean | undefined;
  /** Raise the mass-delete guard: up to this many deletes pass. */
  maxDeletes?: number | undefined;
  /**
   * Pipelines the plan may delete or change although pipelines outside the
   * desired set read their exports (DEPENDENCY_BROKEN), or `"*"` for all. Default none.
   */
  allowDependencyBreak?: string[] | "*" | undefined;
}

/** Where a plan's pipeline limit came from. */
export type LimitSource = "stack" | "configured" | "default";

/** How many actions of each kind a plan holds. */
export interface PlanCounts {
  /** New pipelines. */
  create: number;
  /** Pipelines of the scope that change. */
  update: number;
  /** Pipelines of the scope that go. */
  delete: number;
  /** Pipelines already as desired. */
  noop: number;
  /** Pipelines of another source that the plan would move into the scope. */
  takeover: number;
}

/** The result of `planSync`: plain JSON data, saved with `renderPlanJson` and read back with `parsePlan`. */
export interface SyncPlan {
  /** Version of this JSON shape. */
  version: 1;
  /** The source this plan manages. */
  scope: SourceScope;
  /** One action per name, sorted by name. Untouched remote pipelines are not listed. */
  actions: PlanAction[];
  /** The number of actions of each kind. */
  counts: PlanCounts;
  /** Pipelines on the service when the plan was made (all sources). */
  remoteCount: number;
  /** Pipelines on the service after applying the plan. */
  projectedCount: number;
  /** The pipeline limit the plan was checked against; `null` when the stack has none. */
  limit: number | null;
  /**
   * Where the limit came from: `stack` (GetLimits answered; `limit` null when
   * it named no pipeline limit), `configured` (set by the caller), or
   * `default` (GetLimits was unavailable, so the documented 200 was assumed).
   * Absent in plans made before this field existed.
   */
  limitSource?: LimitSource;
  /** The safety checks' findings, blocking first. */
  findings: Finding[];
  /** True when any finding blocks. */
  blocked: boolean;
  /** Fingerprint of the remote snapshot the plan was computed on (stale check). */
  remoteFingerprint: string;
  /**
   * The service's time of the snapshot (RFC 3339): the latest of the listing's
   * own time and every `updatedAt` in it. Revisions from this time on are
   * what happened since the plan. Absent when nothing told the time.
   */
  snapshotAt?: string;
  /** The policy the checks ran with, normalised. */
  policy: SyncPolicy;
  /** The complete desired set in scope, normalised and sorted by name. */
  desired: NormalizedPipelineSpec[];
}
