// The plan as GitHub-flavoured Markdown, for a job summary or a pull-request
// comment: a verdict, a table of changes, collapsible diffs, the findings.
// Every piece of user text goes through an escape for its context.
import { formatSource, type FieldDiff } from "../pipelines/index.js";
import type { Finding, PlanAction, SyncPlan } from "../plan/index.js";
import {
  FIELD_LABELS,
  actionFile,
  changedFieldList,
  compactMetadata,
  countLine,
  countsSummary,
  limitLines,
  matcherChanges,
  metadataText,
  scalarValue,
  takeoverSummary,
  verdict,
} from "./describe.js";
import { codeFence, displayName, htmlEscape, markdownCode, markdownEscape, safeContentText, safeText } from "./escape.js";
import { unifiedDiff } from "./unified-diff.js";

/** Options of `renderPlanMarkdown`. */
export interface MarkdownRenderOptions {
  /** Heading text. Default `Fleet pipelines plan`. */
  title?: string | undefined;
  /** Include collapsible diffs of changed fields. Default true. */
  contentDiff?: boolean | undefined;
  /** At most this many diff lines per pipeline. Default 200. */
  maxDiffLines?: number | undefined;
  /** At most this many rows in the table of changes (a PR comment holds 65 536 characters). Default 300. */
  maxActions?: number | undefined;
  /** List unchanged pipelines in the table too. Default false. */
  showUnchanged?: boolean | undefined;
}

const KIND_WORDS: Record<PlanAction["kind"], string> = {
  create: "➕ create",
  update: "✏️ update",
  delete: "➖ delete",
  takeover: "⚠️ take over",
  noop: "unchanged",
};

const SEVERITY_WORDS: Record<Finding["severity"], string> = {
  error: "⛔ error",
  warning: "⚠️ warning",
  info: "ℹ️ info",
};

/** The plan as GitHub Markdown, for a job summary or a pull-request comment; user text is escaped. */
export function renderPlanMarkdown(plan: SyncPlan, options: MarkdownRenderOptions = {}): string {
  const maxDiffLines = options.maxDiffLines ?? 200;
  const maxActions = options.maxActions ?? 300;
  const out: string[] = [];
  const title = options.title ?? "Fleet pipelines plan";
  out.push(`### ${markdownEscape(title)}: ${markdownCode(formatSource(plan.scope))}`, "");
  out.push(`${plan.blocked ? "⛔" : "✅"} **${markdownEscape(verdict(plan))}**`, "");
  out.push(`${countsSummary(plan)}. Pipelines on the stack: ${countLine(plan)}.`, "");

  const listed = plan.actions.filter((a) => a.kind !== "noop" || options.showUnchanged === true);
  if (listed.length > 0) {
    out.push("| Change | Pipeline | Details | File |", "| --- | --- | --- | --- |");
    for (const action of listed.slice(0, maxActions)) {
      const file = actionFile(action);
      out.push(
        `| ${KIND_WORDS[action.kind]} | ${markdownCode(displayName(action.name), true)} | ${actionDetails(action)} | ${
          file === undefined ? "" : markdownCode(file, true)
        } |`,
      );
    }
    if (listed.length > maxActions) out.push("", `…and ${listed.length - maxActions} more (see the JSON plan).`);
    out.push("");
  }

  if (options.contentDiff !== false) {
    for (const action of listed.slice(0, maxActions)) {
      if ((action.diff ?? []).length === 0) continue;
      for (const line of diffDetails(action, maxDiffLines)) out.push(line);
    }
  }

  if (plan.findings.length > 0) {
    out.push(`#### Findings`, "");
    for (const finding of plan.findings) out.push(renderFindingMarkdown(finding));
    out.push("");
  }
  return out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
}

/** One finding as a Markdown list item: severity, code, message, then what to do. */
export function renderFindingMarkdown(finding: Finding): string {
  const where =
    finding.files.length > 0 && !finding.message.includes(finding.files[0]!)
      ? ` (in ${finding.files.slice(0, 5).map((f) => markdownCode(f)).join(", ")}${finding.files.length > 5 ? ` and ${finding.files.length - 5} more` : ""})`
      : "";
  return (
    `- ${SEVERITY_WORDS[finding.severity] ?? markdownEscape(String(finding.severity))} **${codeWord(finding.code)}**${finding.blocking ? " (blocks)" : ""}: ` +
    `${markdownEscape(finding.message)}${where}<br>` +
    `**Fix:** ${markdownEscape(finding.hint)}`
  );
}

/** A finding code as written (a plan read from a file could carry any text there: escaped then). */
function codeWord(code: string): string {
  return /^[A-Z][A-Z_]*$/.test(code) ? code : markdownEscape(code);
}

function actionDetails(action: PlanAction): string {
  if (action.kind === "update") return markdownEscape(changedFieldList(action));
  if (action.kind === "takeover") {
    const fields = changedFieldList(action);
    return markdownEscape(`${takeoverSummary(action)}${fields === "" ? "; same contents" : `; changes ${fields}`}`);
  }
  return "";
}

function diffDetails(action: PlanAction, maxDiffLines: number): string[] {
  const body: string[] = [];
  for (const d of action.diff ?? []) for (const line of fieldDiffLines(d)) body.push(line);
  const { shown, hidden } = limitLines(body, maxDiffLines);
  const text = shown.join("\n");
  const fence = codeFence(text);
  const out = [
    `<details><summary><code>${htmlEscape(displayName(action.name))}</code>: ${htmlEscape(changedFieldList(action))}</summary>`,
    "",
    `${fence}diff`,
    text,
    fence,
  ];
  if (hidden > 0) out.push("", `…${hidden} more diff lines (see the JSON plan).`);
  out.push("", "</details>", "");
  return out;
}

/** A field change as diff-highlighted lines (`# field`, then -/+ lines), escaped; contents keep their tabs. */
function fieldDiffLines(d: FieldDiff): string[] {
  switch (d.field) {
    case "enabled":
    case "configType":
      return [`# ${FIELD_LABELS[d.field]}`, `-${safeText(scalarValue(d.before))}`, `+${safeText(scalarValue(d.after))}`];
    case "matchers": {
      const { removed, added } = matcherChanges(d);
      return ["# matchers", ...removed.map((m) => `-${safeText(m)}`), ...added.map((m) => `+${safeText(m)}`)];
    }
    case "metadata": {
      const short = compactMetadata(d);
      if (short !== undefined) return ["# metadata", `-${safeText(short.before)}`, `+${safeText(short.after)}`];
      return ["# metadata", ...diffBody(metadataText(d.before), metadataText(d.after)).map(safeText)];
    }
    case "contents":
      return ["# contents", ...diffBody(String(d.before ?? ""), String(d.after ?? "")).map(safeContentText)];
  }
}

function diffBody(before: string, after: string): string[] {
  return unifiedDiff(before, after, { context: 3 }).split("\n").slice(0, -1);
}
