// Findings: building, ordering and the fixed facts of each code.
import { compareStrings } from "../pipelines/index.js";
import type { Finding, FindingCode, Severity } from "./types.js";

/** Table order of the codes, used to sort findings. */
export const FINDING_CODES: readonly FindingCode[] = [
  "INVALID_SCOPE",
  "DUPLICATE_NAME",
  "INVALID_PIPELINE",
  "NAME_COLLISION",
  "EMPTY_DESIRED",
  "MASS_DELETE",
  "LIMIT_EXCEEDED",
  "LIMIT_NEAR",
  "CONFUSABLE_NAME",
  "STALE_PLAN",
  "DEPENDENCY_MISSING",
  "DEPENDENCY_BROKEN",
  "DEPENDENCY_REACH",
  "ATTRIBUTE_MISSING",
];

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function makeFinding(parts: {
  code: FindingCode;
  blocking: boolean;
  severity?: Severity;
  message: string;
  hint: string;
  names?: Iterable<string>;
  files?: Iterable<string | undefined>;
  line?: number;
  column?: number;
}): Finding {
  const finding: Finding = {
    code: parts.code,
    severity: parts.severity ?? (parts.blocking ? "error" : "warning"),
    blocking: parts.blocking,
    message: parts.message,
    hint: parts.hint,
    names: uniqueSorted(parts.names ?? []),
    files: uniqueSorted([...(parts.files ?? [])].filter((f): f is string => f !== undefined && f !== "")),
  };
  if (parts.line !== undefined) finding.line = parts.line;
  if (parts.line !== undefined && parts.column !== undefined) finding.column = parts.column;
  return finding;
}

/** Blocking first, then by severity, code (table order), names and message. */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.blocking !== b.blocking) return a.blocking ? -1 : 1;
  const bySeverity = SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
  if (bySeverity !== 0) return bySeverity;
  const byCode = FINDING_CODES.indexOf(a.code) - FINDING_CODES.indexOf(b.code);
  if (byCode !== 0) return byCode;
  const byNames = compareStrings(a.names.join("\u0000"), b.names.join("\u0000"));
  if (byNames !== 0) return byNames;
  return compareStrings(a.message, b.message);
}

export function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareStrings);
}

/** `"a", "b" and 3 more`, for messages about many pipelines. */
export function listNames(names: readonly string[], max = 5): string {
  const shown = names.slice(0, max).map((n) => JSON.stringify(n));
  if (names.length <= max) {
    return shown.length <= 1 ? shown.join("") : `${shown.slice(0, -1).join(", ")} and ${shown.at(-1)}`;
  }
  return `${shown.join(", ")} and ${names.length - max} more`;
}

export function plural(n: number, one: string, many = one + "s"): string {
  return `${n} ${n === 1 ? one : many}`;
}
