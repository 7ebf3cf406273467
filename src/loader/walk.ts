// Walks the folder and lists the files the loader cares about. Hidden entries
// and node_modules are skipped, and so is whatever `exclude` matches. Symlinks
// are followed only while they stay inside the folder (checked on the real
// path), and a symlinked folder that leads back to one of its own ancestors
// is reported instead of walked forever. Every real folder is walked once:
// a second way to reach it (two symlinks to one folder, a symlink to a
// sibling) is reported, not walked again, so that links to links cannot make
// the walk exponential (25 folders of two links each would be 2^25 paths).
import { readdir, realpath, stat } from "node:fs/promises";
import type { Dirent } from "node:fs";
import { basename, join, relative } from "node:path";
import { describeFsError } from "./read-file.js";
import type { PathMatcher } from "./glob.js";
import type { Limiter } from "./limit.js";
import { classifyFile, isInside, metadataBaseName, type FileKind } from "./paths.js";
import type { LoadIssue, LoadIssueCode } from "./types.js";

/**
 * Caps that stop a pathological tree (symlink fan-out, millions of entries)
 * early. 25 000 entries hold 10 000 pipelines with their contents files, fifty
 * times a stack's default limit; refusing a larger tree stays within the
 * bounded-resources targets (see the loader bench).
 */
export const MAX_WALK_ENTRIES = 25_000;
export const MAX_WALK_DEPTH = 128;

export interface WalkedFile {
  /** Absolute path as reached through the folder (symlinks not resolved). */
  path: string;
  /** Path relative to the folder, `/`-separated. */
  relativePath: string;
  kind: FileKind;
}

export interface WalkOptions {
  root: string;
  realRoot: string;
  exclude: PathMatcher;
  limit: Limiter;
  display: (path: string) => string;
  signal?: AbortSignal | undefined;
}

export interface WalkResult {
  files: WalkedFile[];
  issues: LoadIssue[];
  /**
   * Pipeline files that exist but were refused (symlink outside, loop, not a
   * regular file), with the issue reported for each: a metadata file next to
   * one must not also be told its contents are missing.
   */
  refused: Map<string, LoadIssue>;
}

export async function walkFolder(options: WalkOptions): Promise<WalkResult> {
  const { root, realRoot, exclude, limit, display, signal } = options;
  const files: WalkedFile[] = [];
  const issues: LoadIssue[] = [];
  const refused = new Map<string, LoadIssue>();
  let entries = 0;
  let stopped = false;
  // Real path of every folder walked → the path it was first reached by.
  const walked = new Map<string, string>([[realRoot, root]]);
  // Second ways to a walked folder, reported after the walk (deterministically).
  const again: { path: string; real: string }[] = [];

  const fail = (code: LoadIssueCode, path: string, message: string) => {
    const issue: LoadIssue = { code, severity: "error", file: display(path), message };
    const kind = classifyFile(basename(path));
    if (kind === "metadata") issue.pipeline = metadataBaseName(basename(path));
    if (kind !== undefined) refused.set(path, issue);
    issues.push(issue);
  };

  const stopIfTooMany = (path: string): boolean => {
    if (stopped) return true;
    if (++entries > MAX_WALK_ENTRIES) {
      stopped = true;
      fail("TOO_MANY_FILES", path, `the folder holds more than ${MAX_WALK_ENTRIES} entries; exclude what is not pipelines`);
      return true;
    }
    return false;
  };

  // `ancestors`: real paths of this folder and every folder above it in the walk.
  const visit = async (path: string, relativePath: string, ancestors: string[]): Promise<void> => {
    signal?.throwIfAborted();
    if (ancestors.length > MAX_WALK_DEPTH) {
      fail("TOO_DEEP", path, `folders are nested more than ${MAX_WALK_DEPTH} levels deep`);
      return;
    }
    let dirents: Dirent[];
    try {
      dirents = await limit(() => readdir(path, { withFileTypes: true }));
    } catch (error) {
      fail("UNREADABLE", path, `folder cannot be read: ${describeFsError(error)}`);
      return;
    }
    const realHere = ancestors[ancestors.length - 1]!;
    const children: Promise<void>[] = [];
    for (const dirent of dirents) {
      const name = dirent.name;
      if (name.startsWith(".")) continue;
      const childPath = join(path, name);
      const childRelative = relativePath === "" ? name : `${relativePath}/${name}`;
      if (exclude(childRelative)) continue;
      if (stopIfTooMany(childPath)) break;
      if (dirent.isDirectory()) {
        if (name === "node_modules") continue;
        const real = join(realHere, name);
        if (walked.has(real)) {
          again.push({ path: childPath, real });
          continue;
        }
        walked.set(real, childPath);
        children.push(visit(childPath, childRelative, [...ancestors, real]));
      } else if (dirent.isSymbolicLink()) {
        children.push(followLink(childPath, childRelative, name, ancestors));
      } else {
        const kind = classifyFile(name);
        if (kind === undefined) continue;
        if (dirent.isFile()) files.push({ path: childPath, relativePath: childRelative, kind });
        else fail("UNREADABLE", childPath, "is not a regular file (a device, socket or pipe)");
      }
    }
    await Promise.all(children);
  };

  const followLink = async (path: string, relativePath: string, name: string, ancestors: string[]): Promise<void> => {
    const kind = classifyFile(name);
    let target: string;
    try {
      target = await limit(() => realpath(path));
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === "ELOOP") fail("SYMLINK_LOOP", path, "is a symlink that loops back on itself");
      else if (kind !== undefined) {
        fail("UNREADABLE", path, code === "ENOENT" ? "is a broken symlink (its target does not exist)" : `cannot be resolved: ${describeFsError(error)}`);
      }
      return;
    }
    let isDirectory: boolean;
    let isFile: boolean;
    try {
      const stats = await limit(() => stat(target));
      isDirectory = stats.isDirectory();
      isFile = stats.isFile();
    } catch (error) {
      if (kind !== undefined) fail("UNREADABLE", path, `cannot be read: ${describeFsError(error)}`);
      return;
    }
    if (isDirectory) {
      if (name === "node_modules") return;
      if (!isInside(realRoot, target)) {
        fail("OUTSIDE_FOLDER", path, `is a symlink to a folder outside the folder being loaded (${target})`);
      } else if (ancestors.includes(target)) {
        fail("SYMLINK_LOOP", path, "is a symlink to a folder that contains it; following it would loop forever");
      } else if (walked.has(target)) {
        again.push({ path, real: target });
      } else {
        walked.set(target, path);
        await visit(path, relativePath, [...ancestors, target]);
      }
      return;
    }
    if (kind === undefined) return;
    if (!isInside(realRoot, target)) {
      fail("OUTSIDE_FOLDER", path, `is a symlink to a file outside the folder being loaded (${target})`);
      return;
    }
    if (!isFile) {
      fail("UNREADABLE", path, "is a symlink to something that is not a regular file (a device, socket or pipe)");
      return;
    }
    files.push({ path, relativePath, kind });
  };

  await visit(root, "", [realRoot]);
  // Which way was walked first depends on timing; the report does not: for
  // every folder reached more than once it keeps the folder's own path (else
  // the first in sorted order) and reports each other way.
  const ways = new Map<string, string[]>();
  for (const { path, real } of again) ways.set(real, [...(ways.get(real) ?? [walked.get(real)!]), path]);
  for (const [real, list] of ways) {
    const own = (path: string) => relative(root, path) === relative(realRoot, real);
    list.sort((a, b) => (own(a) !== own(b) ? (own(a) ? -1 : 1) : a < b ? -1 : a > b ? 1 : 0));
    for (const path of list.slice(1)) {
      fail("DUPLICATE_FOLDER", path, `leads to a folder already loaded as ${display(list[0]!)}; a folder is loaded once (remove the extra symlink, or exclude it)`);
    }
  }
  return { files, issues, refused };
}
