// Builds throw-away folders for loader tests: files, binary files and symlinks.
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export type Entry = string | Uint8Array | { symlink: string };

export interface Tree {
  /** Absolute path of the temporary folder. */
  root: string;
  /** Absolute path of something inside it. */
  path: (...parts: string[]) => string;
  remove: () => Promise<void>;
}

export async function makeTree(entries: Record<string, Entry>): Promise<Tree> {
  const root = await mkdtemp(join(tmpdir(), "fleet-loader-"));
  await addToTree(root, entries);
  return { root, path: (...parts) => join(root, ...parts), remove: () => rm(root, { recursive: true, force: true }) };
}

export async function addToTree(root: string, entries: Record<string, Entry>): Promise<void> {
  for (const [relative, entry] of Object.entries(entries)) {
    const path = join(root, relative);
    await mkdir(dirname(path), { recursive: true });
    if (typeof entry === "object" && "symlink" in entry) await symlink(entry.symlink, path);
    else await writeFile(path, entry);
  }
}

export const ALLOY = 'prometheus.exporter.unix "default" { }\n';
