// The plan: what a sync would change, and whether it is safe. Pure: no I/O.
export type {
  ActionKind,
  DiffField,
  FieldDiff,
  Finding,
  FindingCode,
  LimitSource,
  PlanAction,
  PlanCounts,
  Severity,
  SyncPlan,
  SyncPolicy,
} from "./types.js";
export {
  DEFAULT_PIPELINE_LIMIT,
  LIMIT_NEAR_TENTHS,
  MASS_DELETE_MIN,
  planSync,
} from "./plan-sync.js";
export type { PlanSyncInput } from "./plan-sync.js";
export { fingerprintRemote, pipelineDigestLine } from "./fingerprint.js";
export { assessStaleness, checkStale } from "./stale.js";
export type { StaleAssessment, StaleCheckOptions } from "./stale.js";
export { SafetyCheckError, assertApplicable } from "./errors.js";
export { InvalidPlanError, PLAN_VERSION, parsePlan } from "./parse.js";
export { FINDING_CODES } from "./findings.js";
export { nameListArgument, parseNameList } from "./flag-value.js";
export type { CollectorInventoryEntry } from "./dependencies.js";
export { checkDependencies, DEPENDENCY_CODES } from "./check-dependencies.js";
export type { CheckDependenciesInput } from "./check-dependencies.js";
