// The one escaping function for text that comes from outside (pipeline names,
// file paths, server messages, contents) before it is printed anywhere: a
// terminal, a CI log, a workflow command, a Markdown summary. It lives in the
// model so that the loader, the planner and the renderers all use it.
//
// What is escaped, and why:
// - controls (C0 including tab and line breaks, DEL, C1): they move the
//   cursor, recolour the terminal, or start a new line that a CI runner reads
//   as a workflow command (`::add-mask::`, `::error file=…`);
// - format characters (bidi embeddings, overrides, isolates and marks,
//   zero-width spaces and joiners, the BOM, soft hyphen, tags): they reorder
//   text or print as nothing, so two different names would look the same;
// - the line and paragraph separators, and every space other than U+0020;
// - characters that render as nothing (Hangul fillers, variation selectors,
//   the combining grapheme joiner) and lone surrogates;
// - the first colon of a text that starts with `::` (after spaces): printed
//   at the start of a line (a file path is), it would be a workflow command.

// eslint-disable-next-line no-control-regex
const UNSAFE =
  /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\u{e0100}-\u{e01ef}]/gu;

function escapeChar(c: string): string {
  const code = c.codePointAt(0)!;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, "0")}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, "0")}`;
  return `\\u{${code.toString(16)}}`;
}

const COMMAND_START = /^(\s*):/;

/** Replaces control, format and invisible characters with a visible `\xNN`, `\uNNNN` or `\u{NNNNN}` escape. */
export function safeText(text: string): string {
  const safe = text.replace(UNSAFE, escapeChar);
  return safe.includes("::") ? defuseCommand(safe) : safe;
}

/**
 * Like {@link safeText}, but keeps tabs: for lines of pipeline contents,
 * where a tab is indentation the CLI prints on purpose.
 */
export function safeContentText(text: string): string {
  const safe = text.replace(UNSAFE, (c) => (c === "\t" ? c : escapeChar(c)));
  return safe.includes("::") ? defuseCommand(safe) : safe;
}

function defuseCommand(text: string): string {
  return /^\s*::/.test(text) ? text.replace(COMMAND_START, "$1\\x3a") : text;
}

/** Whether {@link safeText} would change `text`. */
export function hasUnsafeText(text: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(text);
  UNSAFE.lastIndex = 0;
  return found;
}

const COMBINING = /\p{M}/gu;

/**
 * A name as a person should see it: {@link safeText}, and visibly different
 * from any name it could be mistaken for. A name that is not in Unicode NFC
 * shows its combining marks escaped (`cafe\u0301` next to `café`), and a name
 * with leading or trailing whitespace is put between ⟨ ⟩.
 */
export function displayName(name: string): string {
  let shown = name.normalize("NFC") === name ? safeText(name) : safeText(name).replace(COMBINING, escapeChar);
  if (shown !== shown.trim() || shown === "") shown = `⟨${shown}⟩`;
  return shown;
}

const INVISIBLE = /[\p{Cf}\p{Cc}\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\u{e0100}-\u{e01ef}]/gu;

/**
 * The form two names are compared in to tell whether a person could mistake
 * one for the other: NFKC, without invisible characters, trimmed, inner
 * whitespace runs collapsed to one space.
 */
export function confusableKey(name: string): string {
  return name.normalize("NFKC").replace(/\s+/gu, " ").replace(INVISIBLE, "").replace(/ {2,}/g, " ").trim();
}
