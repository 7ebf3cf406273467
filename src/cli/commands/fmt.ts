// `fleet-pipelines fmt`: formats Alloy files like `alloy fmt`, offline.
// Without a flag it prints one file; --check lists the files that would
// change (exit 2); --write rewrites them atomically (temp file + rename,
// mode kept), refusing a file that changed while it was being formatted.
import { chmod, open, readFile, realpath, rename, rm, stat } from "node:fs/promises";
import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { formatAlloy, formatAlloyDiagnostic, type AlloyDiagnostic } from "../../alloy/index.js";
import { compileExcludes, createLimiter, displayPath, walkFolder } from "../../loader/index.js";
import { safeContentText, safeText } from "../../pipelines/index.js";
import { UsageError, parseFlags, type CliCommand } from "../command.js";
import { EXIT_CHANGES, EXIT_ERROR, EXIT_OK } from "../exit-codes.js";
import type { CliIo } from "../io.js";

const usage = `Usage: fleet-pipelines fmt [--check | --write] PATH...

Formats Alloy configuration files the way \`alloy fmt\` does (tabs for
indentation, aligned \`=\` and comments, trailing commas), without Alloy
installed. A folder means every *.alloy file under it (hidden folders and
node_modules are skipped); a file named explicitly is read whatever its
extension.

Where \`alloy fmt\` would change what a file means (a tab inside a string,
blanks at line ends inside a raw string, an object key with a backslash,
\`f(⏎)\`), the text is kept as written and a warning says so.

Flags:
  (none)      print the formatted text of the one file given
  --check     list the files that are not formatted; exit 2 if there are any
  --write     rewrite the files that are not formatted, in place

Syntax errors are printed as PATH:LINE:COL: message (columns count UTF-8
bytes, like Alloy); the other files are still processed.

Exit codes: 0 formatted (or nothing to change), 1 a file has errors or could
not be read or written, 2 with --check: some files would change.`;

const flags = {
  check: { type: "boolean" },
  write: { type: "boolean" },
} as const;

/** Larger than any configuration; it keeps a stray huge file from exhausting memory. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const IO_CONCURRENCY = 16;

interface Target {
  path: string;
  display: string;
}

interface Outcome {
  target: Target;
  /** Set when the file could not be read, parsed or written. */
  errors: string[];
  warnings: AlloyDiagnostic[];
  changed: boolean;
  formatted?: string;
  written?: boolean;
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, flags, true);
  if (values.check && values.write) throw new UsageError("--check and --write cannot be used together");
  if (positionals.length === 0) throw new UsageError("give at least one file or folder to format");

  const display = (path: string) => displayPath(io.cwd, path);
  const problems: string[] = [];
  const targets: Target[] = [];
  let namedFolder = false;
  for (const arg of positionals) {
    const path = resolve(io.cwd, arg);
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch (error) {
      problems.push(`${display(path)}: ${describeError(error)}`);
      continue;
    }
    if (!isDirectory) {
      targets.push({ path, display: display(path) });
      continue;
    }
    namedFolder = true;
    const walked = await walkFolder({
      root: path,
      realRoot: await realpath(path),
      exclude: compileExcludes([]),
      limit: createLimiter(IO_CONCURRENCY),
      display,
      signal: io.signal,
    });
    for (const issue of walked.issues) problems.push(`${issue.file ?? display(path)}: ${issue.message}`);
    const files = walked.files.filter((f) => f.relativePath.toLowerCase().endsWith(".alloy"));
    files.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
    for (const f of files) targets.push({ path: f.path, display: display(f.path) });
  }

  const printOne = !values.check && !values.write;
  if (printOne && (namedFolder || targets.length + problems.length > 1)) {
    throw new UsageError("without --check or --write, give exactly one file (its formatted text is printed)");
  }

  const outcomes: Outcome[] = [];
  for (const t of targets) outcomes.push(await formatOne(t, values.write === true, io.signal));

  for (const p of problems) io.stderr.write(`${safeText(p)}\n`);
  let failed = problems.length > 0;
  let changed = false;
  for (const o of outcomes) {
    for (const w of o.warnings) io.stderr.write(`${safeText(formatAlloyDiagnostic({ ...w, message: `warning: ${w.message}` }, o.target.display))}\n`);
    for (const e of o.errors) io.stderr.write(`${safeText(e)}\n`);
    if (o.errors.length > 0) {
      failed = true;
      continue;
    }
    if (printOne && o.formatted !== undefined) {
      // Redirected, the text must be exact; on a terminal, control characters in it must not act.
      io.stdout.write(io.isTTY ? o.formatted.split("\n").map(safeContentText).join("\n") : o.formatted);
    }
    if (o.changed) {
      changed = true;
      if (values.check || o.written) io.stdout.write(`${safeText(o.target.display)}\n`);
    }
  }
  if (failed) return EXIT_ERROR;
  return values.check && changed ? EXIT_CHANGES : EXIT_OK;
}

async function formatOne(target: Target, write: boolean, signal: AbortSignal): Promise<Outcome> {
  const outcome: Outcome = { target, errors: [], warnings: [], changed: false };
  signal.throwIfAborted();
  let bytes: Uint8Array;
  try {
    // Synchronous on purpose: for many small files the thread-pool round
    // trips of the async calls cost more than the reads themselves.
    const fd = openSync(target.path, "r");
    try {
      const info = fstatSync(fd);
      if (info.isDirectory()) throw Object.assign(new Error("is a folder"), { code: "EISDIR" });
      if (info.size > MAX_FILE_BYTES) {
        outcome.errors.push(`${target.display}: is ${info.size} bytes, more than the ${MAX_FILE_BYTES} this command formats`);
        return outcome;
      }
      bytes = readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    outcome.errors.push(`${target.display}: ${describeError(error)}`);
    return outcome;
  }
  const result = formatAlloy(bytes, { filename: target.display });
  if (!result.ok) {
    for (const d of result.diagnostics) outcome.errors.push(formatAlloyDiagnostic(d, target.display));
    return outcome;
  }
  outcome.warnings = result.diagnostics;
  outcome.formatted = result.text;
  const formattedBytes = new TextEncoder().encode(result.text);
  outcome.changed = !sameBytes(bytes, formattedBytes);
  if (write && outcome.changed) {
    try {
      await replaceFile(target.path, bytes, formattedBytes);
      outcome.written = true;
    } catch (error) {
      outcome.errors.push(`${target.display}: not rewritten: ${describeError(error)}`);
    }
  }
  return outcome;
}

/**
 * Writes `next` over the file (through a symlink, to its target) by a temp
 * file in the same folder and a rename, keeping the mode. Refuses when the
 * file no longer holds `before`: someone else wrote it meanwhile.
 */
async function replaceFile(path: string, before: Uint8Array, next: Uint8Array): Promise<void> {
  const real = await realpath(path);
  const info = await stat(real);
  const temp = join(dirname(real), `.${basename(real)}.fmt-${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(temp, "wx", 0o600);
  try {
    try {
      await handle.writeFile(next);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(temp, info.mode & 0o7777);
    const current = await readFile(real);
    if (!sameBytes(current, before)) throw new Error("the file changed while it was being formatted");
    await rename(temp, real);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function describeError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === "ENOENT") return "no such file or folder";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a folder";
  return error instanceof Error ? error.message : String(error);
}

export const fmtCommand: CliCommand = {
  name: "fmt",
  summary: "Format Alloy files like alloy fmt (--check lists, --write rewrites)",
  usage,
  run,
};
