// The formatter: output equal to `alloy fmt` byte for byte, except where
// upstream's printer would change what the file means (spec 5.6); each such
// place is kept verbatim and reported as a warning.
//
// It is a port of upstream's four-stage pipeline: a walker (here) emits text
// and whitespace controls; the printer (here) interleaves comments using
// source positions; the tabwriter aligns cells; the trimmer drops trailing
// blanks (both in tabwriter.ts).
import type { AlloyFile, Comment, CommentGroup, Expression, ObjectField, Position, Statement } from "./ast.js";
import { diagnosticAt, type AlloyDiagnostic } from "./diagnostics.js";
import { byteLength, parse, startOf } from "./parser.js";
import { goQuote } from "./quote.js";
import { ESC, alignCells, trimBlanks } from "./tabwriter.js";

const enum Ws {
  Ignore,
  Blank,
  Vtab,
  Newline,
  Formfeed,
  Indent,
  Unindent,
}

const enum Kind {
  Other,
  Number,
  Div,
}

const INFINITY = Number.MAX_SAFE_INTEGER;

export interface FormatOutput {
  text: string;
  warnings: AlloyDiagnostic[];
  /** Whether another run may change the text (see formatSource). */
  unstable: boolean;
}

/** Formats a parsed file whose source had no diagnostics. */
export function printFile(file: AlloyFile, src: Uint8Array, lineStarts: readonly number[], filename?: string): FormatOutput {
  const p = new Printer(file.comments, src, lineStarts, filename);
  p.statements(file.body);
  p.finish();
  const text = trimBlanks(alignCells(p.output()));
  // Comments are placed by estimated positions, and a run can put one in a
  // slot from which the next run places it elsewhere: with comments, any
  // change may need another pass.
  return { text: text + "\n", warnings: p.warnings, unstable: p.unstable || file.comments.length > 0 };
}

/** Formats source text: the text, or the syntax errors. Warnings (deviations) come with the text. */
export function formatSource(src: Uint8Array, filename?: string): { text?: string; diagnostics: AlloyDiagnostic[] } {
  const parsed = parse(src, filename);
  if (parsed.diagnostics.length > 0) return { diagnostics: parsed.diagnostics };
  const first = printFile(parsed.file, src, parsed.lineStarts, filename);
  // Upstream is not idempotent on some inputs: an expression written over
  // several lines and joined onto one changes the next run's alignment
  // decisions (a field after a multi-line value starts a new run), and a
  // comment near a token without a recorded position can move again
  // (spec 5.6). Deviation: when the output differs from the input, we format
  // it again until it is stable, so that our output is always canonical
  // (it is also where repeated `alloy fmt` runs end). Inputs that upstream
  // formats in one run are unaffected: their output is already stable.
  // The printer flags the outputs that may not be (any with comments, and a
  // statement or field value that spans lines differently than in the
  // source); only those pay for another pass, and only when they changed.
  let text = first.text;
  let unstable = first.unstable;
  let input = src;
  for (let pass = 0; pass < MAX_PASSES && unstable; pass++) {
    const bytes = encoder.encode(text);
    if (sameBytes(bytes, input)) break;
    const again = parse(bytes, filename);
    if (again.diagnostics.length > 0) break;
    const next = printFile(again.file, bytes, again.lineStarts, filename);
    input = bytes;
    if (next.text === text) break;
    text = next.text;
    unstable = next.unstable;
  }
  return { text, diagnostics: first.warnings };
}

const MAX_PASSES = 4;
const encoder = new TextEncoder();

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

class Printer {
  readonly warnings: AlloyDiagnostic[] = [];
  /** The output may format differently on another run (see formatSource). */
  unstable = false;
  /** Output line of the text written last (1-based). */
  private outLine = 1;

  /** The printed text so far (appending builds a rope, flattened once). */
  private out = "";
  private atLineStart = true;
  private empty = true;
  private depth = 0;
  private pending: Ws[] = [];
  private prevKind: Kind | undefined = undefined;
  // The position estimate (pos) and the line just after the last text written (last).
  private posOffset = 0;
  private posLine = 1;
  private lastLine = 1;
  private commentIndex = 0;
  /** Start offsets of every comment, ascending. */
  private readonly commentOffsets: number[];

  constructor(
    private readonly comments: readonly CommentGroup[],
    private readonly src: Uint8Array,
    private readonly lineStarts: readonly number[],
    private readonly filename: string | undefined,
  ) {
    this.commentOffsets = comments.flatMap((g) => g.comments.map((c) => c.pos.offset));
  }

  /** Whether a comment starts strictly between two offsets. */
  private commentBetween(from: number, to: number): boolean {
    const offsets = this.commentOffsets;
    let lo = 0;
    let hi = offsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (offsets[mid]! <= from) lo = mid + 1;
      else hi = mid;
    }
    return lo < offsets.length && offsets[lo]! < to;
  }

  output(): string {
    return this.out;
  }

  // ---- positions

  private lineOf(offset: number): number {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** Offset just past the end of a line (the start of the next one). */
  private lineEnd(line: number): number {
    return this.lineStarts[line] ?? this.src.length;
  }

  /** Line of an expression's last byte. */
  private endLine(e: Expression): number {
    switch (e.kind) {
      case "Identifier":
        return e.pos.line;
      case "Literal":
        return e.text.includes("\n") ? this.lineOf(e.pos.offset + byteLength(e.text) - 1) : e.pos.line;
      case "Array":
        return e.rbrack.line;
      case "Object":
        return e.rbrace.line;
      case "Access":
        return e.name.pos.line;
      case "Index":
        return e.rbrack.line;
      case "Call":
        return e.rparen.line;
      case "Unary":
        return this.endLine(e.operand);
      case "Binary":
        return this.endLine(e.right);
      case "Paren":
        return e.rparen.line;
    }
  }

  private stmtStartLine(s: Statement): number {
    return s.kind === "Attribute" ? s.name.pos.line : s.namePos.line;
  }

  private stmtEndLine(s: Statement): number {
    return s.kind === "Attribute" ? this.endLine(s.value) : s.rbrace.line;
  }

  private keyEndLine(f: ObjectField): number {
    const k = f.key;
    // A string key's end is computed from its unquoted text (upstream: 2 bytes short); only the line matters.
    return k.name.includes("\n") ? this.lineOf(k.pos.offset + byteLength(k.name) - 1) : k.pos.line;
  }

  // ---- stage 2: the printer

  private ws(w: Ws): void {
    this.pending.push(w);
    this.prevKind = undefined;
  }

  private write(s: string): void {
    if (this.atLineStart && this.depth > 0) this.out += tabs(this.depth);
    this.out += s;
    this.empty = false;
    const c = s.charCodeAt(s.length - 1);
    this.atLineStart = c === 0x0a || c === 0x0c;
    if (s.length === 1) {
      if (this.atLineStart) this.outLine++;
    } else {
      for (let i = s.indexOf("\n"); i >= 0; i = s.indexOf("\n", i + 1)) this.outLine++;
      for (let i = s.indexOf("\f"); i >= 0; i = s.indexOf("\f", i + 1)) this.outLine++;
    }
  }

  /**
   * Notes whether a statement or field value spans lines in the output as
   * it did in the source; when it does not, the next run may decide
   * alignment differently (see formatSource).
   */
  private checkSpan(sourceMultiLine: boolean, outStart: number): void {
    if (sourceMultiLine !== (this.outLine !== outStart)) this.unstable = true;
  }

  private writeWs(w: Ws): void {
    switch (w) {
      case Ws.Blank:
        this.write(" ");
        break;
      case Ws.Vtab:
        this.write("\v");
        break;
      case Ws.Newline:
        this.write("\n");
        break;
      case Ws.Formfeed:
        this.write("\f");
        break;
      case Ws.Indent:
        this.depth++;
        break;
      case Ws.Unindent:
        this.depth--;
        break;
      case Ws.Ignore:
        break;
    }
  }

  private writePending(n = this.pending.length): void {
    const pending = this.pending;
    for (let i = 0; i < n; i++) this.writeWs(pending[i]!);
    if (n === pending.length) pending.length = 0;
    else pending.splice(0, n);
  }

  /**
   * A text item. `at` is its source position when known; otherwise the
   * position is estimated as just after the previous text. `raw` is the
   * source text when `printed` differs from it (for position arithmetic).
   */
  text(printed: string, at?: Position, kind: Kind = Kind.Other, raw: string = printed): void {
    const first = printed.charCodeAt(0);
    if ((this.prevKind === Kind.Number && first === 0x2e) || (this.prevKind === Kind.Div && first === 0x2a)) {
      this.pending.push(Ws.Blank);
    }
    const nextOffset = at ? at.offset : this.posOffset;
    const nextLine = at ? at.line : this.posLine;
    this.flush(nextOffset, nextLine);
    this.write(printed);
    this.posOffset = nextOffset + byteLength(raw);
    this.posLine = nextLine + lineFeeds(raw);
    this.lastLine = this.posLine;
    this.prevKind = kind;
  }

  /** A position-only item. */
  setPos(at: Position): void {
    this.posOffset = at.offset;
    this.posLine = at.line;
  }

  private flush(nextOffset: number, nextLine: number): void {
    const group = this.comments[this.commentIndex];
    if (group && group.comments[0]!.pos.offset <= nextOffset) this.printComments(nextOffset, nextLine, false);
    else this.writePending();
  }

  finish(): void {
    if (this.commentIndex < this.comments.length) this.printComments(INFINITY, INFINITY, true);
  }

  private printComments(nextOffset: number, nextLine: number, atEnd: boolean): void {
    let lastComment: Comment | undefined;
    for (;;) {
      const group = this.comments[this.commentIndex];
      if (!group || group.comments[0]!.pos.offset > nextOffset) break;
      for (const c of group.comments) {
        this.commentPrefix(c, nextLine);
        this.write(ESC + c.text + ESC);
        this.posOffset = c.pos.offset + byteLength(c.text);
        this.posLine = c.pos.line + lineFeeds(c.text);
        this.lastLine = this.posLine;
        lastComment = c;
      }
      this.commentIndex++;
    }
    this.prevKind = undefined;
    if (atEnd || !lastComment) return;
    // Suffix: separate the comments from the next token.
    if (lastComment.text.startsWith("/*") && lastComment.end.line === nextLine) this.write(" ");
    let droppedFormfeed = false;
    const keep: Ws[] = [];
    for (const w of this.pending) {
      if (w === Ws.Formfeed) droppedFormfeed = true;
      if (w === Ws.Indent || w === Ws.Unindent) keep.push(w);
    }
    this.pending = [];
    for (const w of keep) this.writeWs(w);
    let breaks = Math.min(Math.max(nextLine - this.lastLine, 0), 2);
    // Safety: never let the next token continue a line comment.
    if (breaks === 0 && lastComment.text.startsWith("//")) breaks = 1;
    for (let i = 0; i < breaks; i++) this.write(droppedFormfeed ? "\f" : "\n");
  }

  private commentPrefix(c: Comment, nextLine: number): void {
    if (this.empty) return;
    if (c.pos.line === this.lastLine) {
      this.write(c.pos.line === nextLine ? " " : "\t");
      return;
    }
    const pending = this.pending;
    let i = 0;
    while (i < pending.length && (pending[i] === Ws.Indent || pending[i] === Ws.Unindent)) i++;
    if (i < pending.length) {
      pending[i] = Ws.Ignore;
      this.writePending(i);
    }
    const n = Math.min(Math.max(c.pos.line - this.lastLine, 0), 2);
    for (let k = 0; k < n; k++) this.write("\f");
  }

  // ---- stage 1: the walker

  statements(list: readonly Statement[]): void {
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      if (i > 0 && s.kind === "Block") this.ws(Ws.Formfeed);
      else if (i > 0 && this.stmtStartLine(s) - this.stmtEndLine(list[i - 1]!) > 1) this.ws(Ws.Formfeed);
      const multiLine = this.stmtStartLine(s) !== this.stmtEndLine(s);
      if (s.kind === "Attribute") {
        this.text(s.name.name, s.name.pos);
        const outStart = this.outLine;
        this.ws(Ws.Vtab);
        this.text("=");
        this.ws(Ws.Blank);
        this.expr(s.value);
        this.checkSpan(multiLine, outStart);
      } else {
        this.text(s.name.join("."), s.namePos);
        const outStart = this.outLine;
        if (s.label !== "" && s.labelPos) {
          this.ws(Ws.Blank);
          this.text(goQuote(s.label), s.labelPos);
        }
        this.ws(Ws.Blank);
        this.text("{", s.lbrace);
        this.ws(Ws.Indent);
        if (s.body.length > 0) {
          this.ws(Ws.Formfeed);
          this.statements(s.body);
        } else {
          this.ws(Ws.Blank);
        }
        this.ws(Ws.Unindent);
        this.text("}", s.rbrace);
        this.checkSpan(multiLine, outStart);
      }
      this.ws(multiLine ? Ws.Formfeed : Ws.Newline);
    }
  }

  private expr(e: Expression): void {
    switch (e.kind) {
      case "Identifier":
        this.text(e.name, e.pos);
        return;
      case "Literal":
        if (e.literalKind === "STRING") this.stringLiteral(e.text, e.pos);
        else this.text(e.text, e.pos, e.literalKind === "NUMBER" ? Kind.Number : Kind.Other);
        return;
      case "Unary":
        this.text(e.op, e.opPos);
        this.expr(e.operand);
        return;
      case "Binary":
        this.expr(e.left);
        this.ws(Ws.Blank);
        this.text(e.op, e.opPos, e.op === "/" ? Kind.Div : Kind.Other);
        this.ws(Ws.Blank);
        this.expr(e.right);
        return;
      case "Paren":
        this.text("(");
        this.expr(e.inner);
        this.text(")");
        return;
      case "Access":
        this.expr(e.value);
        this.text(".");
        this.text(e.name.name);
        return;
      case "Index":
        this.expr(e.value);
        this.text("[", e.lbrack);
        this.expr(e.index);
        this.text("]", e.rbrack);
        return;
      case "Array":
        this.array(e.elements, e.lbrack, e.rbrack);
        return;
      case "Object":
        this.object(e.fields, e.lbrace, e.rbrace);
        return;
      case "Call":
        this.call(e.callee, e.args, e.lparen, e.rparen);
        return;
    }
  }

  private array(elements: readonly Expression[], lbrack: Position, rbrack: Position): void {
    this.text("[", lbrack);
    let prevLine = lbrack.line;
    for (let i = 0; i < elements.length; i++) {
      const el = elements[i]!;
      let unindent = false;
      if (startOf(el).line !== prevLine) {
        this.ws(Ws.Indent);
        this.ws(Ws.Formfeed);
        unindent = true;
      } else if (i > 0) {
        this.ws(Ws.Blank);
      }
      this.expr(el);
      if (i < elements.length - 1) this.text(",");
      if (unindent) this.ws(Ws.Unindent);
      prevLine = this.endLine(el);
    }
    if (elements.length > 0 && rbrack.line !== prevLine) {
      this.text(",");
      this.ws(Ws.Indent);
      this.ws(Ws.Formfeed);
      this.ws(Ws.Unindent);
    }
    this.text("]", rbrack);
  }

  private object(fields: readonly ObjectField[], lbrace: Position, rbrace: Position): void {
    this.text("{", lbrace);
    this.ws(Ws.Indent);
    let prevLine = lbrace.line;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      if (f.key.pos.line !== prevLine) {
        const prevValue = i > 0 ? fields[i - 1]!.value : undefined;
        this.ws(prevValue && startOf(prevValue).line === this.endLine(prevValue) ? Ws.Newline : Ws.Formfeed);
      } else if (i > 0) {
        this.ws(Ws.Blank);
      }
      this.setPos(f.key.pos);
      this.objectKey(f);
      this.ws(Ws.Vtab);
      this.text("=");
      const outStart = this.outLine;
      this.ws(Ws.Blank);
      this.expr(f.value);
      this.checkSpan(startOf(f.value).line !== this.endLine(f.value), outStart);
      if (i < fields.length - 1) this.text(",");
      prevLine = this.keyEndLine(f);
    }
    if (fields.length > 0 && rbrace.line !== prevLine) {
      this.text(",");
      this.ws(Ws.Formfeed);
    }
    this.ws(Ws.Unindent);
    this.text("}", rbrace);
  }

  private objectKey(f: ObjectField): void {
    const k = f.key;
    if (!k.quoted) {
      this.text(k.name);
      return;
    }
    const quoted = goQuote(k.name);
    if (quoted === `"${k.name}"`) {
      this.text(quoted, undefined, Kind.Other, sourceKey(this.src, k.pos, k.name));
      return;
    }
    // Deviation from upstream (spec 5.6): re-quoting would escape the
    // backslashes (or quotes, or control characters) of the key's raw text,
    // which gives a different key. Keep the key exactly as written.
    const delimiter = this.src[k.pos.offset] === 0x60 ? "`" : '"';
    const written = delimiter + k.name + delimiter;
    this.warn(k.pos, `object key ${written} kept as written: alloy fmt would re-quote it as ${quoted}, which is a different key`);
    this.text(protectBlanks(written, false), undefined, Kind.Other, written);
  }

  private call(callee: Expression, args: readonly Expression[], lparen: Position, rparen: Position): void {
    this.expr(callee);
    this.text("(");
    let prevLine = lparen.line;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      const newLine = startOf(arg).line !== prevLine;
      if (newLine) {
        this.ws(Ws.Formfeed);
        this.ws(Ws.Indent);
      }
      this.expr(arg);
      if (newLine) this.ws(Ws.Unindent);
      if (i < args.length - 1) {
        this.text(",");
        this.ws(Ws.Blank);
      }
      prevLine = this.endLine(arg);
    }
    if (rparen.line !== prevLine) {
      if (args.length > 0) {
        this.text(",");
      } else {
        // Deviation from upstream (spec 5.6): `f(⏎)` would become `f(,⏎)`, which does not parse.
        this.warn(lparen, "call with no arguments and `)` on the next line: no comma added (alloy fmt would add one and break the file)");
      }
      this.ws(Ws.Formfeed);
    }
    // Deviation (spec 5.6): upstream estimates the `)` as right after the last
    // argument, so a comment before the `)`, or after a `)` on its own line,
    // lands on the wrong side of a line break, and what follows may no
    // longer parse (`) /* c */⏎|| x`). When a comment sits there, the `)`
    // gets its real position instead.
    const lastEnd = args.length > 0 ? endOffset(args[args.length - 1]!) : lparen.offset;
    const commentNear =
      this.commentBetween(lastEnd, rparen.offset) || (rparen.line !== prevLine && this.commentBetween(rparen.offset, this.lineEnd(rparen.line)));
    this.text(")", commentNear ? rparen : undefined);
  }

  private stringLiteral(text: string, at: Position): void {
    const raw = text.charCodeAt(0) === 0x60;
    const protectedText = protectBlanks(text, raw);
    if (protectedText !== text) {
      // Deviation from upstream (spec 5.6): its tabwriter would treat tabs
      // in the string as cell breaks, and its trimmer would delete blanks at
      // the ends of a raw string's lines: both change the value.
      this.warn(
        at,
        /[\t\v\f]/.test(text)
          ? "string literal with a tab (or vertical tab, form feed) kept as written: alloy fmt would change its value"
          : "raw string with spaces or tabs at the end of a line kept as written: alloy fmt would delete them",
      );
    }
    this.text(protectedText, at, Kind.Other, text);
  }

  private warn(at: Position, message: string): void {
    this.warnings.push(diagnosticAt(at, message, "warning", this.filename));
  }
}

const TABS: string[] = [];

function tabs(n: number): string {
  return (TABS[n] ??= "\t".repeat(n));
}

/** Offset of an expression's last byte (close enough for ordering against comments). */
function endOffset(e: Expression): number {
  switch (e.kind) {
    case "Identifier":
      return e.pos.offset + byteLength(e.name) - 1;
    case "Literal":
      return e.pos.offset + byteLength(e.text) - 1;
    case "Array":
      return e.rbrack.offset;
    case "Object":
      return e.rbrace.offset;
    case "Access":
      return e.name.pos.offset + byteLength(e.name.name) - 1;
    case "Index":
      return e.rbrack.offset;
    case "Call":
      return e.rparen.offset;
    case "Unary":
      return endOffset(e.operand);
    case "Binary":
      return endOffset(e.right);
    case "Paren":
      return e.rparen.offset;
  }
}

/** Number of line feeds in a text. */
function lineFeeds(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/** The source text of a quoted key (for the position estimate); the key is short, so decoding it is cheap. */
function sourceKey(src: Uint8Array, pos: Position, name: string): string {
  const delimiter = src[pos.offset] === 0x60 ? "`" : '"';
  return delimiter + name + delimiter;
}

/**
 * Brackets the characters of a literal that later stages would otherwise
 * change: tab, vertical tab and form feed anywhere (cell terminators), and
 * in raw strings the spaces before a line break (the trimmer's target).
 * One linear pass: literals are untrusted input.
 */
function protectBlanks(text: string, raw: boolean): string {
  let out: string[] | undefined;
  let copied = 0;
  let spaces = -1; // start of the current run of spaces
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x09 || c === 0x0b || c === 0x0c) {
      out ??= [];
      out.push(text.slice(copied, i), ESC, text[i]!, ESC);
      copied = i + 1;
      spaces = -1;
    } else if (c === 0x20) {
      if (spaces < 0) spaces = i;
    } else {
      if (c === 0x0a && raw && spaces >= 0) {
        out ??= [];
        out.push(text.slice(copied, spaces), ESC, text.slice(spaces, i), ESC);
        copied = i;
      }
      spaces = -1;
    }
  }
  if (!out) return text;
  out.push(text.slice(copied));
  return out.join("");
}
