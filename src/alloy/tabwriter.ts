// Stages 3 and 4 of the formatter: elastic tabstops (the layout of Go's
// text/tabwriter with minwidth 0, tabwidth 8, padding 1, space padding,
// DiscardEmptyColumns and TabIndent) and the trimmer that drops trailing
// blanks. Alloy's alignment of `=` and of trailing comments comes from here.
//
// Input conventions: "\t" ends a hard cell, "\v" a soft cell, "\n" a line,
// "\f" a line and every alignment run. Text between two ESC characters is
// opaque: its terminators are not interpreted, the trimmer keeps its blanks,
// and its width excludes the ESC characters.

/**
 * The bracket around opaque text. A lone surrogate: text decoded from valid
 * UTF-8 (all the formatter ever prints) cannot contain one.
 */
export const ESC = "\uDFFF";

interface Cell {
  /** Start and end index of the cell's text in the input (ESC included). */
  start: number;
  end: number;
  /** Width in code points, ESC excluded. */
  width: number;
  htab: boolean;
}

const TAB_WIDTH = 8;

function codePoints(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    // Count a surrogate pair once; ESC (a lone low surrogate) not at all.
    if (c >= 0xdc00 && c <= 0xdfff) continue;
    n++;
  }
  return n;
}

/** Splits one section (no form feeds outside ESC) into lines of cells. */
function splitCells(text: string, from: number, to: number): Cell[][] {
  const lines: Cell[][] = [];
  let line: Cell[] = [];
  let cellStart = from;
  let inEsc = false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xdfff) {
      inEsc = !inEsc;
      continue;
    }
    if (inEsc) continue;
    if (c === 0x09 || c === 0x0b) {
      line.push({ start: cellStart, end: i, width: codePoints(text, cellStart, i), htab: c === 0x09 });
      cellStart = i + 1;
    } else if (c === 0x0a) {
      line.push({ start: cellStart, end: i, width: codePoints(text, cellStart, i), htab: false });
      lines.push(line);
      line = [];
      cellStart = i + 1;
    }
  }
  line.push({ start: cellStart, end: to, width: codePoints(text, cellStart, to), htab: false });
  lines.push(line);
  return lines;
}

class Section {
  private readonly widths: number[] = [];

  constructor(
    private readonly text: string,
    private readonly lines: Cell[][],
    private readonly out: string[],
  ) {}

  run(): void {
    this.format(0, this.lines.length);
  }

  private format(line0: number, line1: number): void {
    const column = this.widths.length;
    for (let i = line0; i < line1; i++) {
      if (column >= this.lines[i]!.length - 1) continue;
      // A column block starts here: write the lines before it.
      this.writeLines(line0, i);
      line0 = i;
      let width = 0;
      let discardable = true;
      for (; i < line1; i++) {
        const line = this.lines[i]!;
        if (column >= line.length - 1) break;
        const c = line[column]!;
        if (c.width + 1 > width) width = c.width + 1;
        if (c.width > 0 || c.htab) discardable = false;
      }
      if (discardable) width = 0;
      this.widths.push(width);
      this.format(line0, i);
      this.widths.pop();
      line0 = i;
      // The outer loop's i++ must not skip the line that ended the block.
      i--;
    }
    this.writeLines(line0, line1);
  }

  private writeLines(line0: number, line1: number): void {
    const out = this.out;
    const widths = this.widths;
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i]!;
      let useTabs = true;
      for (let j = 0; j < line.length; j++) {
        const c = line[j]!;
        const isLast = j === line.length - 1;
        if (c.end === c.start) {
          if (j < widths.length && !isLast) out.push(padding(c.width, widths[j]!, useTabs));
        } else {
          useTabs = false;
          out.push(this.text.slice(c.start, c.end));
          if (j < widths.length && !isLast) out.push(" ".repeat(widths[j]! - c.width));
        }
      }
      if (i + 1 < this.lines.length) out.push("\n");
    }
  }
}

function padding(textWidth: number, cellWidth: number, useTabs: boolean): string {
  if (useTabs) {
    const rounded = Math.ceil(cellWidth / TAB_WIDTH) * TAB_WIDTH;
    return "\t".repeat(Math.ceil((rounded - textWidth) / TAB_WIDTH));
  }
  return " ".repeat(cellWidth - textWidth);
}

/** The characters stage 3 acts on; everything else is copied. */
const SPECIAL = /[\t\n\v\f\uDFFF]/g;

/** Stage 3: aligns cells; form feeds and line feeds become LF. Opaque text keeps its ESC brackets. */
export function alignCells(text: string): string {
  const out: string[] = [];
  let start = 0;
  // Whether the section has a cell to align: a tab or vertical tab after
  // other text on its line. Leading tabs alone (indentation) come out as
  // they went in, so such a section is copied as is.
  let needsLayout = false;
  let lineHasText = false;
  let prev = 0; // just after the previous special character
  SPECIAL.lastIndex = 0;
  for (;;) {
    const m = SPECIAL.exec(text);
    const i = m ? m.index : text.length;
    if (i > prev) lineHasText = true;
    if (!m) break;
    const c = text.charCodeAt(i);
    if (c === 0xdfff) {
      // Opaque text: jump to its closing ESC.
      const close = text.indexOf(ESC, i + 1);
      const end = close < 0 ? text.length : close + 1;
      lineHasText = true;
      SPECIAL.lastIndex = end;
      prev = end;
      continue;
    }
    prev = i + 1;
    if (c === 0x09 || c === 0x0b) {
      if (lineHasText || c === 0x0b) needsLayout = true;
    } else if (c === 0x0a) {
      lineHasText = false;
    } else {
      // A form feed ends the section.
      flushSection(text, start, i, needsLayout, out);
      out.push("\n");
      start = i + 1;
      needsLayout = false;
      lineHasText = false;
    }
  }
  flushSection(text, start, text.length, needsLayout, out);
  return out.join("");
}

function flushSection(text: string, start: number, end: number, needsLayout: boolean, out: string[]): void {
  if (needsLayout) new Section(text, splitCells(text, start, end), out).run();
  else out.push(text.slice(start, end));
}

/** Stage 4: removes the ESC brackets and the blanks before line ends and at the end (outside opaque text). */
export function trimBlanks(text: string): string {
  const out: string[] = [];
  let inEsc = false;
  let runStart = 0; // start of plain text not yet copied
  let blankStart = -1; // start of a pending run of spaces/tabs
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xdfff) {
      if (!inEsc) {
        out.push(text.slice(runStart, i));
      } else {
        out.push(text.slice(runStart, i));
      }
      runStart = i + 1;
      blankStart = -1;
      inEsc = !inEsc;
      continue;
    }
    if (inEsc) continue;
    if (c === 0x20 || c === 0x09) {
      if (blankStart < 0) blankStart = i;
    } else if (c === 0x0a || c === 0x0c) {
      if (blankStart >= 0) {
        out.push(text.slice(runStart, blankStart));
        runStart = i;
      }
      blankStart = -1;
    } else {
      blankStart = -1;
    }
  }
  out.push(text.slice(runStart, blankStart >= 0 && !inEsc ? blankStart : text.length));
  return out.join("");
}
