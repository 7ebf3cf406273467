// Human-readable issue lines. File names and pipeline names come from the
// repository being loaded, so anything that could forge a second line in a CI
// log or reorder text on screen (control and bidi characters) is escaped.

import { displayName, safeText } from "../pipelines/index.js";
import type { LoadIssue } from "./types.js";

// C0, DEL, C1, and the Unicode bidi embedding/override/isolate marks: what
// a name, a matcher or a path may not hold.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
// The same, except tab: a name may hold one (the service accepts it, so an
// exported pipeline named so must load back).
const UNSAFE_IN_NAME = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** Makes foreign text printable: the one escaping function ({@link safeText}). */
export function escapeForDisplay(text: string): string {
  return safeText(text);
}

/** Whether a string holds a control or bidi character. */
export function hasUnsafeCharacters(text: string): boolean {
  return UNSAFE.test(text);
}

/** Whether a name holds a control (other than tab) or bidi character. */
export function hasUnsafeNameCharacters(text: string): boolean {
  return UNSAFE_IN_NAME.test(text);
}

/** A quoted name for messages: `"node_metrics"`, escapes included. */
export function quoteName(name: string): string {
  return '"' + escapeForDisplay(name).replace(/"/g, '\\"') + '"';
}

/** A pipeline name for messages, shown as {@link displayName} does, quoted. */
export function quotePipeline(name: string): string {
  return '"' + displayName(name).replace(/"/g, '\\"') + '"';
}

/**
 * One issue as a line a person (or an editor's problem matcher) reads:
 * `pipelines/node.yaml:3:1: pipeline "node": unknown key "enabledd" (did you mean "enabled"?)`.
 * Warnings carry `warning: ` after the location.
 */
export function formatLoadIssue(issue: LoadIssue): string {
  let location = escapeForDisplay(issue.file);
  // The line starts with the path: a relative path starting with ":" would
  // make it start with "::" once the line number follows (a workflow command).
  if (location.startsWith(":")) location = "./" + location;
  if (issue.line !== undefined) {
    location += `:${issue.line}`;
    if (issue.column !== undefined) location += `:${issue.column}`;
  }
  const severity = issue.severity === "warning" ? "warning: " : "";
  const pipeline = issue.pipeline !== undefined ? `pipeline ${quotePipeline(issue.pipeline)}: ` : "";
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
