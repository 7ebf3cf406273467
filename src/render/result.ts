// An ApplyResult as text (terminal), Markdown (job summary) and JSON.
import type { ApplyResult, CollectorPreview, Verification } from "../apply/index.js";
import { formatSource } from "../pipelines/index.js";
import { displayName, markdownCode, markdownEscape, safeText } from "./escape.js";

/** Options of `renderResultText`. */
export interface ResultTextOptions {
  /** ANSI colours. Default false. */
  color?: boolean | undefined;
}

const ANSI = { red: "\u001b[31m", green: "\u001b[32m", yellow: "\u001b[33m", bold: "\u001b[1m", reset: "\u001b[0m" };

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function callsLine(result: ApplyResult): string {
  const parts = Object.entries(result.calls.byMethod).map(([m, n]) => `${m} ${n}`);
  return `${result.calls.total} call${result.calls.total === 1 ? "" : "s"}${parts.length ? ` (${parts.join(", ")})` : ""}`;
}

function changeCount(result: ApplyResult): number {
  const c = result.changes;
  return c.created.length + c.updated.length + c.deleted.length + c.takenOver.length;
}

function verificationProblems(v: Verification): string[] {
  const lines: string[] = [];
  for (const name of v.missing) lines.push(`missing from the namespace: ${displayName(name)}`);
  for (const name of v.unexpected) lines.push(`not wanted but present: ${displayName(name)}`);
  for (const d of v.different) lines.push(`differs: ${displayName(d.name)} (${d.diff.map((x) => x.field).join(", ")})`);
  return lines;
}

/** An apply's result for a terminal: what was written, what failed, the verification. */
export function renderResultText(result: ApplyResult, options: ResultTextOptions = {}): string {
  const paint = (color: keyof typeof ANSI, text: string): string => (options.color ? `${ANSI[color]}${text}${ANSI.reset}` : text);
  const scope = safeText(formatSource(result.scope));
  const out: string[] = [];
  const n = changeCount(result);
  const headline = result.ok
    ? n === 0
      ? `Nothing to change in ${scope}: already as desired.`
      : `Applied ${n} change${n === 1 ? "" : "s"} to ${scope} (${result.mode} mode) in ${seconds(result.durationMs)}.`
    : `Apply to ${scope} (${result.mode} mode) incomplete: ${result.failures.length} failure${result.failures.length === 1 ? "" : "s"}, ${n} change${n === 1 ? "" : "s"} made.`;
  out.push(paint(result.ok ? "bold" : "red", safeText(headline)));
  const row = (sign: string, label: string, names: string[], color: keyof typeof ANSI): void => {
    if (names.length) out.push(`  ${paint(color, `${sign} ${label.padEnd(10)}`)} ${names.map(displayName).join(", ")}`);
  };
  row("+", "created", result.changes.created, "green");
  row("~", "updated", result.changes.updated, "yellow");
  row("!", "taken over", result.changes.takenOver, "yellow");
  row("-", "deleted", result.changes.deleted, "red");
  if (result.unchanged > 0) out.push(`  = ${"unchanged".padEnd(10)} ${result.unchanged}`);
  if (result.alreadyDone.length) out.push(`  already done before this run: ${result.alreadyDone.map(displayName).join(", ")}`);
  for (const f of result.failures) {
    out.push(paint("red", `  ✗ ${f.action}${f.name ? ` ${displayName(f.name)}` : ""}: ${safeText(f.code)}: ${safeText(f.message)}`));
  }
  for (const s of result.skipped ?? []) out.push(paint("yellow", `  ‖ ${s.action} ${displayName(s.name)} held back: ${safeText(s.reason)}`));
  if (result.deletedFirst?.length) {
    out.push(`  deleted before the creates, to make room under the pipeline limit: ${result.deletedFirst.map(displayName).join(", ")}`);
  }
  if (result.failures.length || result.skipped?.length) out.push("  Every completed write stands: run the apply again to converge.");
  for (const o of result.overwritten ?? []) out.push(paint("red", `  ✗ ${overwriteLine(o)}`));
  if (result.overwritten?.length) out.push("  Their previous state is in the JSON result (overwritten[].previous), to restore them.");
  out.push(`  ${callsLine(result)}${result.deleteStrategy === "each" ? "; deleted one by one (no BulkDeletePipelines on this server)" : ""}`);
  const v = result.verification;
  if (!v) out.push("  Not verified (verification turned off or skipped).");
  else if (v.ok) out.push(paint("green", `  ✓ Verified: ${scope} holds exactly the desired pipelines.`));
  else {
    out.push(paint("red", `  ✗ Verification failed: ${scope} does not hold exactly the desired pipelines.`));
    for (const line of verificationProblems(v)) out.push(`    ${safeText(line)}`);
  }
  return out.join("\n") + "\n";
}

/** `another writer's "x" was overwritten by this apply's update (revision 12)`. */
function overwriteLine(o: NonNullable<ApplyResult["overwritten"]>[number]): string {
  const what = o.action === "delete" || o.action === "sync-delete" ? "deleted" : "overwritten";
  const by = o.action === "sync-delete" ? "the sync" : `this apply's ${o.action}`;
  const rev = o.revisionId !== undefined ? `, revision ${safeText(o.revisionId)}` : "";
  const from = o.previous?.source !== undefined ? ` from ${safeText(formatSource(o.previous.source))}` : "";
  return `another writer's ${displayName(o.name)}${from} was ${what} by ${by} (id ${safeText(o.id)}${rev})`;
}

function mdNames(names: string[]): string {
  return names.length ? names.map((n) => markdownCode(displayName(n), true)).join(", ") : "–";
}

function mdCell(text: string): string {
  return markdownEscape(text.replace(/\r?\n/g, " "));
}

/** An apply's result as GitHub Markdown, for a job summary. */
export function renderResultMarkdown(result: ApplyResult): string {
  const scope = formatSource(result.scope);
  const out: string[] = [];
  const status = result.ok && result.verification?.ok !== false && !result.overwritten?.length ? "✅" : "❌";
  out.push(`### ${status} fleet-pipelines apply: ${markdownCode(scope)} (${result.mode})`, "");
  out.push("| | pipelines |", "|---|---|");
  out.push(`| created | ${mdNames(result.changes.created)} |`);
  out.push(`| updated | ${mdNames(result.changes.updated)} |`);
  out.push(`| taken over | ${mdNames(result.changes.takenOver)} |`);
  out.push(`| deleted | ${mdNames(result.changes.deleted)} |`);
  out.push(`| unchanged | ${result.unchanged} |`, "");
  if (result.failures.length) {
    out.push("**Failures** (every step is idempotent: rerun to converge)", "", "| action | pipeline | code | message |", "|---|---|---|---|");
    for (const f of result.failures) out.push(`| ${f.action} | ${f.name ? markdownCode(displayName(f.name), true) : "–"} | ${markdownEscape(f.code)} | ${mdCell(f.message)} |`);
    out.push("");
  }
  if (result.overwritten?.length) {
    out.push("**Another writer's work was replaced** (the previous state is in the JSON result, to restore it)", "");
    for (const o of result.overwritten) out.push(`- ${mdCell(overwriteLine(o))}`);
    out.push("");
  }
  if (result.skipped?.length) {
    out.push(`**Held back** (run again once the failures are fixed): ${mdNames(result.skipped.map((x) => x.name))}`, "");
  }
  const v = result.verification;
  if (!v) out.push("Verification: not run.");
  else if (v.ok) out.push("Verification: ✅ the namespace holds exactly the desired pipelines.");
  else {
    out.push("Verification: ❌ the namespace does not hold exactly the desired pipelines.", "");
    for (const line of verificationProblems(v)) out.push(`- ${mdCell(line)}`);
  }
  out.push("", `${callsLine(result)} in ${seconds(result.durationMs)}.`);
  return out.join("\n") + "\n";
}

/** An apply's result as pretty-printed JSON. */
export function renderResultJson(result: ApplyResult): string {
  return JSON.stringify(result, null, 2) + "\n";
}

/** The collector preview as a small table: how many collectors each pipeline reaches. */
export function renderCollectorPreviewText(preview: CollectorPreview): string {
  const out = [`Collectors reached (of ${preview.totalCollectors} enabled; ${preview.strategy === "local" ? "matched locally over one listing" : "matched by the service"}):`];
  let width = 4;
  for (const p of preview.pipelines) width = Math.max(width, displayName(p.name).length);
  for (const p of preview.pipelines) {
    const note = !p.enabled ? " (pipeline disabled: reaches none)" : p.action === "delete" ? " (loses it)" : "";
    out.push(`  ${displayName(p.name).padEnd(width)}  ${String(p.collectors).padStart(5)}  ${p.action}${note}`);
  }
  return out.join("\n") + "\n";
}

/** The collector preview as a Markdown table. */
export function renderCollectorPreviewMarkdown(preview: CollectorPreview): string {
  const out = [`#### Collectors reached (of ${preview.totalCollectors} enabled)`, "", "| pipeline | action | collectors |", "|---|---|---:|"];
  for (const p of preview.pipelines) {
    out.push(`| ${markdownCode(displayName(p.name), true)} | ${p.action}${p.enabled ? "" : " (disabled)"} | ${p.collectors} |`);
  }
  return out.join("\n") + "\n";
}
