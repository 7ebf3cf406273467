// The Alloy scanner: bytes in, tokens out, with Alloy's automatic
// terminators (a newline after an identifier, literal, `)`, `]` or `}` ends a
// statement). It works on UTF-8 bytes because Alloy's positions are byte
// offsets, and it is a single forward pass: every loop advances, and token
// text is sliced once, so scanning is linear in the input.
import type { Position } from "./ast.js";
import { Tok } from "./token.js";

// A local reference: token kinds are read on every token.
const T = Tok;

const EOF_CH = -1;
const BOM = 0xfeff;
const REPLACEMENT = 0xfffd;

const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

export function isLetter(ch: number): boolean {
  if (ch < 0x80) return (ch >= 0x61 && ch <= 0x7a) || (ch >= 0x41 && ch <= 0x5a) || ch === 0x5f;
  return LETTER.test(String.fromCodePoint(ch));
}

function isDigitOrLetter(ch: number): boolean {
  if (ch < 0x80) return (ch >= 0x30 && ch <= 0x39) || (ch >= 0x61 && ch <= 0x7a) || (ch >= 0x41 && ch <= 0x5a) || ch === 0x5f;
  return ch !== REPLACEMENT && (LETTER.test(String.fromCodePoint(ch)) || DIGIT.test(String.fromCodePoint(ch)));
}

function isDecimal(ch: number): boolean {
  return ch >= 0x30 && ch <= 0x39;
}

function hexValue(ch: number): number {
  if (ch >= 0x30 && ch <= 0x39) return ch - 0x30;
  if (ch >= 0x61 && ch <= 0x66) return ch - 0x61 + 10;
  if (ch >= 0x41 && ch <= 0x46) return ch - 0x41 + 10;
  return 16;
}

/** Go's `%#U`: `U+0040 '@'`, without the quoted character when it is not printable. */
export function describeRune(ch: number): string {
  const hex = ch.toString(16).toUpperCase().padStart(4, "0");
  const c = String.fromCodePoint(ch);
  return ch === 0x20 || PRINTABLE.test(c) ? `U+${hex} '${c}'` : `U+${hex}`;
}

/** Whether `text` is one identifier as the scanner reads it (block labels must be). */
export function isIdentifier(text: string): boolean {
  if (text === "" || text === "true" || text === "false" || text === "null") return false;
  let first = true;
  for (const c of text) {
    const cp = c.codePointAt(0)!;
    if (first ? !isLetter(cp) : !isDigitOrLetter(cp)) return false;
    first = false;
  }
  return true;
}

const decoder = new TextDecoder("utf-8");

// Identifiers repeat (`prometheus`, `targets`, `forward_to`...): reusing
// their strings spares the allocations, which dominate parsing time.
const INTERN_MAX = 4096;
const interned = new Map<number, string>();

function internIdentifier(src: Uint8Array, start: number, end: number): string | undefined {
  const n = end - start;
  if (n > 32) return undefined;
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    const b = src[i]!;
    if (b >= 0x80) return undefined;
    h = Math.imul(h ^ b, 0x01000193);
  }
  const key = (h >>> 0) * 64 + n;
  const hit = interned.get(key);
  if (hit !== undefined) {
    let same = true;
    for (let i = 0; i < n; i++) {
      if (hit.charCodeAt(i) !== src[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return hit;
  }
  const text = String.fromCharCode.apply(null, src.subarray(start, end) as unknown as number[]);
  if (interned.size >= INTERN_MAX) interned.clear();
  interned.set(key, text);
  return text;
}

export type ScanErrorHandler = (offset: number, message: string) => void;

export class Scanner {
  readonly src: Uint8Array;
  /** Offsets at which each line starts; grows as the scanner passes line feeds. */
  readonly lineStarts: number[] = [0];
  private readonly onError: ScanErrorHandler;

  private ch = EOF_CH;
  private offset = 0;
  private rdOffset = 0;
  private insertTerm = false;

  // The last token.
  tok: Tok = T.EOF;
  /** Byte offset of the last token. */
  pos = 0;
  /** Token text for identifiers, literals, comments and illegal tokens; "" otherwise. */
  lit = "";
  /** Byte offset just after the last comment token. */
  commentEnd = 0;

  constructor(src: Uint8Array, onError: ScanErrorHandler) {
    this.src = src;
    this.onError = onError;
    this.next();
    // A byte order mark at the very start is skipped (its bytes still count in columns).
    if (this.ch === BOM) this.next();
  }

  /** Byte offset just after the last token scanned. */
  get end(): number {
    return this.offset;
  }

  /** Line and column of a byte offset the scanner has already passed. */
  position(offset: number): Position {
    const starts = this.lineStarts;
    let hi = starts.length - 1;
    if (offset >= starts[hi]!) return { offset, line: hi + 1, column: offset - starts[hi]! + 1 };
    let lo = 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { offset, line: lo + 1, column: offset - starts[lo]! + 1 };
  }

  private error(offset: number, message: string): void {
    this.onError(offset, message);
  }

  /** Reads the next code point into `ch`, reporting NUL, bad UTF-8 and stray BOMs as Alloy does. */
  private next(): void {
    const src = this.src;
    if (this.rdOffset < src.length) {
      this.offset = this.rdOffset;
      if (this.ch === 0x0a) this.lineStarts.push(this.offset);
      let r = src[this.rdOffset]!;
      let w = 1;
      if (r === 0) {
        this.error(this.offset, "illegal character NUL");
      } else if (r >= 0x80) {
        [r, w] = decodeRune(src, this.rdOffset);
        if (r === REPLACEMENT && w === 1) this.error(this.offset, "illegal UTF-8 encoding");
        else if (r === BOM && this.offset > 0) this.error(this.offset, "illegal byte order mark");
      }
      this.rdOffset += w;
      this.ch = r;
    } else {
      this.offset = src.length;
      if (this.ch === 0x0a) this.lineStarts.push(this.offset);
      this.ch = EOF_CH;
    }
  }

  private text(start: number, end: number): string {
    const src = this.src;
    if (end - start <= 64) {
      // Short tokens are nearly always ASCII: one string, no decoder call.
      for (let i = start; i < end; i++) if (src[i]! >= 0x80) return decoder.decode(src.subarray(start, end));
      return String.fromCharCode.apply(null, src.subarray(start, end) as unknown as number[]);
    }
    return decoder.decode(src.subarray(start, end));
  }

  private skipWhitespace(): void {
    for (;;) {
      const ch = this.ch;
      if (ch === 0x20 || ch === 0x09 || ch === 0x0d || (ch === 0x0a && !this.insertTerm)) this.next();
      else return;
    }
  }

  /** Scans the next token into tok/pos/lit. */
  scan(): void {
    this.skipWhitespace();
    const pos = this.offset;
    this.pos = pos;
    this.lit = "";
    let insertTerm = false;
    const ch = this.ch;
    if (isLetter(ch)) {
      this.scanIdentifier();
      const lit = this.lit;
      if (lit === "true" || lit === "false") this.tok = T.BOOL;
      else if (lit === "null") this.tok = T.NULL;
      else this.tok = T.IDENT;
      insertTerm = true;
    } else if (isDecimal(ch) || (ch === 0x2e && isDecimal(this.peekByte()))) {
      this.scanNumber();
      insertTerm = true;
    } else {
      this.next();
      switch (ch) {
        case EOF_CH:
          if (this.insertTerm) {
            this.insertTerm = false;
            this.tok = T.TERMINATOR;
            return;
          }
          this.tok = T.EOF;
          break;
        case 0x0a:
          // Only reached when a terminator is due.
          this.insertTerm = false;
          this.tok = T.TERMINATOR;
          return;
        case 0x22: // "
          this.scanString(pos);
          this.tok = T.STRING;
          insertTerm = true;
          break;
        case 0x60: // `
          this.scanRawString(pos);
          this.tok = T.STRING;
          insertTerm = true;
          break;
        case 0x27: // '
          this.scanSingleQuoted(pos);
          this.tok = T.ILLEGAL;
          insertTerm = true;
          break;
        case 0x2f: // /
          if (this.ch === 0x2f || this.ch === 0x2a) {
            if (this.insertTerm && this.commentEndsLine(this.offset)) {
              // Rewind to the comment: the terminator comes first, the comment next.
              this.ch = 0x2f;
              this.offset = pos;
              this.rdOffset = pos + 1;
              this.insertTerm = false;
              this.tok = T.TERMINATOR;
              return;
            }
            this.scanComment(pos);
            this.tok = T.COMMENT;
            this.insertTerm = false;
            return;
          }
          this.tok = T.DIV;
          break;
        case 0x7c: // |
          if (this.ch === 0x7c) this.next();
          else this.error(this.offset, "missing second | in ||");
          this.tok = T.OR;
          break;
        case 0x26: // &
          if (this.ch === 0x26) this.next();
          else this.error(this.offset, "missing second & in &&");
          this.tok = T.AND;
          break;
        case 0x21: // !
          this.tok = this.takeEquals() ? T.NEQ : T.NOT;
          break;
        case 0x3d: // =
          this.tok = this.takeEquals() ? T.EQ : T.ASSIGN;
          break;
        case 0x3c: // <
          this.tok = this.takeEquals() ? T.LTE : T.LT;
          break;
        case 0x3e: // >
          this.tok = this.takeEquals() ? T.GTE : T.GT;
          break;
        case 0x2b:
          this.tok = T.ADD;
          break;
        case 0x2d:
          this.tok = T.SUB;
          break;
        case 0x2a:
          this.tok = T.MUL;
          break;
        case 0x25:
          this.tok = T.MOD;
          break;
        case 0x5e:
          this.tok = T.POW;
          break;
        case 0x7b:
          this.tok = T.LCURLY;
          break;
        case 0x7d:
          this.tok = T.RCURLY;
          insertTerm = true;
          break;
        case 0x28:
          this.tok = T.LPAREN;
          break;
        case 0x29:
          this.tok = T.RPAREN;
          insertTerm = true;
          break;
        case 0x5b:
          this.tok = T.LBRACK;
          break;
        case 0x5d:
          this.tok = T.RBRACK;
          insertTerm = true;
          break;
        case 0x2c:
          this.tok = T.COMMA;
          break;
        case 0x2e:
          this.tok = T.DOT;
          break;
        default:
          // next() already reported a stray BOM.
          if (ch !== BOM) this.error(pos, `illegal character ${describeRune(ch)}`);
          this.tok = T.ILLEGAL;
          this.lit = String.fromCodePoint(ch);
          // An illegal character leaves the terminator state as it was.
          return;
      }
    }
    this.insertTerm = insertTerm;
  }

  private takeEquals(): boolean {
    if (this.ch === 0x3d) {
      this.next();
      return true;
    }
    return false;
  }

  /** The current character, read through a method so that TypeScript does not narrow it across next(). */
  private peekCh(): number {
    return this.ch;
  }

  private peekByte(): number {
    return this.rdOffset < this.src.length ? this.src[this.rdOffset]! : EOF_CH;
  }

  private scanIdentifier(): void {
    const start = this.offset;
    while (isDigitOrLetter(this.ch)) this.next();
    this.lit = internIdentifier(this.src, start, this.offset) ?? this.text(start, this.offset);
  }

  private digits(): number {
    let n = 0;
    while (isDecimal(this.ch)) {
      this.next();
      n++;
    }
    return n;
  }

  private scanNumber(): void {
    const start = this.offset;
    let tok = T.NUMBER;
    if (this.ch !== 0x2e) this.digits();
    if (this.ch === 0x2e) {
      tok = T.FLOAT;
      this.next();
      this.digits();
    }
    if (this.ch === 0x65 || this.ch === 0x45) {
      tok = T.FLOAT;
      this.next();
      if (this.peekCh() === 0x2b || this.peekCh() === 0x2d) this.next();
      if (this.digits() === 0) this.error(start, "exponent has no digits");
    }
    this.tok = tok;
    this.lit = this.text(start, this.offset);
  }

  private scanString(start: number): void {
    for (;;) {
      const ch = this.ch;
      if (ch === 0x0a || ch === EOF_CH) {
        this.error(start, "string literal not terminated");
        break;
      }
      this.next();
      if (ch === 0x22) break;
      if (ch === 0x5c) this.scanEscape();
    }
    this.lit = this.text(start, this.offset);
  }

  private scanEscape(): void {
    const at = this.offset;
    let n: number;
    let base: number;
    let max: number;
    switch (this.ch) {
      case 0x61: // a b f n r t v \ "
      case 0x62:
      case 0x66:
      case 0x6e:
      case 0x72:
      case 0x74:
      case 0x76:
      case 0x5c:
      case 0x22:
        this.next();
        return;
      case 0x30:
      case 0x31:
      case 0x32:
      case 0x33:
      case 0x34:
      case 0x35:
      case 0x36:
      case 0x37:
        n = 3;
        base = 8;
        max = 255;
        break;
      case 0x78: // x
        this.next();
        n = 2;
        base = 16;
        max = 255;
        break;
      case 0x75: // u
        this.next();
        n = 4;
        base = 16;
        max = 0x10ffff;
        break;
      case 0x55: // U
        this.next();
        n = 8;
        base = 16;
        max = 0x10ffff;
        break;
      default:
        this.error(at, this.ch === EOF_CH ? "escape sequence not terminated" : "unknown escape sequence");
        return;
    }
    let x = 0;
    for (; n > 0; n--) {
      const d = hexValue(this.ch);
      if (d >= base) {
        this.error(at, this.peekCh() === EOF_CH ? "escape sequence not terminated" : `illegal character ${describeRune(this.ch)} in escape sequence`);
        return;
      }
      x = x * base + d;
      this.next();
    }
    if (x > max || (x >= 0xd800 && x < 0xe000)) this.error(at, "escape sequence is invalid Unicode code point");
  }

  private scanRawString(start: number): void {
    for (;;) {
      const ch = this.ch;
      if (ch === EOF_CH) {
        this.error(start, "string literal not terminated");
        break;
      }
      this.next();
      if (ch === 0x60) break;
    }
    this.lit = this.text(start, this.offset);
  }

  private scanSingleQuoted(start: number): void {
    while (this.ch !== 0x27 && this.ch !== 0x0a && this.ch !== EOF_CH) {
      const ch = this.ch;
      this.next();
      if (ch === 0x5c && this.ch !== 0x0a && this.ch !== EOF_CH) this.next();
    }
    if (this.ch === 0x27) this.next();
    this.error(start, "illegal single-quoted string; use double quotes");
    this.lit = this.text(start, this.offset);
  }

  /** `start` is the comment's `/`; the scanner sits on the second character. */
  private scanComment(start: number): void {
    if (this.ch === 0x2f) {
      this.next();
      while (this.peekCh() !== 0x0a && this.peekCh() !== EOF_CH) this.next();
    } else {
      this.next();
      let closed = false;
      while (this.ch !== EOF_CH) {
        const ch = this.ch;
        this.next();
        if (ch === 0x2a && this.ch === 0x2f) {
          this.next();
          closed = true;
          break;
        }
      }
      if (!closed) this.error(start, "block comment not terminated");
    }
    this.commentEnd = this.offset;
    let text = this.text(start, this.offset);
    if (text.includes("\r")) text = text.replaceAll("\r", "");
    this.lit = text;
  }

  /**
   * Whether the comment at `from` (the byte after its `/`), plus any block
   * comments after it on the same line, runs to the end of the line. A raw
   * byte scan: it looks only for ASCII and reports nothing.
   */
  private commentEndsLine(from: number): boolean {
    const src = this.src;
    const n = src.length;
    let i = from;
    for (;;) {
      const c = src[i];
      if (c === 0x2f) return true; // a line comment
      if (c !== 0x2a) return false;
      i++;
      let closed = false;
      while (i < n) {
        const b = src[i]!;
        if (b === 0x0a) return true;
        i++;
        if (b === 0x2a && src[i] === 0x2f) {
          i++;
          closed = true;
          break;
        }
      }
      if (!closed) return true;
      while (i < n && (src[i] === 0x20 || src[i] === 0x09 || src[i] === 0x0d)) i++;
      if (i >= n || src[i] === 0x0a) return true;
      if (src[i] !== 0x2f) return false;
      i++;
    }
  }
}

/** Decodes one UTF-8 sequence like Go's utf8.DecodeRune: invalid input gives U+FFFD of width 1. */
function decodeRune(src: Uint8Array, i: number): [number, number] {
  const b0 = src[i]!;
  const n = src.length;
  if (b0 < 0xc2 || b0 > 0xf4) return [REPLACEMENT, 1];
  const b1 = i + 1 < n ? src[i + 1]! : -1;
  if (b0 < 0xe0) {
    if (b1 < 0x80 || b1 > 0xbf) return [REPLACEMENT, 1];
    return [((b0 & 0x1f) << 6) | (b1 & 0x3f), 2];
  }
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 === 0xe0) lo = 0xa0;
  else if (b0 === 0xed) hi = 0x9f;
  else if (b0 === 0xf0) lo = 0x90;
  else if (b0 === 0xf4) hi = 0x8f;
  if (b1 < lo || b1 > hi) return [REPLACEMENT, 1];
  const b2 = i + 2 < n ? src[i + 2]! : -1;
  if (b2 < 0x80 || b2 > 0xbf) return [REPLACEMENT, 1];
  if (b0 < 0xf0) return [((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f), 3];
  const b3 = i + 3 < n ? src[i + 3]! : -1;
  if (b3 < 0x80 || b3 > 0xbf) return [REPLACEMENT, 1];
  return [((b0 & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f), 4];
}
