// A one-line progress indicator for applies that take more than a moment.
// Only on a TTY, only after `delayMs`, redrawn in place, erased at the end.
import type { ApplyProgress } from "../apply/index.js";
import { displayName } from "../render/index.js";
import type { CliOutput } from "./io.js";

export interface ProgressLine {
  update(event: ApplyProgress): void;
  /** Erases the line (if drawn). */
  done(): void;
}

export function createProgressLine(
  out: CliOutput,
  options: { enabled: boolean; delayMs?: number; now?: () => number },
): ProgressLine {
  if (!options.enabled) return { update() {}, done() {} };
  const now = options.now ?? (() => performance.now());
  const started = now();
  const delayMs = options.delayMs ?? 800;
  let drawn = false;
  return {
    update(event) {
      if (now() - started < delayMs) return;
      const what = event.name ? `${event.action} ${displayName(event.name)}` : event.action;
      const width = 30;
      const filled = event.total > 0 ? Math.round((event.done / event.total) * width) : width;
      const bar = "#".repeat(filled) + ".".repeat(width - filled);
      out.write(`\r\u001b[2K[${bar}] ${event.done}/${event.total} ${what.slice(0, 60)}`);
      drawn = true;
    },
    done() {
      if (drawn) out.write("\r\u001b[2K");
      drawn = false;
    },
  };
}
