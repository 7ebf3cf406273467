// Line diff (Myers' O(ND) algorithm in its linear-space form: find the middle
// snake, recurse on both halves) and unified-diff printing. Memory stays
// linear in the input; time is O((N+M)·D).

export type DiffOpKind = "equal" | "delete" | "insert";

export interface DiffOp {
  kind: DiffOpKind;
  line: string;
}

/** Options of `unifiedDiff`. */
export interface UnifiedDiffOptions {
  /** Unchanged lines shown around each change. Default 3. */
  context?: number | undefined;
  /** When both labels are given, `--- from` / `+++ to` header lines come first. */
  fromLabel?: string | undefined;
  /** The label of the `+++` line (see `fromLabel`). */
  toLabel?: string | undefined;
}

/** The shortest edit script turning lines `a` into lines `b`. */
export function diffLines(a: readonly string[], b: readonly string[]): DiffOp[] {
  // Lines become small integers so the inner loops compare numbers.
  const ids = new Map<string, number>();
  const intern = (line: string) => {
    let id = ids.get(line);
    if (id === undefined) ids.set(line, (id = ids.size));
    return id;
  };
  const A = Int32Array.from(a, intern);
  const B = Int32Array.from(b, intern);
  const ops: DiffOp[] = [];
  const emit = (kind: DiffOpKind, from: readonly string[], lo: number, hi: number) => {
    for (let i = lo; i < hi; i++) ops.push({ kind, line: from[i]! });
  };

  const walk = (aLo: number, aHi: number, bLo: number, bHi: number): void => {
    while (aLo < aHi && bLo < bHi && A[aLo] === B[bLo]) {
      ops.push({ kind: "equal", line: a[aLo]! });
      aLo++;
      bLo++;
    }
    let aEnd = aHi;
    let bEnd = bHi;
    while (aEnd > aLo && bEnd > bLo && A[aEnd - 1] === B[bEnd - 1]) {
      aEnd--;
      bEnd--;
    }
    if (aLo === aEnd) {
      emit("insert", b, bLo, bEnd);
    } else if (bLo === bEnd) {
      emit("delete", a, aLo, aEnd);
    } else {
      const split = middleSnake(A, B, aLo, aEnd, bLo, bEnd);
      if (split === undefined || (split[0] === aLo && split[1] === bLo) || (split[0] === aEnd && split[1] === bEnd)) {
        emit("delete", a, aLo, aEnd);
        emit("insert", b, bLo, bEnd);
      } else {
        walk(aLo, split[0], bLo, split[1]);
        walk(split[0], aEnd, split[1], bEnd);
      }
    }
    emit("equal", a, aEnd, aHi);
  };
  walk(0, A.length, 0, B.length);
  return ops;
}

/**
 * Where a shortest path through the edit graph of A[aLo,aHi) × B[bLo,bHi)
 * crosses its middle, found by running the search forward from the start and
 * backward from the end until the two frontiers overlap.
 */
function middleSnake(
  A: Int32Array,
  B: Int32Array,
  aLo: number,
  aHi: number,
  bLo: number,
  bHi: number,
): [number, number] | undefined {
  const n = aHi - aLo;
  const m = bHi - bLo;
  const maxD = Math.ceil((n + m) / 2);
  const offset = maxD + 1;
  const size = 2 * maxD + 3;
  // forward[k]: furthest x on diagonal k from the start; backward[k]: the
  // same counted from the end. -1 marks a diagonal not reached yet.
  const forward = new Int32Array(size).fill(-1);
  const backward = new Int32Array(size).fill(-1);
  forward[offset + 1] = 0;
  backward[offset + 1] = 0;
  const delta = n - m;
  const oddDelta = (delta & 1) !== 0;
  // Diagonals that ran off the grid are skipped in later rounds.
  let fStart = 0;
  let fEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  for (let d = 0; d < maxD; d++) {
    for (let k = -d + fStart; k <= d - fEnd; k += 2) {
      const i = offset + k;
      let x = k === -d || (k !== d && forward[i - 1]! < forward[i + 1]!) ? forward[i + 1]! : forward[i - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && A[aLo + x] === B[bLo + y]) {
        x++;
        y++;
      }
      forward[i] = x;
      if (x > n) fEnd += 2;
      else if (y > m) fStart += 2;
      else if (oddDelta) {
        const j = offset + delta - k;
        if (j >= 0 && j < size && backward[j]! !== -1 && x >= n - backward[j]!) return [aLo + x, bLo + y];
      }
    }
    for (let k = -d + bStart; k <= d - bEnd; k += 2) {
      const i = offset + k;
      let x = k === -d || (k !== d && backward[i - 1]! < backward[i + 1]!) ? backward[i + 1]! : backward[i - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && A[aHi - 1 - x] === B[bHi - 1 - y]) {
        x++;
        y++;
      }
      backward[i] = x;
      if (x > n) bEnd += 2;
      else if (y > m) bStart += 2;
      else if (!oddDelta) {
        const j = offset + delta - k;
        if (j >= 0 && j < size && forward[j]! !== -1) {
          const fx = forward[j]!;
          if (fx >= n - x) return [aLo + fx, bLo + fx - (delta - k)];
        }
      }
    }
  }
  return undefined;
}

/** Splits text into lines; tells whether the last line lacks its newline. */
export function splitLines(text: string): { lines: string[]; missingFinalNewline: boolean } {
  if (text === "") return { lines: [], missingFinalNewline: false };
  const lines = text.split("\n");
  const missingFinalNewline = lines.at(-1) !== "";
  if (!missingFinalNewline) lines.pop();
  return { lines, missingFinalNewline };
}

/**
 * A unified diff of two texts (`@@ -a,b +c,d @@` hunks, ` `/`-`/`+` lines),
 * or "" when they are equal. A last line without a newline is followed by
 * `\ No newline at end of file`, as in diff(1).
 */
export function unifiedDiff(before: string, after: string, options: UnifiedDiffOptions = {}): string {
  const context = Math.max(0, options.context ?? 3);
  const a = splitLines(before);
  const b = splitLines(after);
  // A last line without its newline differs from the same text with one.
  const ops = diffLines(markLast(a), markLast(b));
  // Position of each op in both texts (1-based line numbers of the next line).
  const aLine: number[] = [];
  const bLine: number[] = [];
  let ai = 1;
  let bi = 1;
  for (const op of ops) {
    aLine.push(ai);
    bLine.push(bi);
    if (op.kind !== "insert") ai++;
    if (op.kind !== "delete") bi++;
  }
  const hunks: Array<[number, number]> = [];
  for (let i = 0; i < ops.length; i++) {
    if (ops[i]!.kind === "equal") continue;
    const start = Math.max(0, i - context);
    let end = i;
    // Extend through changes separated by at most 2·context equal lines.
    for (let j = i; j < ops.length; j++) {
      if (ops[j]!.kind !== "equal") end = j;
      else if (j - end > 2 * context) break;
    }
    const stop = Math.min(ops.length, end + context + 1);
    const last = hunks.at(-1);
    if (last !== undefined && start <= last[1]) last[1] = stop;
    else hunks.push([start, stop]);
    i = stop - 1;
  }
  if (hunks.length === 0) return "";

  const out: string[] = [];
  if (options.fromLabel !== undefined && options.toLabel !== undefined) {
    out.push(`--- ${options.fromLabel}`, `+++ ${options.toLabel}`);
  }
  const aLast = a.lines.length - 1;
  const bLast = b.lines.length - 1;
  for (const [start, stop] of hunks) {
    let aCount = 0;
    let bCount = 0;
    for (let i = start; i < stop; i++) {
      if (ops[i]!.kind !== "insert") aCount++;
      if (ops[i]!.kind !== "delete") bCount++;
    }
    const aStart = aCount === 0 ? aLine[start]! - 1 : aLine[start]!;
    const bStart = bCount === 0 ? bLine[start]! - 1 : bLine[start]!;
    out.push(`@@ -${range(aStart, aCount)} +${range(bStart, bCount)} @@`);
    for (let i = start; i < stop; i++) {
      const op = ops[i]!;
      const line = op.line.endsWith(NO_NEWLINE) ? op.line.slice(0, -NO_NEWLINE.length) : op.line;
      out.push((op.kind === "equal" ? " " : op.kind === "delete" ? "-" : "+") + line);
      const endsA = op.kind !== "insert" && aLine[i]! - 1 === aLast && a.missingFinalNewline;
      const endsB = op.kind !== "delete" && bLine[i]! - 1 === bLast && b.missingFinalNewline;
      if (endsA || endsB) out.push("\\ No newline at end of file");
    }
  }
  return out.join("\n") + "\n";
}

const NO_NEWLINE = "\u0000";

function markLast(text: { lines: string[]; missingFinalNewline: boolean }): string[] {
  if (!text.missingFinalNewline) return text.lines;
  const lines = [...text.lines];
  lines[lines.length - 1] += NO_NEWLINE;
  return lines;
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`;
}
