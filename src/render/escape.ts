// Making user text (names, files, contents) safe to print. A pipeline name or
// a line of contents must never move the cursor, recolour the terminal,
// reorder text (bidi controls) or inject Markdown/HTML into a PR comment.

// C0/C1 controls (except tab), DEL, and the bidi controls: embeddings,
// overrides, isolates and the ALM/LRM/RLM marks (the set the loader escapes).
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Replaces control and bidi characters with a visible `\xNN` / `\uNNNN` escape. */
export function safeText(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

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
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  const pad = clean.startsWith("`") || clean.endsWith("`") || clean.startsWith(" ") ? " " : "";
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/** A fence (``` or longer) that no line of `body` can close early. */
export function codeFence(body: string): string {
  const longest = Math.max(0, ...(body.match(/^ {0,3}`{3,}/gm) ?? []).map((r) => r.trim().length));
  return "`".repeat(Math.max(3, longest + 1));
}
