// Minimal table printer shared by the bench modules.
export interface Reporter {
  /** Prints a titled table; every row has the same keys as the first. */
  table(title: string, rows: Record<string, string | number>[]): void;
  /** Prints one line of context under the current bench. */
  note(text: string): void;
}

export interface BenchModule {
  default: (report: Reporter) => Promise<void>;
}

export function createReporter(write: (line: string) => void = (l) => console.log(l)): Reporter {
  return {
    table(title, rows) {
      write(`\n## ${title}`);
      const first = rows[0];
      if (!first) {
        write("(no rows)");
        return;
      }
      const keys = Object.keys(first);
      const cells = rows.map((r) => keys.map((k) => String(r[k] ?? "")));
      const widths = keys.map((k, i) => Math.max(k.length, ...cells.map((c) => c[i]!.length)));
      const line = (vals: string[]) => "| " + vals.map((v, i) => v.padEnd(widths[i]!)).join(" | ") + " |";
      write(line(keys));
      write("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
      for (const c of cells) write(line(c));
    },
    note(text) {
      write(text);
    },
  };
}

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
