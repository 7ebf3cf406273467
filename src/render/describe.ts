// Wording shared by the text and Markdown renderings, so both say the same.
import { formatSource, type FieldDiff, type JsonValue } from "../pipelines/index.js";
import type { PlanAction, SyncPlan } from "../plan/index.js";

export const FIELD_LABELS: Record<FieldDiff["field"], string> = {
  contents: "contents",
  matchers: "matchers",
  enabled: "enabled",
  configType: "config type",
  metadata: "metadata",
};

/** `2 to create, 1 to update, 3 unchanged`; zero counts are left out. */
export function countsSummary(plan: SyncPlan): string {
  const c = plan.counts;
  const parts: string[] = [];
  if (c.create > 0) parts.push(`${c.create} to create`);
  if (c.update > 0) parts.push(`${c.update} to update`);
  if (c.delete > 0) parts.push(`${c.delete} to delete`);
  if (c.takeover > 0) parts.push(`${c.takeover} to take over`);
  if (c.noop > 0) parts.push(`${c.noop} unchanged`);
  return parts.length === 0 ? "nothing in scope" : parts.join(", ");
}

/** Number of writes an apply would make. */
export function changeCount(plan: SyncPlan): number {
  const c = plan.counts;
  return c.create + c.update + c.delete + c.takeover;
}

/** `limit 200 (the stack's)`, `no limit (the stack's)`, `limit 200 (assumed: GetLimits unavailable)`. */
export function describeLimit(plan: Pick<SyncPlan, "limit" | "limitSource">): string {
  const what = plan.limit === null ? "no limit" : `limit ${plan.limit}`;
  switch (plan.limitSource) {
    case "stack":
      return `${what}, the stack's`;
    case "configured":
      return `${what}, as configured`;
    case "default":
      return `${what}, assumed: the stack's limit could not be read`;
    default:
      return what;
  }
}

/** `12 now, 13 after this plan (limit 200, the stack's)`. */
export function countLine(plan: SyncPlan): string {
  return `${plan.remoteCount} now, ${plan.projectedCount} after this plan (${describeLimit(plan)})`;
}

/** The closing verdict line. */
export function verdict(plan: SyncPlan): string {
  const blocking = plan.findings.filter((f) => f.blocking).length;
  if (plan.blocked) {
    return `Blocked by ${blocking === 1 ? "1 safety check" : `${blocking} safety checks`}: nothing will be applied until ${blocking === 1 ? "it is" : "they are"} resolved.`;
  }
  const n = changeCount(plan);
  if (n === 0) return `No changes: the service already matches the desired state of ${formatSource(plan.scope)}.`;
  return `Ready to apply: ${n === 1 ? "1 change" : `${n} changes`}.`;
}

export function changedFieldList(action: PlanAction): string {
  return (action.diff ?? []).map((d) => FIELD_LABELS[d.field]).join(", ");
}

/** `from grafana (made in the UI), allowed`. */
export function takeoverSummary(action: PlanAction): string {
  const from = action.remote?.source?.type === "grafana" ? "grafana (made in the UI)" : formatSource(action.remote?.source);
  return `from ${from}, ${action.allowed === true ? "allowed" : "not allowed"}`;
}

/** enabled / config type values: `true`, `otel`, or `unset` for null. */
export function scalarValue(value: JsonValue): string {
  return value === null ? "unset" : typeof value === "string" ? value : JSON.stringify(value);
}

/** Matchers removed and added (the diff holds canonical sets). */
export function matcherChanges(diff: FieldDiff): { removed: string[]; added: string[] } {
  const before = (diff.before as string[] | null) ?? [];
  const after = (diff.after as string[] | null) ?? [];
  const afterSet = new Set(after);
  const beforeSet = new Set(before);
  return { removed: before.filter((m) => !afterSet.has(m)), added: after.filter((m) => !beforeSet.has(m)) };
}

/** Metadata on one line when both sides are short; otherwise undefined (show a line diff). */
export function compactMetadata(diff: FieldDiff): { before: string; after: string } | undefined {
  const before = diff.before === null ? "none" : JSON.stringify(diff.before);
  const after = diff.after === null ? "none" : JSON.stringify(diff.after);
  return before.length <= 60 && after.length <= 60 ? { before, after } : undefined;
}

/** Metadata as pretty JSON lines, for a line diff ("" when absent). */
export function metadataText(value: JsonValue): string {
  return value === null ? "" : JSON.stringify(value, null, 2) + "\n";
}

export function actionFile(action: PlanAction): string | undefined {
  return action.desired?.file;
}

/** Cuts a diff to `max` lines; tells how many were left out. */
export function limitLines(lines: string[], max: number): { shown: string[]; hidden: number } {
  if (lines.length <= max) return { shown: lines, hidden: 0 };
  return { shown: lines.slice(0, max), hidden: lines.length - max };
}
