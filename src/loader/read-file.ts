// Reads one file with a size cap that holds against hostile files. The common
// case (a small file) costs three system calls: open, one read into a scratch
// buffer, close. Only when the scratch buffer fills does it fstat the file, so
// a too-large file is refused from its size after at most one scratch-buffer
// read, never read whole. O_NONBLOCK keeps a FIFO from blocking the open.
// The callback API is used on purpose: it is markedly cheaper per call than
// FileHandle when tens of thousands of files are read.
import { close, constants, fstat, open, read, type Stats } from "node:fs";

export type ReadResult =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; code: "TOO_LARGE" | "UNREADABLE"; message: string };

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
export const SCRATCH_BYTES = 64 * 1024;

const openFile = (path: string) =>
  new Promise<number>((resolve, reject) => open(path, OPEN_FLAGS, (error, fd) => (error ? reject(error) : resolve(fd))));
const readInto = (fd: number, buffer: Uint8Array, offset: number) =>
  new Promise<number>((resolve, reject) =>
    read(fd, buffer, offset, buffer.length - offset, null, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead))),
  );
const statFile = (fd: number) => new Promise<Stats>((resolve, reject) => fstat(fd, (error, stats) => (error ? reject(error) : resolve(stats))));
const closeFile = (fd: number) => new Promise<void>((resolve) => close(fd, () => resolve()));

/** Reads up to `maxBytes`. The returned bytes may live in `scratch`: use them before the next call with it. */
export async function readFileLimited(path: string, maxBytes: number, scratch: Uint8Array): Promise<ReadResult> {
  let fd: number;
  try {
    fd = await openFile(path);
  } catch (error) {
    return { ok: false, code: "UNREADABLE", message: `cannot be read: ${describeFsError(error)}` };
  }
  try {
    // One byte more than allowed tells "exactly at the limit" from "over it".
    const first = scratch.length > maxBytes + 1 ? scratch.subarray(0, maxBytes + 1) : scratch;
    let filled = await readInto(fd, first, 0);
    if (filled < first.length) {
      // A short read from a regular file is its end (the walk only hands us regular files).
      if (filled > maxBytes) return tooLarge(maxBytes);
      return { ok: true, bytes: first.subarray(0, filled) };
    }
    const stats = await statFile(fd);
    if (!stats.isFile()) return { ok: false, code: "UNREADABLE", message: "is not a regular file" };
    if (stats.size > maxBytes) return tooLarge(maxBytes, stats.size);
    const buffer = new Uint8Array(Math.min(stats.size, maxBytes) + 1);
    buffer.set(first.subarray(0, filled));
    while (filled < buffer.length) {
      const bytesRead = await readInto(fd, buffer, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    // The file grew between fstat and the read.
    if (filled > maxBytes) return tooLarge(maxBytes);
    return { ok: true, bytes: buffer.subarray(0, filled) };
  } catch (error) {
    return { ok: false, code: "UNREADABLE", message: `cannot be read: ${describeFsError(error)}` };
  } finally {
    await closeFile(fd);
  }
}

function tooLarge(maxBytes: number, size?: number): ReadResult {
  const what = size === undefined ? "is" : `is ${formatBytes(size)},`;
  return { ok: false, code: "TOO_LARGE", message: `${what} over the limit of ${formatBytes(maxBytes)}` };
}

export function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory";
    case "ELOOP":
      return "symlink loop";
    case "ENOTDIR":
      return "a parent is not a directory";
    case "EAGAIN":
      return "not a regular file (would block)";
    default:
      return typeof code === "string" ? code : error instanceof Error ? error.message : String(error);
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${trim(bytes / 1024)} KiB`;
  if (bytes < 1024 * 1024 * 1024) return `${trim(bytes / (1024 * 1024))} MiB`;
  return `${trim(bytes / (1024 * 1024 * 1024))} GiB`;
}

function trim(value: number): string {
  return value.toFixed(1).replace(/\.0$/, "");
}
