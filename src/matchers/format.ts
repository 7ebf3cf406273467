import { quoteGoString } from "./go-string.js";
import { parseMatcher } from "./parse.js";
import { isReserved } from "./runes.js";
import type { Matcher } from "./types.js";

function needsQuotedName(name: string): boolean {
  if (name.length === 0) return true;
  for (const char of name) {
    if (isReserved(char.codePointAt(0) ?? 0)) return true;
  }
  return false;
}

// Alertmanager's OpenMetrics-style value escaping for the unquoted-name form.
function escapeValue(value: string): string {
  return value.replace(/[\\\n"]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

/**
 * The canonical text of a matcher, as Alertmanager's Matcher.String() prints it:
 * `name op "value"`, or both parts Go-quoted when the name is not a plain
 * literal. Equal matchers print equally whatever quoting the input used.
 */
export function formatMatcher(m: Matcher): string {
  if (needsQuotedName(m.name)) return `${quoteGoString(m.name)}${m.op}${quoteGoString(m.value)}`;
  return `${m.name}${m.op}"${escapeValue(m.value)}"`;
}

/** `formatMatcher(parseMatcher(text))`: the canonical form used to compare matchers. */
export function canonicalMatcher(text: string): string {
  return formatMatcher(parseMatcher(text));
}
