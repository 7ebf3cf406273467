// Making user text (names, files, contents) safe to print. A pipeline name or
// a line of contents must never move the cursor, recolour the terminal,
// reorder text (bidi controls) or inject Markdown/HTML into a PR comment.

import { displayName, safeContentText, safeText } from "../pipelines/index.js";

// One escaping function for all foreign text, shared with the loader and the
// planner (it lives in the model, the lowest layer that all of them import).
export { displayName, safeContentText, safeText };

const HTML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** For HTML contexts (`<summary>`): entities for & < > " '. */
export function htmlEscape(text: string): string {
  return safeText(text).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}

/**
 * For Markdown prose (never at the start of a line): a backslash before the
 * characters that could start emphasis, a link, code, strikethrough or a
 * table cell, entities for HTML, and a word joiner after `@` so a name like
 * `@org/team` never pings anyone.
 */
export function markdownEscape(text: string): string {
  return safeText(text)
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/[&<>]/g, (c) => HTML_ENTITIES[c]!)
    .replace(/@/g, "@\u2060");
}

/**
 * An inline code span that holds any text: the backtick fence is longer than
 * any backtick run inside. In a table cell `|` is escaped so the cell stays
 * whole (GitHub drops that backslash inside code spans in tables).
 */
export function markdownCode(text: string, inTable = false): string {
  const safe = safeText(text);
  const clean = inTable ? safe.replace(/\|/g, "\\|") : safe;
  let longest = 0;
  // A loop, not Math.max(...runs): a hostile text can hold more runs than a call takes arguments.
  for (const run of clean.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = "`".repeat(longest + 1);
  const pad = clean.startsWith("`") || clean.endsWith("`") || clean.startsWith(" ") ? " " : "";
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/** A fence (``` or longer) that no line of `body` can close early. */
export function codeFence(body: string): string {
  let longest = 0;
  for (const run of body.match(/^ {0,3}`{3,}/gm) ?? []) longest = Math.max(longest, run.trim().length);
  return "`".repeat(Math.max(3, longest + 1));
}
