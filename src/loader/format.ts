// Human-readable issue lines. File names and pipeline names come from the
// repository being loaded, so anything that could forge a second line in a CI
// log or reorder text on screen (control and bidi characters) is escaped.

import type { LoadIssue } from "./types.js";

// C0, DEL, C1, and the Unicode bidi embedding/override/isolate marks.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** Replaces control and bidi characters with `\uXXXX` escapes. */
export function escapeForDisplay(text: string): string {
  return text.replace(UNSAFE, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

/** Whether a string holds a character that {@link escapeForDisplay} would escape. */
export function hasUnsafeCharacters(text: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(text);
  UNSAFE.lastIndex = 0;
  return found;
}

/** A quoted name for messages: `"node_metrics"`, escapes included. */
export function quoteName(name: string): string {
  return '"' + escapeForDisplay(name).replace(/"/g, '\\"') + '"';
}

/**
 * One issue as a line a person (or an editor's problem matcher) reads:
 * `pipelines/node.yaml:3:1: pipeline "node": unknown key "enabledd" (did you mean "enabled"?)`.
 * Warnings carry `warning: ` after the location.
 */
export function formatLoadIssue(issue: LoadIssue): string {
  let location = escapeForDisplay(issue.file);
  if (issue.line !== undefined) {
    location += `:${issue.line}`;
    if (issue.column !== undefined) location += `:${issue.column}`;
  }
  const severity = issue.severity === "warning" ? "warning: " : "";
  const pipeline = issue.pipeline !== undefined ? `pipeline ${quoteName(issue.pipeline)}: ` : "";
  return `${location}: ${severity}${pipeline}${escapeForDisplay(issue.message)}`;
}

/** Sorts issues by file, line, column, then code: the same order whatever the read order was. */
export function compareIssues(a: LoadIssue, b: LoadIssue): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  const la = a.line ?? 0;
  const lb = b.line ?? 0;
  if (la !== lb) return la - lb;
  const ca = a.column ?? 0;
  const cb = b.column ?? 0;
  if (ca !== cb) return ca - cb;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}
