import { FleetError } from "../errors/index.js";
import { escapeForDisplay, formatLoadIssue } from "./format.js";
import type { LoadIssue } from "./types.js";

// Long enough for any real mistake, short enough that a folder of thousands of
// broken files does not make a multi-megabyte message; `issues` keeps them all.
const MAX_LISTED = 50;

/** A folder that could not be loaded. Nothing from it is used. */
export class LoadError extends FleetError {
  /** Every error found in the folder, sorted by file and line. */
  readonly issues: LoadIssue[];
  /** Warnings found alongside the errors. */
  readonly warnings: LoadIssue[];

  constructor(dir: string, issues: LoadIssue[], warnings: LoadIssue[] = []) {
    super("LOAD_FAILED", describe(dir, issues));
    this.name = "LoadError";
    this.issues = issues;
    this.warnings = warnings;
  }
}

function describe(dir: string, issues: LoadIssue[]): string {
  const count = issues.length === 1 ? "1 error" : `${issues.length} errors`;
  const lines = issues.slice(0, MAX_LISTED).map((issue) => "  " + formatLoadIssue(issue));
  if (issues.length > MAX_LISTED) lines.push(`  … and ${issues.length - MAX_LISTED} more`);
  return `cannot load pipelines from ${escapeForDisplay(dir)}: ${count}\n${lines.join("\n")}`;
}
