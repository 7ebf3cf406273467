// Reading a plan back from JSON (made in another CI job). Everything is
// checked: an apply must not act on a plan it does not understand.
import { FleetError } from "../errors/index.js";
import { isConfigTypeName, isSourceTypeName } from "../pipelines/index.js";
import type { FindingCode, SyncPlan } from "./types.js";
import { FINDING_CODES } from "./findings.js";

/** The version of the JSON plan this library writes and reads. */
export const PLAN_VERSION = 1;

/** Thrown by `parsePlan`; code `INVALID_PLAN`. */
export class InvalidPlanError extends FleetError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("INVALID_PLAN", message, options);
    this.name = "InvalidPlanError";
  }
}

const ACTION_KINDS = ["create", "update", "delete", "noop", "takeover"];
const DIFF_FIELDS = ["contents", "matchers", "enabled", "configType", "metadata"];
const SEVERITIES = ["error", "warning", "info"];
const LIMIT_SOURCES = ["stack", "configured", "default"];

/**
 * Parses and checks a plan made by `planSync` (a JSON string or the parsed
 * value). Throws InvalidPlanError (code `INVALID_PLAN`) naming the first bad
 * field, e.g. `actions[3].kind`.
 */
export function parsePlan(json: string | unknown): SyncPlan {
  let value: unknown = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json);
    } catch (cause) {
      throw new InvalidPlanError(`the plan is not valid JSON: ${(cause as Error).message}`, { cause });
    }
  }
  const plan = obj(value, "plan");
  if (plan.version !== PLAN_VERSION) {
    throw new InvalidPlanError(
      `unsupported plan version ${JSON.stringify(plan.version ?? null)}: this version of fleet-pipelines reads version ${PLAN_VERSION}`,
    );
  }
  const scope = obj(plan.scope, "scope");
  check(isSourceTypeName(scope.type), "scope.type", "git, terraform or grafana");
  str(scope.namespace, "scope.namespace");
  arr(plan.actions, "actions").forEach((a, i) => checkAction(a, `actions[${i}]`));
  const counts = obj(plan.counts, "counts");
  for (const k of ACTION_KINDS) count(counts[k], `counts.${k}`);
  count(plan.remoteCount, "remoteCount");
  check(Number.isInteger(plan.projectedCount), "projectedCount", "an integer");
  if (plan.limit !== null) count(plan.limit, "limit");
  if (plan.limitSource !== undefined) {
    check(LIMIT_SOURCES.includes(plan.limitSource as string), "limitSource", LIMIT_SOURCES.join(", "));
  }
  const findings = arr(plan.findings, "findings");
  findings.forEach((f, i) => checkFinding(f, `findings[${i}]`));
  check(typeof plan.blocked === "boolean", "blocked", "true or false");
  const anyBlocking = findings.some((f) => (f as { blocking: boolean }).blocking);
  if (plan.blocked !== anyBlocking) {
    throw new InvalidPlanError(
      `invalid plan: blocked is ${String(plan.blocked)} but ${anyBlocking ? "a finding blocks" : "no finding blocks"}`,
    );
  }
  check(typeof plan.remoteFingerprint === "string" && /^sha256:[0-9a-f]{64}$/.test(plan.remoteFingerprint), "remoteFingerprint", "sha256:<64 hex digits>");
  if (plan.snapshotAt !== undefined) {
    check(typeof plan.snapshotAt === "string" && !Number.isNaN(Date.parse(plan.snapshotAt)), "snapshotAt", "an RFC 3339 time");
  }
  const policy = obj(plan.policy, "policy");
  if (policy.allowTakeover !== undefined && policy.allowTakeover !== "*") {
    arr(policy.allowTakeover, "policy.allowTakeover").forEach((n, i) => str(n, `policy.allowTakeover[${i}]`));
  }
  if (policy.allowEmpty !== undefined) check(typeof policy.allowEmpty === "boolean", "policy.allowEmpty", "true or false");
  if (policy.maxDeletes !== undefined) count(policy.maxDeletes, "policy.maxDeletes");
  if (policy.allowDependencyBreak !== undefined && policy.allowDependencyBreak !== "*") {
    arr(policy.allowDependencyBreak, "policy.allowDependencyBreak").forEach((n, i) => str(n, `policy.allowDependencyBreak[${i}]`));
  }
  arr(plan.desired, "desired").forEach((d, i) => checkSpec(d, `desired[${i}]`));
  return plan as unknown as SyncPlan;
}

function checkAction(value: unknown, at: string): void {
  const a = obj(value, at);
  check(typeof a.kind === "string" && ACTION_KINDS.includes(a.kind), `${at}.kind`, ACTION_KINDS.join(", "));
  str(a.name, `${at}.name`);
  const needsDesired = a.kind !== "delete";
  const needsRemote = a.kind !== "create";
  if (needsDesired || a.desired !== undefined) checkSpec(a.desired, `${at}.desired`);
  if (needsRemote || a.remote !== undefined) checkRemote(a.remote, `${at}.remote`);
  if (a.kind === "update" || a.kind === "takeover" || a.diff !== undefined) {
    arr(a.diff, `${at}.diff`).forEach((d, i) => {
      const diff = obj(d, `${at}.diff[${i}]`);
      check(typeof diff.field === "string" && DIFF_FIELDS.includes(diff.field), `${at}.diff[${i}].field`, DIFF_FIELDS.join(", "));
      check("before" in diff && "after" in diff, `${at}.diff[${i}]`, "an object with before and after");
    });
  }
  if (a.kind === "takeover" || a.allowed !== undefined) check(typeof a.allowed === "boolean", `${at}.allowed`, "true or false");
}

function checkSpec(value: unknown, at: string): void {
  const s = obj(value, at);
  str(s.name, `${at}.name`);
  str(s.contents, `${at}.contents`);
  arr(s.matchers, `${at}.matchers`).forEach((m, i) => str(m, `${at}.matchers[${i}]`));
  check(typeof s.enabled === "boolean", `${at}.enabled`, "true or false");
  check(isConfigTypeName(s.configType), `${at}.configType`, "alloy or otel");
  if (s.metadata !== undefined) obj(s.metadata, `${at}.metadata`);
  if (s.file !== undefined) str(s.file, `${at}.file`);
  if (s.contentsFile !== undefined) str(s.contentsFile, `${at}.contentsFile`);
  if (s.contentsLine !== undefined) count(s.contentsLine, `${at}.contentsLine`);
}

function checkRemote(value: unknown, at: string): void {
  const r = obj(value, at);
  str(r.id, `${at}.id`);
  if (r.source !== undefined) {
    const s = obj(r.source, `${at}.source`);
    check(s.type === "unspecified" || isSourceTypeName(s.type), `${at}.source.type`, "git, terraform, grafana or unspecified");
    str(s.namespace, `${at}.source.namespace`);
  }
  checkSpec(r.spec, `${at}.spec`);
  if (r.enabledUnset !== undefined) check(r.enabledUnset === true, `${at}.enabledUnset`, "true when present");
  if (r.configTypeUnset !== undefined) check(r.configTypeUnset === true, `${at}.configTypeUnset`, "true when present");
  if (r.updatedAt !== undefined) str(r.updatedAt, `${at}.updatedAt`);
}

function checkFinding(value: unknown, at: string): void {
  const f = obj(value, at);
  check(typeof f.code === "string" && FINDING_CODES.includes(f.code as FindingCode), `${at}.code`, "a known finding code");
  check(typeof f.severity === "string" && SEVERITIES.includes(f.severity), `${at}.severity`, SEVERITIES.join(", "));
  check(typeof f.blocking === "boolean", `${at}.blocking`, "true or false");
  str(f.message, `${at}.message`);
  str(f.hint, `${at}.hint`);
  arr(f.names, `${at}.names`).forEach((n, i) => str(n, `${at}.names[${i}]`));
  arr(f.files, `${at}.files`).forEach((n, i) => str(n, `${at}.files[${i}]`));
  if (f.line !== undefined) count(f.line, `${at}.line`);
  if (f.column !== undefined) count(f.column, `${at}.column`);
}

function obj(value: unknown, at: string): Record<string, unknown> {
  check(typeof value === "object" && value !== null && !Array.isArray(value), at, "an object");
  return value as Record<string, unknown>;
}

function arr(value: unknown, at: string): unknown[] {
  check(Array.isArray(value), at, "a list");
  return value as unknown[];
}

function str(value: unknown, at: string): void {
  check(typeof value === "string", at, "a string");
}

function count(value: unknown, at: string): void {
  check(Number.isInteger(value) && (value as number) >= 0, at, "a whole number ≥ 0");
}

function check(ok: boolean, at: string, expected: string): void {
  if (!ok) throw new InvalidPlanError(`invalid plan: ${at} must be ${expected}`);
}
