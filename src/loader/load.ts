// loadPipelines: a folder of pipeline files → PipelineSpec[]. Every problem in
// the folder is collected and reported at once; if there is any error, nothing
// is returned (a partial set of pipelines must never reach a sync, which would
// delete the missing ones).
import { realpath, stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, resolve, win32 } from "node:path";
import { ConfigurationError } from "../errors/index.js";
import { validateSpec, type ConfigTypeName, type PipelineSpec } from "../pipelines/index.js";
import { compareIssues, quoteName } from "./format.js";
import { compileExcludes } from "./glob.js";
import { createLimiter, forEachLimited } from "./limit.js";
import { LoadError } from "./load-error.js";
import { parseMetadata, type ParsedMetadata, type Position } from "./metadata.js";
import { displayPath, isInside, metadataBaseName } from "./paths.js";
import { describeFsError, readFileLimited, SCRATCH_BYTES } from "./read-file.js";
import { decodeText } from "./text.js";
import type { LoadIssue, LoadIssueCode, LoadOptions, LoadResult } from "./types.js";
import { walkFolder, type WalkedFile } from "./walk.js";
import { finishAlloySpecs } from "./alloy-check.js";

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
export const DEFAULT_MAX_MATCHERS = 100;
// libuv runs file I/O on 4 threads by default; a few more requests in flight
// than that keeps them busy without holding many files open.
const IO_CONCURRENCY = 32;

interface Candidate {
  file: WalkedFile;
  display: string;
  defaultName: string;
  /** Set once parsed: the fields, and whether the file itself had errors. */
  metadata?: ParsedMetadata;
  failed: boolean;
  /** Resolved absolute path of a valid `contents_file`. */
  contentsTarget?: string;
}

export async function loadPipelines(dir: string, options: LoadOptions = {}): Promise<LoadResult> {
  const settings = checkOptions(options);
  const { signal } = options;
  signal?.throwIfAborted();
  const cwd = resolve(options.cwd ?? process.cwd());
  const root = resolve(cwd, dir);
  const display = (path: string) => displayPath(cwd, path);
  const rootDisplay = display(root);
  const rootLabel = `the folder being loaded (${rootDisplay})`;
  const limit = createLimiter(IO_CONCURRENCY);

  const errors: LoadIssue[] = [];
  const warnings: LoadIssue[] = [];
  const filesRead = new Set<string>();
  const error = (code: LoadIssueCode, file: string, message: string, pipeline?: string, position?: Position) => {
    errors.push(makeIssue("error", code, file, message, pipeline, position));
  };
  const warn = (code: LoadIssueCode, file: string, message: string, pipeline?: string, position?: Position) => {
    warnings.push(makeIssue("warning", code, file, message, pipeline, position));
  };

  // The folder itself.
  let realRoot: string;
  try {
    const rootStats = await stat(root);
    if (!rootStats.isDirectory()) {
      throw new LoadError(rootDisplay, [makeIssue("error", "NOT_A_DIRECTORY", rootDisplay, "is not a folder")]);
    }
    realRoot = await realpath(root);
  } catch (cause) {
    if (cause instanceof LoadError) throw cause;
    const code = (cause as { code?: unknown }).code === "ENOENT" ? "NOT_FOUND" : "UNREADABLE";
    const message = code === "NOT_FOUND" ? "folder does not exist" : `folder cannot be read: ${describeFsError(cause)}`;
    throw new LoadError(rootDisplay, [makeIssue("error", code, rootDisplay, message)]);
  }

  const walk = await walkFolder({ root, realRoot, exclude: settings.exclude, limit, display, signal });
  // Loops, not push(...list): a list can be longer than a call takes arguments.
  for (const issue of walk.issues) errors.push(issue);
  const walkedByPath = new Map(walk.files.map((f) => [f.path, f]));

  // Reads and decodes one file; on failure records the issue and returns undefined.
  const scratch: Uint8Array[] = [];
  // `slot`: the calling worker's, whose scratch buffer the bytes are read into.
  const readText = async (path: string, pipeline: string | undefined, slot: number): Promise<string | undefined> => {
    const read = await readFileLimited(path, settings.maxFileBytes, (scratch[slot] ??= new Uint8Array(SCRATCH_BYTES)));
    signal?.throwIfAborted();
    const decoded = read.ok ? decodeText(read.bytes) : read;
    if (!decoded.ok && !("line" in decoded)) {
      error(decoded.code, display(path), decoded.message, pipeline);
      return undefined;
    }
    if (!decoded.ok) {
      error(decoded.code, display(path), decoded.message, pipeline, { line: decoded.line, column: 1 });
      return undefined;
    }
    filesRead.add(display(path));
    return decoded.text;
  };

  // Step 1: read and parse every metadata file.
  const candidates: Candidate[] = walk.files
    .filter((f) => f.kind === "metadata")
    .map((file) => ({ file, display: display(file.path), defaultName: metadataBaseName(basename(file.path)), failed: false }));
  await forEachLimited(candidates, IO_CONCURRENCY, async (candidate, slot) => {
    const text = await readText(candidate.file.path, candidate.defaultName, slot);
    if (text === undefined) {
      candidate.failed = true;
      return;
    }
    const parsed = parseMetadata(text, { file: candidate.display, defaultName: candidate.defaultName, maxMatchers: settings.maxMatchers });
    for (const issue of parsed.issues) errors.push(issue);
    candidate.failed = parsed.issues.length > 0;
    if (parsed.metadata) candidate.metadata = parsed.metadata;
  });

  // Step 2: check `contents_file` paths (lexically, then through symlinks).
  const withContentsFile = candidates.filter((candidate) => candidate.metadata?.contentsFile !== undefined);
  await forEachLimited(withContentsFile, IO_CONCURRENCY, async (candidate) => {
    const target = await resolveContentsFile(candidate, candidate.metadata!);
    if (target !== undefined) candidate.contentsTarget = target;
  });

  async function resolveContentsFile(candidate: Candidate, meta: ParsedMetadata): Promise<string | undefined> {
    const value = meta.contentsFile!;
    const position = meta.positions.contents_file;
    const fail = (code: LoadIssueCode, message: string) => {
      candidate.failed = true;
      error(code, candidate.display, message, meta.name, position);
    };
    if (isAbsolute(value) || win32.isAbsolute(value)) {
      fail("OUTSIDE_FOLDER", `contents_file ${quoteName(value)} is an absolute path; use a path relative to the metadata file, inside ${rootLabel}`);
      return undefined;
    }
    const target = resolve(dirname(candidate.file.path), value);
    if (!isInside(root, target) || target === root) {
      fail("OUTSIDE_FOLDER", `contents_file ${quoteName(value)} points outside ${rootLabel}`);
      return undefined;
    }
    let found = target;
    let real: string;
    try {
      real = await realpath(target);
    } catch (cause) {
      const code = (cause as { code?: unknown }).code;
      // Like the sync action, fall back to a path relative to the loaded folder.
      const fromRoot = resolve(root, value);
      const fallback = code === "ENOENT" && fromRoot !== target && isInside(root, fromRoot) ? await realpath(fromRoot).catch(() => undefined) : undefined;
      if (fallback !== undefined) {
        found = fromRoot;
        real = fallback;
      } else {
        const lookedFor = fromRoot !== target && isInside(root, fromRoot) ? `${display(target)} or ${display(fromRoot)}` : display(target);
        if (code === "ENOENT") fail("MISSING_CONTENTS", `contents_file ${quoteName(value)} does not exist (looked for ${lookedFor})`);
        else if (code === "ELOOP") fail("SYMLINK_LOOP", `contents_file ${quoteName(value)} is a symlink loop`);
        else fail("UNREADABLE", `contents_file ${quoteName(value)} cannot be resolved: ${describeFsError(cause)}`);
        return undefined;
      }
    }
    if (!isInside(realRoot, real)) {
      fail("OUTSIDE_FOLDER", `contents_file ${quoteName(value)} leads through a symlink outside ${rootLabel}`);
      return undefined;
    }
    try {
      const stats = await stat(real);
      if (!stats.isFile()) {
        fail("UNREADABLE", `contents_file ${quoteName(value)} is ${stats.isDirectory() ? "a folder, not a file" : "not a regular file"}`);
        return undefined;
      }
    } catch (cause) {
      fail("UNREADABLE", `contents_file ${quoteName(value)} cannot be read: ${describeFsError(cause)}`);
      return undefined;
    }
    return found;
  }

  // A YAML file named by another pipeline's contents_file is that pipeline's
  // contents (e.g. an OTel config), not a metadata file of its own: unless it
  // is itself a valid metadata file, drop it and its issues.
  const referenced = new Set<string>();
  for (const candidate of candidates) {
    if (candidate.contentsTarget !== undefined && !candidate.failed && candidate.contentsTarget !== candidate.file.path) {
      referenced.add(candidate.contentsTarget);
    }
  }
  const pipelineCandidates = candidates.filter((candidate) => {
    if (!referenced.has(candidate.file.path) || !candidate.failed) return true;
    const own = (issue: LoadIssue) => issue.file === candidate.display;
    for (let i = errors.length - 1; i >= 0; i--) if (own(errors[i]!)) errors.splice(i, 1);
    return false;
  });

  // Step 3: the contents of each pipeline.
  const used = new Set<string>(); // contents files some pipeline reads
  const claimedBy = new Map<string, Candidate>(); // sibling contents files, by the metadata file next to them
  const specs: { spec: PipelineSpec; candidate: Candidate }[] = [];
  await forEachLimited(pipelineCandidates, IO_CONCURRENCY, async (candidate, slot) => {
    const stem = join(dirname(candidate.file.path), candidate.defaultName);
    const exists = (path: string) => walkedByPath.has(path) || walk.refused.has(path);
    const siblings = {
      alloy: exists(stem + ".alloy") ? stem + ".alloy" : undefined,
      otel: [stem + ".otel.yaml", stem + ".otel.yml"].filter(exists),
    };
    for (const path of [siblings.alloy, ...siblings.otel]) if (path !== undefined) claimedBy.set(path, candidate);
    const meta = candidate.metadata;
    if (!meta) return;
    const configType: ConfigTypeName = meta.configType ?? "alloy";
    const fail = (code: LoadIssueCode, message: string, file = candidate.display, position?: Position) => {
      candidate.failed = true;
      error(code, file, message, meta.name, position);
    };

    let contents: string | undefined;
    let contentsPath: string | undefined;
    if (meta.positions.config_type !== undefined && meta.configType === undefined) {
      // An invalid config_type (already reported) leaves the contents' kind unknown.
      candidate.failed = true;
    } else if (meta.positions.contents !== undefined) {
      contents = meta.contents; // undefined when it failed its checks (already reported)
    } else if (meta.positions.contents_file !== undefined) {
      contentsPath = candidate.contentsTarget;
    } else if (configType === "alloy") {
      contentsPath = siblings.alloy;
      if (contentsPath === undefined) {
        const hint = siblings.otel[0] !== undefined ? `; found ${display(siblings.otel[0])}: add "config_type: otel"` : "";
        fail("MISSING_CONTENTS", `has no contents: no ${display(stem + ".alloy")} next to it, and no contents or contents_file key${hint}`);
      }
    } else if (siblings.otel.length > 1) {
      fail("AMBIGUOUS_CONTENTS", `both ${siblings.otel.map(display).join(" and ")} exist; keep one`);
    } else {
      contentsPath = siblings.otel[0];
      if (contentsPath === undefined) {
        const hint = siblings.alloy !== undefined ? `; found ${display(siblings.alloy)}, but config_type is otel` : "";
        fail("MISSING_CONTENTS", `has no contents: no ${display(stem + ".otel.yaml")} (or .otel.yml) next to it, and no contents or contents_file key${hint}`);
      }
    }
    const refusal = contentsPath !== undefined ? walk.refused.get(contentsPath) : undefined;
    if (refusal) {
      // Already reported by the walk; say which pipeline it breaks.
      refusal.pipeline = meta.name;
      candidate.failed = true;
    } else if (contentsPath !== undefined) {
      used.add(contentsPath);
      const text = await readText(contentsPath, meta.name, slot);
      if (text === undefined) candidate.failed = true;
      else if (text.trim() === "") fail("EMPTY_CONTENTS", "contents file is empty", display(contentsPath));
      else contents = text;
    }
    if (candidate.failed || contents === undefined) return;

    if (meta.enabled === undefined) {
      warn(
        "ENABLED_DEFAULT",
        candidate.display,
        'has no "enabled" key: loaded as enabled. The fleet-management-sync-action treats a missing "enabled" as false; write "enabled: true" or "enabled: false" to be explicit',
        meta.name,
      );
    }
    const spec: PipelineSpec = {
      name: meta.name,
      contents,
      matchers: meta.matchers ?? [],
      enabled: meta.enabled ?? true,
      configType,
      file: candidate.display,
    };
    if (meta.metadata !== undefined) spec.metadata = meta.metadata;
    if (contentsPath !== undefined) spec.contentsFile = display(contentsPath);
    specs.push({ spec, candidate });
  });

  finishAlloySpecs(specs, warn, options.checkFormatting === true);

  // Duplicate names: every file that yields a name counts, loadable or not.
  const byName = new Map<string, Candidate[]>();
  for (const candidate of pipelineCandidates) {
    if (!candidate.metadata) continue;
    const list = byName.get(candidate.metadata.name) ?? [];
    list.push(candidate);
    byName.set(candidate.metadata.name, list);
  }
  for (const [name, list] of byName) {
    if (list.length < 2) continue;
    list.sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
    const first = list[0]!;
    for (const other of list.slice(1)) {
      const position = other.metadata!.positions.name;
      const also = list.length > 2 ? ` (and ${list.length - 2} more)` : "";
      error("DUPLICATE_NAME", other.display, `duplicate pipeline name: both ${first.display} and ${other.display} define ${quoteName(name)}${also}`, name, position);
    }
  }

  // Contents files nobody reads.
  for (const file of walk.files) {
    if (file.kind !== "contents" || used.has(file.path)) continue;
    if (referenced.has(file.path)) continue;
    const owner = claimedBy.get(file.path);
    if (owner) {
      if (owner.failed) continue;
      const why = owner.metadata?.positions.contents !== undefined ? "it sets contents inline" : owner.metadata?.positions.contents_file !== undefined ? "it sets contents_file" : `its config_type is ${owner.metadata?.configType ?? "alloy"}`;
      warn("UNUSED_FILE", display(file.path), `is not used: ${owner.display} sits next to it, but ${why}`, owner.metadata?.name);
    } else {
      const stem = file.path.replace(/(\.otel\.ya?ml|\.alloy)$/i, "");
      const hint = /\.alloy$/i.test(file.path)
        ? "it may be a module imported by other pipelines; if it is meant to be a pipeline, add"
        : "to make it a pipeline, add";
      warn("UNPAIRED_FILE", display(file.path), `has no metadata file, so it is not loaded (${hint} ${display(stem + ".yaml")})`);
    }
  }

  if (pipelineCandidates.length === 0 && errors.length === 0) {
    warn("EMPTY_FOLDER", rootDisplay, "holds no pipeline metadata files (*.yaml, *.yml): no pipelines loaded");
  }

  {
    // What the planner would refuse in the pipelines that did load (bad
    // matchers, OTel YAML, a name too long) is refused here, with the file
    // and line the planner cannot know: one run shows every problem, and a
    // problem in the folder fails the same way whichever check finds it.
    for (const { spec, candidate } of specs) {
      for (const issue of validateSpec(spec)) {
        const position = issue.field === "matchers" || issue.field === "name" ? candidate.metadata?.positions[issue.field] : undefined;
        const line = issue.line !== undefined ? { line: issue.line, column: issue.column ?? 1 } : position;
        error("INVALID_PIPELINE", issue.file ?? candidate.display, issue.reason, spec.name, line);
      }
    }
  }
  errors.sort(compareIssues);
  warnings.sort(compareIssues);
  if (errors.length > 0) throw new LoadError(rootDisplay, errors, warnings);

  return {
    specs: specs.map((s) => s.spec).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    warnings,
    files: [...filesRead].sort(),
  };
}

function makeIssue(
  severity: "error" | "warning",
  code: LoadIssueCode,
  file: string,
  message: string,
  pipeline?: string,
  position?: Position,
): LoadIssue {
  const issue: LoadIssue = { code, severity, file, message };
  if (position) {
    issue.line = position.line;
    issue.column = position.column;
  }
  if (pipeline !== undefined) issue.pipeline = pipeline;
  return issue;
}

function checkOptions(options: LoadOptions) {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (!Number.isSafeInteger(maxFileBytes) || maxFileBytes < 1) {
    throw new ConfigurationError(`maxFileBytes must be a positive integer, got ${String(options.maxFileBytes)}`);
  }
  const maxMatchers = options.maxMatchers ?? DEFAULT_MAX_MATCHERS;
  if (!Number.isSafeInteger(maxMatchers) || maxMatchers < 0) {
    throw new ConfigurationError(`maxMatchers must be a non-negative integer, got ${String(options.maxMatchers)}`);
  }
  return { maxFileBytes, maxMatchers, exclude: compileExcludes(options.exclude ?? []) };
}
