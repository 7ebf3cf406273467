// planSync: the pure heart of the product. It compares the desired set with
// the remote snapshot, decides one action per name (design section 4), runs
// the safety checks and returns plain data. No I/O, no clock, no randomness;
// the same inputs in any order give the same plan.
import type { Pipeline } from "../../gen/pipeline/v1/pipeline_pb.js";
import { ConfigurationError } from "../errors/index.js";
import {
  canonicalJson,
  compareStrings,
  diffRemote,
  formatSource,
  isSourceTypeName,
  normalizeSpec,
  pipelineLabel,
  sourceMatchesScope,
  toRemotePipeline,
  validateSpec,
  type NormalizedPipelineSpec,
  type PipelineSpec,
  type RemotePipeline,
  type SourceScope,
  type SpecIssue,
} from "../pipelines/index.js";
import { confusableFindings } from "./confusable.js";
import { compareFindings, listNames, makeFinding, plural, uniqueSorted } from "./findings.js";
import { nameListArgument } from "./flag-value.js";
import { fingerprintLines, pipelineDigestLine } from "./fingerprint.js";
import { dependencyFindings, type CollectorInventoryEntry } from "./dependencies.js";
import type { Finding, LimitSource, PlanAction, PlanCounts, SyncPlan, SyncPolicy } from "./types.js";

/** The pipeline limit when the stack does not say: the documented 200 per stack. */
export const DEFAULT_PIPELINE_LIMIT = 200;
/** LIMIT_NEAR fires at this share of the limit, in tenths (integer maths: 180 of 200 is near, 179 is not). */
export const LIMIT_NEAR_TENTHS = 9;
/** MASS_DELETE needs more than this many deletes (and more than half the scope). */
export const MASS_DELETE_MIN = 2;

/** What `planSync` plans from. */
export interface PlanSyncInput {
  /** The desired pipelines of the scope (usually from `loadPipelines`). */
  desired: readonly PipelineSpec[];
  /** Every pipeline on the service, all sources (from `ListPipelines`). */
  remote: readonly (Pipeline | RemotePipeline)[];
  /** The source this run manages: only its pipelines are ever deleted. */
  scope: SourceScope;
  /** The stack's pipeline limit; `null` for none. Default 200. */
  limit?: number | null | undefined;
  /**
   * The service's time of the listing (RFC 3339), e.g. its `Date` header: it
   * dates the snapshot for the stale check even when the stack is empty.
   */
  listedAt?: string | undefined;
  /** Where `limit` came from, shown with the plan. Default `configured` when `limit` is given, else `default`. */
  limitSource?: LimitSource | undefined;
  /** What the safety checks let through. Default: nothing dangerous. */
  policy?: SyncPolicy | undefined;
  /**
   * The enabled collectors with their effective attributes. When given, the
   * dependency checks decide reach and injected attributes on them.
   */
  collectors?: readonly CollectorInventoryEntry[] | undefined;
}

/**
 * Compares the desired pipelines of a scope with the service's and gives every name one action,
 * then runs the safety checks. Pure: no I/O, no clock, the same result for any input order.
 */
export function planSync(input: PlanSyncInput): SyncPlan {
  const limit = input.limit === undefined ? DEFAULT_PIPELINE_LIMIT : input.limit;
  const limitSource: LimitSource = input.limitSource ?? (input.limit === undefined ? "default" : "configured");
  if (limit !== null && (!Number.isInteger(limit) || limit < 0)) {
    throw new ConfigurationError(`the pipeline limit must be a whole number ≥ 0, got ${String(input.limit)}`);
  }
  const policy = normalizePolicy(input.policy ?? {});
  const scope: SourceScope = { type: input.scope.type, namespace: input.scope.namespace };
  const findings: Finding[] = [];

  findings.push(...checkScope(scope));

  // Remote: one entry per name (the service keeps names unique; if a listing
  // ever repeats a name, the lowest id wins so the result stays deterministic).
  const remoteByName = new Map<string, RemotePipeline>();
  const remoteLines: string[] = [];
  let snapshotAt = input.listedAt === undefined ? undefined : isoOrUndefined(input.listedAt);
  for (const p of input.remote) {
    const r = toRemotePipeline(p);
    remoteLines.push(pipelineDigestLine(r));
    if (r.updatedAt !== undefined && (snapshotAt === undefined || r.updatedAt > snapshotAt)) snapshotAt = r.updatedAt;
    const seen = remoteByName.get(r.spec.name);
    if (seen === undefined || compareIds(r.id, seen.id) < 0) remoteByName.set(r.spec.name, r);
  }

  // Desired: defaults applied, grouped by name.
  const groups = new Map<string, NormalizedPipelineSpec[]>();
  for (const spec of input.desired) {
    const n = normalizeSpec(spec);
    const group = groups.get(n.name);
    if (group === undefined) groups.set(n.name, [n]);
    else group.push(n);
  }
  const desiredByName = new Map<string, NormalizedPipelineSpec>();
  for (const [name, group] of groups) {
    if (group.length > 1) {
      group.sort(compareSpecs);
      findings.push(duplicateFinding(name, group));
    }
    desiredByName.set(name, group[0]!);
  }
  const issueKeys = new Set<string>();
  for (const spec of input.desired) {
    for (const issue of validateSpec(spec)) {
      const key = `${issue.field}\u0000${issue.message}`;
      if (issueKeys.has(key)) continue;
      issueKeys.add(key);
      findings.push(invalidFinding(issue));
    }
  }
  for (const finding of confusableFindings(desiredByName, remoteByName)) findings.push(finding);

  // One action per name, by name.
  const names = uniqueSorted([...desiredByName.keys(), ...remoteByName.keys()]);
  const actions: PlanAction[] = [];
  let inScope = 0;
  for (const r of remoteByName.values()) if (sourceMatchesScope(r.source, scope)) inScope++;
  for (const name of names) {
    const desired = desiredByName.get(name);
    const remote = remoteByName.get(name);
    const owned = remote !== undefined && sourceMatchesScope(remote.source, scope);
    if (desired !== undefined && remote === undefined) {
      actions.push({ kind: "create", name, desired });
    } else if (desired !== undefined && remote !== undefined && owned) {
      const diff = diffRemote(remote, desired);
      actions.push(
        diff.length === 0 ? { kind: "noop", name, desired, remote } : { kind: "update", name, desired, remote, diff },
      );
    } else if (desired !== undefined && remote !== undefined) {
      const allowed = takeoverAllowed(policy, name);
      actions.push({ kind: "takeover", name, desired, remote, diff: diffRemote(remote, desired), allowed });
      findings.push(collisionFinding(desired, remote, scope, allowed));
    } else if (remote !== undefined && owned) {
      actions.push({ kind: "delete", name, remote });
    }
    // Desired absent and remote from another source: untouched, not listed.
  }

  const counts: PlanCounts = { create: 0, update: 0, delete: 0, noop: 0, takeover: 0 };
  for (const a of actions) counts[a.kind]++;
  const deletes = actions.filter((a) => a.kind === "delete");
  const creates = actions.filter((a) => a.kind === "create");
  const remoteCount = remoteByName.size;
  // A takeover rewrites a pipeline that already exists: it never adds one.
  const projectedCount = remoteCount - counts.delete + counts.create;

  if (desiredByName.size === 0 && inScope > 0) {
    findings.push(emptyFinding(scope, deletes, policy));
  } else if (counts.delete > MASS_DELETE_MIN && counts.delete * 2 > inScope) {
    findings.push(massDeleteFinding(scope, deletes, inScope, policy));
  }
  // Only a plan that raises the count can be refused for it: one that keeps
  // or lowers the count of a stack already over its limit is the way out.
  if (limit !== null && projectedCount > limit) {
    findings.push(limitExceededFinding(limit, remoteCount, counts, projectedCount, creates, projectedCount > remoteCount));
  } else if (limit !== null && limit > 0 && projectedCount * 10 >= limit * LIMIT_NEAR_TENTHS) {
    findings.push(limitNearFinding(limit, projectedCount));
  }

  for (const f of dependencyFindings({ actions, desired: desiredByName, remote: remoteByName, policy, collectors: input.collectors })) findings.push(f);
  findings.sort(compareFindings);
  const plan: SyncPlan = {
    version: 1,
    scope,
    actions,
    counts,
    remoteCount,
    projectedCount,
    limit,
    limitSource,
    findings,
    blocked: findings.some((f) => f.blocking),
    remoteFingerprint: fingerprintLines(remoteLines),
    ...(snapshotAt === undefined ? {} : { snapshotAt }),
    policy,
    desired: [...desiredByName.keys()].sort(compareStrings).map((n) => desiredByName.get(n)!),
  };
  return plan;
}

/** The same instant as RFC 3339 in UTC with milliseconds (comparable as text), or undefined when unreadable. */
function isoOrUndefined(text: string): string | undefined {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function normalizePolicy(policy: SyncPolicy): SyncPolicy {
  const out: SyncPolicy = {};
  const allow = policy.allowTakeover;
  if (allow !== undefined) {
    if (allow === "*") out.allowTakeover = "*";
    else if (Array.isArray(allow) && allow.every((n) => typeof n === "string")) out.allowTakeover = uniqueSorted(allow);
    else throw new ConfigurationError(`policy.allowTakeover must be a list of pipeline names or "*"`);
  }
  if (policy.allowEmpty !== undefined) {
    if (typeof policy.allowEmpty !== "boolean") throw new ConfigurationError("policy.allowEmpty must be true or false");
    out.allowEmpty = policy.allowEmpty;
  }
  if (policy.maxDeletes !== undefined) {
    if (!Number.isInteger(policy.maxDeletes) || policy.maxDeletes < 0) {
      throw new ConfigurationError(`policy.maxDeletes must be a whole number ≥ 0, got ${String(policy.maxDeletes)}`);
    }
    out.maxDeletes = policy.maxDeletes;
  }
  const allowBreak = policy.allowDependencyBreak;
  if (allowBreak !== undefined) {
    if (allowBreak === "*") out.allowDependencyBreak = "*";
    else if (Array.isArray(allowBreak) && allowBreak.every((n) => typeof n === "string")) out.allowDependencyBreak = uniqueSorted(allowBreak);
    else throw new ConfigurationError(`policy.allowDependencyBreak must be a list of pipeline names or "*"`);
  }
  return out;
}

function takeoverAllowed(policy: SyncPolicy, name: string): boolean {
  const allow = policy.allowTakeover;
  return allow === "*" || (allow !== undefined && allow.includes(name));
}

/** Numeric ids compare as numbers, anything else as text. */
function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return compareStrings(a, b);
}

/** Orders duplicates so the representative does not depend on input order. */
function compareSpecs(a: NormalizedPipelineSpec, b: NormalizedPipelineSpec): number {
  const byFile = compareStrings(a.file ?? "", b.file ?? "");
  if (byFile !== 0) return byFile;
  return compareStrings(canonicalJson(specAsJson(a)), canonicalJson(specAsJson(b)));
}

function specAsJson(s: NormalizedPipelineSpec) {
  return {
    name: s.name,
    contents: s.contents,
    matchers: s.matchers,
    enabled: s.enabled,
    configType: s.configType,
    metadata: s.metadata ?? null,
    file: s.file ?? null,
    contentsFile: s.contentsFile ?? null,
  };
}

function checkScope(scope: SourceScope): Finding[] {
  const out: Finding[] = [];
  if (!isSourceTypeName(scope.type)) {
    out.push(
      makeFinding({
        code: "INVALID_SCOPE",
        blocking: true,
        message: `the source type ${JSON.stringify(scope.type)} is not one of git, terraform or grafana`,
        hint: "set the source type to git (the default) or terraform",
      }),
    );
  }
  if (typeof scope.namespace !== "string" || scope.namespace.trim() === "") {
    out.push(
      makeFinding({
        code: "INVALID_SCOPE",
        blocking: true,
        message: "the source namespace is empty: the plan cannot tell which pipelines this run owns",
        hint: "pass --namespace with a name unique to this repository, e.g. its owner/name",
      }),
    );
  }
  return out;
}

function duplicateFinding(name: string, group: NormalizedPipelineSpec[]): Finding {
  const files = uniqueSorted(group.map((s) => s.file).filter((f): f is string => f !== undefined));
  const where = files.length > 0 ? `: ${files.join(", ")}` : "";
  return makeFinding({
    code: "DUPLICATE_NAME",
    blocking: true,
    message: `pipeline ${JSON.stringify(name)} is defined ${group.length} times${where}`,
    hint: "rename or remove all but one of them: pipeline names are unique in a stack",
    names: [name],
    files,
  });
}

const ISSUE_HINTS: Record<SpecIssue["field"], string> = {
  name: "give the pipeline a non-empty name without surrounding whitespace or control characters",
  contents: "put the pipeline's configuration in its contents file",
  matchers:
    'write each matcher as name, operator (=, !=, =~, !~) and value, e.g. collector.os="linux"; quote values with reserved characters; at most 200 characters',
  enabled: "set enabled to true or false",
  configType: 'set config_type to "alloy" or "otel"',
  metadata: "make metadata a mapping of keys to values",
};

function invalidFinding(issue: SpecIssue): Finding {
  let hint = ISSUE_HINTS[issue.field];
  // `reason`, not `message`: the message starts with the file path, which may say anything.
  if (issue.field === "contents" && issue.reason.startsWith("the OpenTelemetry contents")) {
    hint = "fix the YAML (an OpenTelemetry pipeline is a mapping with receivers, processors, exporters and service)";
  } else if (issue.field === "contents" && /^(the Alloy contents|Alloy would refuse)/.test(issue.reason)) {
    hint = "fix the Alloy at that line (`fleet-pipelines fmt FILE` shows syntax errors too); Fleet Management loads each pipeline as a module: blocks only, no logging, tracing or service blocks, unique block names";
  }
  return makeFinding({
    code: "INVALID_PIPELINE",
    blocking: true,
    message: issue.message,
    hint,
    names: issue.name === "" ? [] : [issue.name],
    files: [issue.file],
    ...(issue.line === undefined ? {} : { line: issue.line }),
    ...(issue.column === undefined ? {} : { column: issue.column }),
  });
}

function collisionFinding(
  desired: NormalizedPipelineSpec,
  remote: RemotePipeline,
  scope: SourceScope,
  allowed: boolean,
): Finding {
  const from = remote.source?.type === "grafana" ? "grafana (made in the Grafana UI)" : formatSource(remote.source);
  const label = pipelineLabel(desired.file, desired.name);
  const name = desired.name;
  return allowed
    ? makeFinding({
        code: "NAME_COLLISION",
        blocking: false,
        message: `${label} takes over the pipeline of the same name from ${from}: applying overwrites it and moves it to ${formatSource(scope)}`,
        hint: "the takeover is allowed by the policy; remove the name from allowTakeover if this repository should not own it",
        names: [name],
        files: [desired.file],
      })
    : makeFinding({
        code: "NAME_COLLISION",
        blocking: true,
        message: `${label} has the name of an existing pipeline from ${from}: applying would overwrite it and move it to ${formatSource(scope)}`,
        hint: `rename it, or pass --allow-takeover ${nameListArgument([name])} (policy allowTakeover) to let this repository own it`,
        names: [name],
        files: [desired.file],
      });
}

function emptyFinding(scope: SourceScope, deletes: PlanAction[], policy: SyncPolicy): Finding {
  const names = deletes.map((a) => a.name);
  const allowed = policy.allowEmpty === true;
  const what = `the desired set is empty and ${formatSource(scope)} holds ${plural(names.length, "pipeline")} (${listNames(names)})`;
  return allowed
    ? makeFinding({
        code: "EMPTY_DESIRED",
        blocking: false,
        message: `${what}: applying deletes all of them, as allowEmpty permits`,
        hint: "nothing to do if emptying this namespace is intended",
        names,
      })
    : makeFinding({
        code: "EMPTY_DESIRED",
        blocking: true,
        message: `${what}: applying would delete all of them`,
        hint: "check the pipeline folder and the namespace; if emptying this namespace is intended, pass --allow-empty",
        names,
      });
}

function massDeleteFinding(scope: SourceScope, deletes: PlanAction[], inScope: number, policy: SyncPolicy): Finding {
  const names = deletes.map((a) => a.name);
  const n = names.length;
  const what = `the plan deletes ${n} of the ${inScope} pipelines in ${formatSource(scope)} (${listNames(names)})`;
  const allowed = policy.maxDeletes !== undefined && n <= policy.maxDeletes;
  return allowed
    ? makeFinding({
        code: "MASS_DELETE",
        blocking: false,
        message: `${what}, within maxDeletes ${policy.maxDeletes}`,
        hint: "nothing to do if these deletions are intended",
        names,
      })
    : makeFinding({
        code: "MASS_DELETE",
        blocking: true,
        message: `${what}: more than ${MASS_DELETE_MIN} and more than half of them`,
        hint: `check that the folder holds every pipeline and the namespace is right; if these deletions are intended, pass --max-deletes ${n}`,
        names,
      });
}

function limitExceededFinding(
  limit: number,
  remoteCount: number,
  counts: PlanCounts,
  projected: number,
  creates: PlanAction[],
  raises: boolean,
): Finding {
  const counted = `(${remoteCount} now, ${counts.create} to create, ${counts.delete} to delete)`;
  if (!raises) {
    return makeFinding({
      code: "LIMIT_EXCEEDED",
      blocking: false,
      message: `the stack holds more pipelines than its limit of ${limit}, and still ${projected} after this plan ${counted}; the plan does not add to the count, so it may go ahead`,
      hint: "delete pipelines the stack no longer needs, or ask Grafana Support for a higher pipeline limit",
    });
  }
  return makeFinding({
    code: "LIMIT_EXCEEDED",
    blocking: true,
    message: `after this plan the stack would hold ${projected} pipelines, over its limit of ${limit} ${counted}`,
    hint: "delete pipelines the stack no longer needs, or ask Grafana Support for a higher pipeline limit",
    names: creates.map((a) => a.name),
    files: creates.map((a) => a.desired?.file),
  });
}

function limitNearFinding(limit: number, projected: number): Finding {
  const percent = Math.floor((projected * 100) / limit);
  return makeFinding({
    code: "LIMIT_NEAR",
    blocking: false,
    message: `after this plan the stack holds ${projected} of its ${limit} pipelines (${percent} %)`,
    hint: "plan ahead: remove unused pipelines or ask Grafana Support for a higher pipeline limit",
  });
}
