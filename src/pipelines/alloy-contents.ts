// The Alloy contents of a pipeline as Fleet Management will load them: the
// syntax, then the static rules Alloy applies when it loads a configuration
// as a module (spec section 6: top-level attributes, duplicate block
// identities and attributes, blocks a remote configuration may not hold).
import { checkAlloy, parseAlloy, type AlloyDiagnostic, type AlloyFile } from "../alloy/index.js";
import { contentsPosition, isInline, type ContentsOrigin } from "./contents-position.js";

/**
 * Most diagnostics turned into issues for one pipeline: enough to fix a file
 * in one round, bounded so that a hostile file cannot flood a plan.
 */
export const MAX_ALLOY_ISSUES_PER_PIPELINE = 20;

export interface AlloyContentsCheck {
  /** The syntax tree; complete only when `syntaxOk`. */
  file: AlloyFile;
  /** True when the text parses (the static rules may still fail). */
  syntaxOk: boolean;
  /** Every error, in the order Alloy reports them: syntax errors, or else the static ones. */
  errors: AlloyDiagnostic[];
}

/** Parses and statically checks one pipeline's Alloy contents. */
export function checkAlloyContents(text: string): AlloyContentsCheck {
  const parsed = parseAlloy(text);
  const syntaxErrors = parsed.diagnostics.filter((d) => d.severity === "error");
  if (syntaxErrors.length > 0) return { file: parsed.file, syntaxOk: false, errors: syntaxErrors };
  return { file: parsed.file, syntaxOk: true, errors: staticErrors(parsed.file) };
}

/** The load-time errors of a Fleet Management pipeline (its warnings are not reasons to refuse it). */
function staticErrors(file: AlloyFile): AlloyDiagnostic[] {
  return checkAlloy(file, { fleetPipeline: true }).filter((d) => d.severity === "error");
}

export interface AlloyContentsIssue {
  /** What is wrong, with the position inside the contents. */
  reason: string;
  /** Where it is in the file that holds the contents (empty when not known). */
  at: { line?: number; column?: number };
}

/**
 * The problems Alloy would report on a pipeline's contents, as issue
 * reasons with their place in the file: the contents file's own line and
 * column, or for inline contents the metadata file's line.
 */
export function alloyContentsIssues(text: string, origin: ContentsOrigin = {}): AlloyContentsIssue[] {
  const check = checkAlloyContents(text);
  const inline = isInline(origin);
  const what = check.syntaxOk ? "Alloy would refuse the contents" : "the Alloy contents do not parse";
  const shown = check.errors.slice(0, MAX_ALLOY_ISSUES_PER_PIPELINE);
  const issues = shown.map((d): AlloyContentsIssue => {
    const where = inline
      ? `line ${d.line}, column ${d.column} of the inline contents`
      : `line ${d.line}, column ${d.column}`;
    return { reason: `${what} (${where}): ${d.message}`, at: contentsPosition(origin, d.line, d.column) };
  });
  const hidden = check.errors.length - shown.length;
  if (hidden > 0) {
    issues.push({ reason: `${what}: ${hidden} more problem${hidden === 1 ? "" : "s"} not listed`, at: {} });
  }
  return issues;
}
