// The Alloy language core: scanner, parser, diagnostics, formatter and the
// static checks that need no component schemas. This layer depends on no
// other layer of the project.
import type { AlloyFile } from "./ast.js";
import type { AlloyDiagnostic } from "./diagnostics.js";
import { formatSource } from "./format.js";
import { parse } from "./parser.js";

export type * from "./ast.js";
export type { AlloyDiagnostic, AlloyDiagnosticSeverity } from "./diagnostics.js";
export { AlloySyntaxError, formatAlloyDiagnostic } from "./diagnostics.js";
export { checkAlloy } from "./check.js";
export type { AlloyCheckContext, AlloyCheckOptions } from "./check.js";
export { blockIdentity, referencesIn, walkAlloy } from "./walk.js";
export type { AlloyNode, AlloyReference } from "./walk.js";
export { alloyStringValue } from "./quote.js";
export { MAX_NESTING as ALLOY_MAX_NESTING } from "./parser.js";

/** Options of `parseAlloy`. */
export interface AlloyParseOptions {
  /** Used in diagnostics and kept on the tree. */
  filename?: string;
}

/** What `parseAlloy` returns. */
export interface AlloyParseResult {
  /** The tree; when there are error diagnostics it holds what could be parsed. */
  file: AlloyFile;
  /** Every problem found in one pass, in the order Alloy reports them. */
  diagnostics: AlloyDiagnostic[];
}

/** Parses Alloy text (a string, or the file's bytes so that invalid UTF-8 is reported where it is). */
export function parseAlloy(text: string | Uint8Array, options: AlloyParseOptions = {}): AlloyParseResult {
  return parse(toBytes(text), options.filename);
}

const encoder = new TextEncoder();

function toBytes(text: string | Uint8Array): Uint8Array {
  return typeof text === "string" ? encoder.encode(text) : text;
}

/** Options of `formatAlloy`. */
export interface AlloyFormatOptions {
  /** Used in diagnostics. */
  filename?: string;
}

/**
 * The result of formatting: the text when the source parsed, and the
 * diagnostics: every syntax error when it did not (then there is no text),
 * else warnings where the output keeps something `alloy fmt` would change.
 */
export type AlloyFormatResult =
  | { ok: true; text: string; diagnostics: AlloyDiagnostic[] }
  | { ok: false; diagnostics: AlloyDiagnostic[] };

/** Formats Alloy text like `alloy fmt` (the result ends with exactly one newline). */
export function formatAlloy(text: string | Uint8Array, options: AlloyFormatOptions = {}): AlloyFormatResult {
  const out = formatSource(toBytes(text), options.filename);
  return out.text !== undefined ? { ok: true, text: out.text, diagnostics: out.diagnostics } : { ok: false, diagnostics: out.diagnostics };
}
