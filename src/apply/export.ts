// Export: the service's pipelines written in the folder format the loader
// reads, so that a repository can be bootstrapped from what is live and a
// plan on the exported folder shows no change. Writes only regular files
// inside the folder: never through a symlink, never into a FIFO or a device,
// each through a temporary file in the same folder and an atomic rename.
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { link, lstat, mkdir, open, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { Document, Scalar } from "yaml";
import { ConfigurationError } from "../errors/index.js";
import type { JsonObject, RemotePipeline, SourceScope } from "../pipelines/index.js";
import { formatSource, safeText, sourceMatchesScope } from "../pipelines/index.js";
import { CallLog } from "./calls.js";
import { listRemote, type PipelinesClient } from "./remote.js";

/** One file an export writes. */
export interface ExportedFile {
  /** Relative to the export folder, `/`-separated. */
  path: string;
  /** The file's contents. */
  text: string;
}

/** Options of `exportPipelines`. */
export interface ExportPipelinesOptions {
  /** The folder to write into (created when missing). */
  dir: string;
  /** Only pipelines whose source is exactly this scope. Default: every pipeline. */
  scope?: SourceScope | undefined;
  /** Replace files that already exist. Default false: an existing file is an error naming it. */
  overwrite?: boolean | undefined;
  /** Aborts the listing and the writes. */
  signal?: AbortSignal | undefined;
}

/** What `exportPipelines` wrote. */
export interface ExportPipelinesResult {
  /** Exported pipeline names, sorted. */
  pipelines: string[];
  /** Files written, relative to `dir`, sorted. */
  files: string[];
}

/** A file-system-safe base name: keeps letters, digits, `.`, `_`, `-`; never hidden. */
function safeBaseName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^\.+/, "_").slice(0, 120);
  // `<base>.yaml` must stay a metadata file: the loader reads every `*.otel.yaml` as contents.
  const base = cleaned.replace(/\.otel$/i, "_otel");
  return base === "" ? "pipeline" : base;
}

/**
 * Whether contents written to a file of their own would not load back as
 * they are: the loader drops a leading byte-order mark and refuses a
 * contents file that is empty or only whitespace. Such contents are written
 * inline in the metadata file, double-quoted, where every character survives.
 */
function needsInlineContents(contents: string): boolean {
  return contents.trim() === "" || contents.startsWith("\ufeff");
}

/**
 * The files for a set of remote pipelines: `<name>.yaml` (metadata, with the
 * exact name, `enabled` and `config_type` always written) next to
 * `<name>.alloy` or `<name>.otel.yaml` (the contents, byte for byte), or the
 * metadata file alone with the contents inline when a file would lose some of
 * them. Names are written double-quoted, so that leading or trailing
 * whitespace and tabs survive. Pure.
 */
export function pipelineFiles(remote: readonly RemotePipeline[]): ExportedFile[] {
  const used = new Set<string>();
  const files: ExportedFile[] = [];
  const sorted = [...remote].sort((a, b) => (a.spec.name < b.spec.name ? -1 : a.spec.name > b.spec.name ? 1 : 0));
  for (const r of sorted) {
    const s = r.spec;
    const pathsOf = (base: string) => [`${base}.yaml`, s.configType === "otel" ? `${base}.otel.yaml` : `${base}.alloy`] as const;
    // Every file name, not just the base, must be new (`a` as OTel writes
    // `a.otel.yaml`), compared without case as case-insensitive file systems do.
    const taken = (base: string) => pathsOf(base).some((path) => used.has(path.toLowerCase()));
    let base = safeBaseName(s.name);
    for (let i = 2; taken(base); i++) base = `${safeBaseName(s.name)}-${i}`;
    const [metaPath, contentsPath] = pathsOf(base);
    used.add(metaPath.toLowerCase());
    used.add(contentsPath.toLowerCase());
    const inline = needsInlineContents(s.contents);
    const meta: { name: Scalar; enabled: boolean; config_type: string; matchers: string[]; metadata?: JsonObject; contents?: Scalar } = {
      name: quoted(s.name),
      enabled: s.enabled,
      config_type: s.configType,
      matchers: [...s.matchers],
    };
    if (s.metadata !== undefined && Object.keys(s.metadata).length > 0) meta.metadata = s.metadata;
    if (inline) meta.contents = quoted(s.contents);
    // The header is a comment: one line, whatever the namespace or id hold.
    const header = `# Exported from Fleet Management (${safeText(formatSource(r.source))}, id ${safeText(r.id || "unknown")}).\n`;
    files.push({ path: metaPath, text: header + new Document(meta).toString({ lineWidth: 0 }) });
    if (!inline) files.push({ path: contentsPath, text: s.contents });
  }
  return files;
}

function quoted(text: string): Scalar {
  const scalar = new Scalar(text);
  scalar.type = Scalar.QUOTE_DOUBLE;
  return scalar;
}

/** What is at `path` without following a symlink: "none", "file", or what else it is. */
async function entryKind(path: string): Promise<"none" | "file" | "directory" | "symlink" | "special"> {
  try {
    const stats = await lstat(path);
    if (stats.isSymbolicLink()) return "symlink";
    if (stats.isFile()) return "file";
    if (stats.isDirectory()) return "directory";
    return "special";
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return "none";
    throw error;
  }
}

const KIND_WORDS = { directory: "a folder", symlink: "a symlink", special: "a FIFO, socket or device" } as const;

// O_NOFOLLOW and O_EXCL: the temporary file is new, and never a link's target.
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/** Writes `text` to a new temporary file next to `path`; returns its path. */
async function writeTemporary(path: string, text: string): Promise<string> {
  const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await open(temporary, CREATE_FLAGS, 0o644);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return temporary;
}

/**
 * Lists the service's pipelines (optionally one scope's) and writes them as
 * files. Only regular files inside `dir` are written or replaced: the folder
 * must not be a symlink, and an existing entry that is a symlink (live or
 * dangling), a FIFO, a device or a folder is refused before anything is
 * written. Each file goes through a temporary file and a rename; without
 * `overwrite`, through a hard link, which fails instead of replacing a file
 * that appeared meanwhile. On failure, the error lists the files written.
 */
export async function exportPipelines(client: PipelinesClient, options: ExportPipelinesOptions): Promise<ExportPipelinesResult> {
  const remote = await listRemote(client, new CallLog(), options.signal);
  const { scope, dir } = options;
  const chosen = scope ? remote.filter((r) => sourceMatchesScope(r.source, scope)) : remote;
  const files = pipelineFiles(chosen);
  await mkdir(dir, { recursive: true });
  const dirKind = await entryKind(dir);
  if (dirKind !== "directory") {
    throw new ConfigurationError(`${safeText(dir)} is ${dirKind === "symlink" ? "a symlink" : "not a folder"}; export writes only into a real folder`);
  }
  for (const f of files) {
    const path = join(dir, f.path);
    const kind = await entryKind(path);
    if (kind === "none") continue;
    if (kind !== "file") {
      throw new ConfigurationError(`${safeText(path)} is ${KIND_WORDS[kind]}; export writes only regular files and never through a link: remove it first`);
    }
    if (options.overwrite !== true) {
      throw new ConfigurationError(`${safeText(path)} already exists; export into an empty folder, or replace existing files with --overwrite (option overwrite: true).`);
    }
  }
  const written: string[] = [];
  try {
    for (const f of files) {
      options.signal?.throwIfAborted();
      const path = join(dir, f.path);
      const temporary = await writeTemporary(path, f.text);
      try {
        if (options.overwrite === true) {
          // rename replaces a directory entry and never follows a link there.
          if ((await entryKind(path)) !== "none" && (await entryKind(path)) !== "file") throw new ConfigurationError(`${safeText(path)} changed into something other than a file during the export`);
          await rename(temporary, path);
        } else {
          await link(temporary, path);
          await unlink(temporary);
        }
      } catch (error) {
        await unlink(temporary).catch(() => undefined);
        throw error;
      }
      written.push(f.path);
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const done = written.length === 0 ? "no file was written" : `${written.length} of ${files.length} files were written: ${written.map(safeText).join(", ")}`;
    throw new ConfigurationError(`export stopped: ${safeText(reason)}; ${done}`, { cause: error });
  }
  return { pipelines: chosen.map((r) => r.spec.name).sort(), files: files.map((f) => f.path).sort() };
}
