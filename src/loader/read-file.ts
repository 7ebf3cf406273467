// Reads one file with a size cap that holds even against hostile files: the
// size is checked on the open handle before any byte is read (no reading a
// 10 GB file to find out it is too big), the read stops one byte past the cap
// (a file growing under us), and O_NONBLOCK keeps a FIFO named `x.yaml` from
// blocking the open forever.
import { constants } from "node:fs";
import { open } from "node:fs/promises";

export type ReadResult =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; code: "TOO_LARGE" | "UNREADABLE"; message: string };

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export async function readFileLimited(path: string, maxBytes: number): Promise<ReadResult> {
  let handle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    return { ok: false, code: "UNREADABLE", message: `cannot be read: ${describeFsError(error)}` };
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) return { ok: false, code: "UNREADABLE", message: "is a directory, not a file" };
    if (!stats.isFile()) return { ok: false, code: "UNREADABLE", message: "is not a regular file" };
    if (stats.size > maxBytes) {
      return { ok: false, code: "TOO_LARGE", message: `is ${formatBytes(stats.size)}, over the limit of ${formatBytes(maxBytes)}` };
    }
    // One byte more than allowed, to notice a file that grew since fstat.
    const buffer = new Uint8Array(Math.min(stats.size, maxBytes) + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled > maxBytes) {
      return { ok: false, code: "TOO_LARGE", message: `is over the limit of ${formatBytes(maxBytes)}` };
    }
    return { ok: true, bytes: buffer.subarray(0, filled) };
  } catch (error) {
    return { ok: false, code: "UNREADABLE", message: `cannot be read: ${describeFsError(error)}` };
  } finally {
    await handle.close().catch(() => undefined);
  }
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
