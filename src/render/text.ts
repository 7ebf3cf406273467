// The plan for a terminal: counts first, one line per action, field details
// under updates and takeovers, then the findings with what to do. Colour is
// an explicit option (the CLI decides from the TTY); nothing here reads env.
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
import { displayName, safeContentText, safeText } from "./escape.js";
import { unifiedDiff } from "./unified-diff.js";

/** Options of `renderPlanText`. */
export interface TextRenderOptions {
  /** ANSI colours. Default false: pass true only when writing to a TTY. */
  color?: boolean | undefined;
  /** Show a unified diff of changed contents. Default true. */
  contentDiff?: boolean | undefined;
  /** At most this many diff lines per field; the rest is counted. Default 200. */
  maxDiffLines?: number | undefined;
  /** List unchanged pipelines too. Default false (they are counted). */
  showUnchanged?: boolean | undefined;
}

type Paint = (text: string) => string;
interface Palette {
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  magenta: Paint;
  cyan: Paint;
}

const ansi = (open: number, close: number): Paint => (t) => `\u001b[${open}m${t}\u001b[${close}m`;
const plain: Paint = (t) => t;
const COLOURS: Palette = {
  bold: ansi(1, 22),
  dim: ansi(2, 22),
  red: ansi(31, 39),
  green: ansi(32, 39),
  yellow: ansi(33, 39),
  magenta: ansi(35, 39),
  cyan: ansi(36, 39),
};
const NO_COLOURS: Palette = { bold: plain, dim: plain, red: plain, green: plain, yellow: plain, magenta: plain, cyan: plain };

const MARKS: Record<PlanAction["kind"], { mark: string; word: string; colour: keyof Palette }> = {
  create: { mark: "+", word: "create", colour: "green" },
  update: { mark: "~", word: "update", colour: "yellow" },
  delete: { mark: "-", word: "delete", colour: "red" },
  takeover: { mark: "!", word: "take over", colour: "magenta" },
  noop: { mark: "=", word: "unchanged", colour: "dim" },
};

const MAX_NAME_COLUMN = 40;

/** The plan for a terminal: counts, one line per action with a diff, the findings, a verdict. */
export function renderPlanText(plan: SyncPlan, options: TextRenderOptions = {}): string {
  const p = options.color === true ? COLOURS : NO_COLOURS;
  const maxDiffLines = options.maxDiffLines ?? 200;
  const out: string[] = [];

  out.push(p.bold(`Plan for ${safeText(formatSource(plan.scope))}: ${countsSummary(plan)}`));
  out.push(`Pipelines on the stack: ${countLine(plan)}`);

  const listed = plan.actions.filter((a) => a.kind !== "noop" || options.showUnchanged === true);
  if (listed.length > 0) {
    out.push("");
    let width = 0;
    // Loops rather than spreads into calls: a plan can list more actions than a call takes arguments.
    for (const a of listed) width = Math.min(MAX_NAME_COLUMN, Math.max(width, displayName(a.name).length));
    for (const action of listed) {
      const m = MARKS[action.kind];
      const name = displayName(action.name).padEnd(width);
      const file = actionFile(action);
      let tail = file === undefined ? "" : `  ${p.dim(safeText(file))}`;
      if (action.kind === "update") tail += `  (${changedFieldList(action)})`;
      if (action.kind === "takeover") tail += `  ${safeText(takeoverSummary(action))}`;
      out.push(`${p[m.colour](`${m.mark} ${m.word.padEnd(9)}`)} ${name}${tail}`.trimEnd());
      if (action.kind === "update" || action.kind === "takeover") {
        for (const l of fieldDetails(action, p, options.contentDiff !== false, maxDiffLines)) out.push(`    ${l}`);
      }
    }
  }

  if (plan.findings.length > 0) {
    out.push("", p.bold(plan.findings.length === 1 ? "1 finding:" : `${plan.findings.length} findings:`));
    for (const finding of plan.findings) for (const l of renderFindingText(finding, { color: options.color === true })) out.push(l);
  }

  const closing = safeText(verdict(plan));
  out.push("", plan.blocked ? p.red(p.bold(closing)) : p.bold(closing));
  return out.join("\n") + "\n";
}

/** One finding as two or more lines: severity, code, message; then the hint. */
export function renderFindingText(finding: Finding, options: { color?: boolean } = {}): string[] {
  const p = options.color === true ? COLOURS : NO_COLOURS;
  const paint = finding.severity === "error" ? p.red : finding.severity === "warning" ? p.yellow : p.cyan;
  const head = `  ${paint(safeText(finding.severity).padEnd(7))} ${p.bold(safeText(finding.code))}`;
  const lines = [`${head}  ${safeText(finding.message)}`];
  const where = finding.files.length > 0 && !finding.message.includes(finding.files[0]!) ? finding.files : [];
  if (where.length > 0) {
    const shown = where.slice(0, 5).map(safeText).join(", ") + (where.length > 5 ? ` and ${where.length - 5} more` : "");
    lines.push(`          ${p.dim("in:")} ${shown}${finding.line === undefined ? "" : `:${safeText(String(finding.line))}`}`);
  }
  lines.push(`          ${p.dim("fix:")} ${safeText(finding.hint)}`);
  return lines;
}

function fieldDetails(action: PlanAction, p: Palette, contentDiff: boolean, maxDiffLines: number): string[] {
  const diffs = action.diff ?? [];
  if (diffs.length === 0) return [p.dim("same contents, matchers and settings: only the source changes")];
  const out: string[] = [];
  for (const d of diffs) for (const l of fieldLines(d, p, contentDiff, maxDiffLines)) out.push(l);
  return out;
}

function fieldLines(d: FieldDiff, p: Palette, contentDiff: boolean, maxDiffLines: number): string[] {
  switch (d.field) {
    case "enabled":
    case "configType":
      return [`${FIELD_LABELS[d.field]}: ${scalarValue(d.before)} → ${scalarValue(d.after)}`];
    case "matchers": {
      const { removed, added } = matcherChanges(d);
      return [
        "matchers:",
        ...removed.map((m) => `  ${p.red(`- ${safeText(m)}`)}`),
        ...added.map((m) => `  ${p.green(`+ ${safeText(m)}`)}`),
      ];
    }
    case "metadata": {
      const short = compactMetadata(d);
      if (short !== undefined) return [`metadata: ${safeText(short.before)} → ${safeText(short.after)}`];
      return ["metadata:", ...diffBlock(metadataText(d.before), metadataText(d.after), p, maxDiffLines)];
    }
    case "contents": {
      if (!contentDiff) return ["contents: changed"];
      return ["contents:", ...diffBlock(String(d.before ?? ""), String(d.after ?? ""), p, maxDiffLines)];
    }
  }
}

function diffBlock(before: string, after: string, p: Palette, maxDiffLines: number): string[] {
  const lines = unifiedDiff(before, after, { context: 3 }).split("\n").slice(0, -1);
  const { shown, hidden } = limitLines(lines, maxDiffLines);
  const out = shown.map((line) => {
    const text = safeContentText(line).replace(/\t/g, "    ");
    if (line.startsWith("@@")) return `  ${p.cyan(text)}`;
    if (line.startsWith("+")) return `  ${p.green(text)}`;
    if (line.startsWith("-")) return `  ${p.red(text)}`;
    return `  ${text}`;
  });
  if (hidden > 0) out.push(`  ${p.dim(`… ${hidden} more diff lines (the JSON plan has the full contents)`)}`);
  return out;
}
