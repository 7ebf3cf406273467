// Notices when the process that started this one is gone, so that a
// long-running command (the emulator) does not outlive it. A parent killed
// with SIGKILL sends no signal to its children: the child is re-parented
// (its ppid changes) or, when the parent was a `sh -c` wrapper (what
// `npx`/`npm exec` run a bin through; dash does not exec the last command),
// the shell stays alive waiting on us while *its* parent is gone. So the
// watch covers the parent and, through such a shell, the grandparent.
import { readFileSync } from "node:fs";

const SHELLS = new Set(["sh", "bash", "dash", "zsh", "ash", "ksh"]);

/** Linux only: `/proc/<pid>/stat`'s state and ppid, or undefined when unreadable or gone. */
function procStat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
    const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { state: rest[0] ?? "", ppid: Number(rest[1]) };
  } catch {
    return undefined;
  }
}

/** Linux only: true when `pid` runs `<shell> -c …`. */
function isShellWrapper(pid: number): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    const name = (argv[0] ?? "").split("/").pop() ?? "";
    return SHELLS.has(name) && argv[1] === "-c";
  } catch {
    return false;
  }
}

function isGone(pid: number): boolean {
  // A dead parent not yet reaped is a zombie: signal 0 still reaches it.
  if (procStat(pid)?.state === "Z") return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Calls `onGone` once when the parent (or, through a `sh -c` parent, the
 * grandparent) has exited. Returns a function that stops the watch. Does
 * nothing when started by init or a container's pid 1 (no parent to lose).
 */
export function watchParent(onGone: () => void, intervalMs = 250): () => void {
  const parent = process.ppid;
  if (parent <= 1) return () => {};
  const watched = [parent];
  if (isShellWrapper(parent)) {
    const grandparent = procStat(parent)?.ppid;
    if (grandparent !== undefined && grandparent > 1) watched.push(grandparent);
  }
  const timer = setInterval(() => {
    if (process.ppid !== parent || watched.some(isGone)) {
      clearInterval(timer);
      onGone();
    }
  }, intervalMs);
  // The watch alone must not keep the process alive.
  timer.unref();
  return () => clearInterval(timer);
}
