// GitHub Actions output: workflow-command annotations and the job summary.
// Escaping follows the runner's rules: in the message, % CR LF; in property
// values, also : and , (which would end the value early).
import { appendFile } from "node:fs/promises";
import type { LoadIssue } from "../loader/index.js";
import type { Finding } from "../plan/index.js";
import { safeText } from "../render/index.js";
import type { CliIo } from "./io.js";

export function onGitHubActions(env: CliIo["env"]): boolean {
  return env["GITHUB_ACTIONS"] === "true";
}

export function escapeCommandData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

export function escapeCommandProperty(text: string): string {
  return escapeCommandData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export type AnnotationLevel = "error" | "warning" | "notice";

export interface AnnotationTarget {
  file: string;
  line?: number;
  column?: number;
  title?: string;
}

/**
 * One `::error file=…,line=…::message` line. The message and title are made
 * printable first (safeText: no terminal escape, no line break, no bidi
 * control reaches the log), then escaped by the runner's rules. The file is
 * escaped by the runner's rules only, so that GitHub can link it, unless it
 * holds a character safeText would change: such a path is shown escaped
 * (GitHub then cannot link it; a name like that is hostile anyway).
 */
export function annotation(level: AnnotationLevel, message: string, target: AnnotationTarget): string {
  const props = [`file=${escapeCommandProperty(safeText(target.file))}`];
  if (target.line !== undefined) props.push(`line=${Math.trunc(target.line)}`);
  if (target.column !== undefined) props.push(`col=${Math.trunc(target.column)}`);
  if (target.title !== undefined) props.push(`title=${escapeCommandProperty(safeText(target.title))}`);
  return `::${level} ${props.join(",")}::${escapeCommandData(safeText(message))}\n`;
}

function levelOf(severity: string, blocking: boolean): AnnotationLevel {
  if (blocking || severity === "error") return "error";
  return severity === "warning" ? "warning" : "notice";
}

/** One annotation per file a finding names; the line applies to its first file. */
export function findingAnnotations(findings: readonly Finding[]): string[] {
  const lines: string[] = [];
  for (const f of findings) {
    f.files.forEach((file, i) => {
      const target: AnnotationTarget = { file, title: `fleet-pipelines: ${f.code}` };
      if (i === 0 && f.line !== undefined) target.line = f.line;
      if (i === 0 && f.line !== undefined && f.column !== undefined) target.column = f.column;
      lines.push(annotation(levelOf(f.severity, f.blocking), `${f.message}. ${f.hint}`, target));
    });
  }
  return lines;
}

export function loadIssueAnnotations(issues: readonly LoadIssue[]): string[] {
  return issues.map((issue) => {
    const target: AnnotationTarget = { file: issue.file, title: `fleet-pipelines: ${issue.code}` };
    if (issue.line !== undefined) target.line = issue.line;
    if (issue.column !== undefined) target.column = issue.column;
    return annotation(issue.severity === "error" ? "error" : "warning", issue.message, target);
  });
}

/** Appends Markdown to the job summary file named by GITHUB_STEP_SUMMARY, when set. */
export async function appendStepSummary(env: CliIo["env"], markdown: string): Promise<void> {
  const file = env["GITHUB_STEP_SUMMARY"];
  if (!file) return;
  await appendFile(file, markdown.endsWith("\n") ? markdown + "\n" : markdown + "\n\n", "utf8");
}
