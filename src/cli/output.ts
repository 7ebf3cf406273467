// Where a command's renderings go: stdout (text or, with --json, JSON only),
// an optional Markdown file, and under GitHub Actions the annotations and
// the job summary.
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { CliIo } from "./io.js";
import { appendStepSummary, findingAnnotations, onGitHubActions } from "./github.js";
import type { CollectorPreview } from "../apply/index.js";
import type { Finding, SyncPlan } from "../plan/index.js";
import {
  renderCollectorPreviewMarkdown,
  renderCollectorPreviewText,
  renderPlanJson,
  renderPlanMarkdown,
  renderPlanText,
} from "../render/index.js";

export interface OutputTarget {
  io: CliIo;
  json: boolean;
  markdownFile?: string;
}

export function useColor(io: CliIo): boolean {
  return io.isTTY && !io.env["NO_COLOR"];
}

/**
 * Writes workflow-command lines. They go to stdout, where the runner reads
 * them, except under --json, where stdout must stay pure JSON: the runner
 * reads them on stderr too.
 */
export function annotator(target: OutputTarget): (lines: string[]) => void {
  return (lines) => {
    if (!onGitHubActions(target.io.env)) return;
    const out = target.json ? target.io.stderr : target.io.stdout;
    for (const line of lines) out.write(line);
  };
}

export function annotateFindings(target: OutputTarget, findings: readonly Finding[]): void {
  annotator(target)(findingAnnotations(findings.filter((f) => f.files.length > 0)));
}

/** The Markdown rendering: to --markdown FILE and to the GitHub job summary. */
export async function publishMarkdown(target: OutputTarget, markdown: string): Promise<void> {
  if (target.markdownFile !== undefined) await writeFile(resolve(target.io.cwd, target.markdownFile), markdown, "utf8");
  if (onGitHubActions(target.io.env)) await appendStepSummary(target.io.env, markdown);
}

export const OUTPUT_FLAGS = {
  json: { type: "boolean" },
  markdown: { type: "string" },
  "detailed-exitcode": { type: "boolean" },
} as const;

export const OUTPUT_USAGE = `Output:
  --json                 print the JSON rendering only (stdout)
  --markdown FILE        also write the Markdown rendering to FILE
  --detailed-exitcode    exit 2 when there are changes (0 when none)`;

/** True when the plan would write anything. */
export function planHasChanges(plan: SyncPlan): boolean {
  const c = plan.counts;
  return c.create + c.update + c.delete + c.takeover > 0;
}

/** Text (or JSON) of a plan on stdout, with the collector preview when asked. */
export function printPlan(plan: SyncPlan, target: OutputTarget, preview?: CollectorPreview): void {
  const { io } = target;
  if (target.json) {
    io.stdout.write(renderPlanJson(plan));
    return;
  }
  io.stdout.write(renderPlanText(plan, { color: useColor(io) }));
  if (preview) io.stdout.write("\n" + renderCollectorPreviewText(preview));
}

export function planMarkdown(plan: SyncPlan, preview?: CollectorPreview): string {
  return renderPlanMarkdown(plan) + (preview ? "\n" + renderCollectorPreviewMarkdown(preview) : "");
}
