// How a command that failed ends: one rule for the exit code, one printer for
// the message. A problem in the folder's content (whichever stage found it)
// exits 3 with findings carrying file and line; anything that kept the
// command from running (flags, network, auth, server) exits 1. Every piece of
// foreign text goes through safeText; with --json, stdout holds exactly one
// JSON document, failures included.
import { FleetError } from "../errors/index.js";
import { LoadError, formatLoadIssue, type LoadIssue } from "../loader/index.js";
import type { Finding, FindingCode } from "../plan/index.js";
import { safeText } from "../render/index.js";
import { UsageError } from "./command.js";
import { EXIT_BLOCKED, EXIT_ERROR } from "./exit-codes.js";
import { loadIssueAnnotations, onGitHubActions } from "./github.js";
import type { CliIo } from "./io.js";

/** A finding made from a loader issue: the plan's shape, plus the loader's own code and the column. */
export interface FolderFinding extends Finding {
  /** The loader's reason code (`UNKNOWN_KEY`, `INVALID_YAML`, …). */
  reason: string;
  column?: number;
}

/**
 * Whether a load failure is about the folder's content (exit 3) rather than
 * the folder named by --dir not being there or not being readable (exit 1:
 * the command could not run). The loader reports the latter alone, as the
 * only issue, on the folder itself.
 */
export function isContentProblem(error: LoadError): boolean {
  const only = error.issues.length === 1 ? error.issues[0]! : undefined;
  if (only === undefined) return true;
  if (only.code === "NOT_FOUND" || only.code === "NOT_A_DIRECTORY") return false;
  return !(only.code === "UNREADABLE" && only.message.startsWith("folder cannot be read"));
}

const HINTS: Record<string, string> = {
  DUPLICATE_NAME: "rename or remove all but one of them: pipeline names are unique in a stack",
  UNKNOWN_KEY: "fix the key's spelling or remove it",
  INVALID_YAML: "fix the YAML syntax at the line shown",
  DUPLICATE_KEY: "remove one of the repeated keys",
  TOO_MANY_KEYS: "a metadata file has a handful of keys; remove the rest",
};

/** One finding per loader error: DUPLICATE_NAME for duplicate names, INVALID_PIPELINE for everything else. */
export function folderFindings(issues: readonly LoadIssue[]): FolderFinding[] {
  return issues
    .filter((issue) => issue.severity === "error")
    .map((issue) => {
      const code: FindingCode = issue.code === "DUPLICATE_NAME" ? "DUPLICATE_NAME" : "INVALID_PIPELINE";
      const finding: FolderFinding = {
        code,
        reason: issue.code,
        severity: "error",
        blocking: true,
        message: issue.message,
        hint: HINTS[issue.code] ?? "fix the file at the line shown, then run again",
        names: issue.pipeline !== undefined ? [issue.pipeline] : [],
        files: [issue.file],
      };
      if (issue.line !== undefined) finding.line = issue.line;
      if (issue.column !== undefined) finding.column = issue.column;
      return finding;
    });
}

/** `error: <message>` on one line, the message escaped (a line break in it is shown, never written). */
export function writeErrorLine(io: CliIo, message: string): void {
  io.stderr.write(`error: ${safeText(message)}\n`);
}

export interface FailureContext {
  io: CliIo;
  /** --json was given: stdout must hold one JSON document. */
  json: boolean;
  /** Whether the command already wrote to stdout (then no second JSON document is written). */
  wroteStdout: boolean;
  /** The command's usage, shown after a usage error. */
  usage?: string;
  /** The folder flag as given, for the load-failure headline. */
  dir?: string;
}

/** Prints a failure (stderr, annotations, the JSON document) and returns the exit code. */
export function reportFailure(error: unknown, context: FailureContext): number {
  const { io } = context;
  let findings: FolderFinding[] = [];
  let exitCode = EXIT_ERROR;
  let code = error instanceof FleetError ? error.code : "ERROR";
  let message = error instanceof Error ? error.message : String(error);

  if (error instanceof LoadError) {
    const errors = error.issues.filter((i) => i.severity === "error");
    findings = folderFindings(error.issues);
    exitCode = isContentProblem(error) ? EXIT_BLOCKED : EXIT_ERROR;
    const where = context.dir ?? "the folder";
    message = `${where} cannot be loaded (${errors.length} problem${errors.length === 1 ? "" : "s"})`;
    writeErrorLine(io, `${message}:`);
    for (const issue of [...error.issues, ...error.warnings]) io.stderr.write(formatLoadIssue(issue) + "\n");
    if (onGitHubActions(io.env)) {
      const out = context.json ? io.stderr : io.stdout;
      for (const line of loadIssueAnnotations([...error.issues, ...error.warnings])) out.write(line);
    }
  } else if (error instanceof UsageError) {
    writeErrorLine(io, message);
    if (context.usage !== undefined) io.stderr.write(`\n${context.usage}\n`);
  } else {
    if (!(error instanceof FleetError) && error instanceof Error && typeof (error as { code?: unknown }).code === "number") {
      // A ConnectError: its code is a number; the name says what kind.
      code = String((error as { name?: string }).name ?? "ERROR");
    }
    writeErrorLine(io, message);
    if (io.env["FLEET_DEBUG"] && error instanceof Error && error.stack) {
      io.stderr.write(`${safeText(error.stack).split("\\x0a    at ").join("\n    at ")}\n`);
    }
  }

  if (context.json && !context.wroteStdout) {
    io.stdout.write(JSON.stringify({ error: { code, message }, findings }, null, 2) + "\n");
  }
  return exitCode;
}
