import { isPrintable, isSurrogate } from "./runes.js";

/** Where and why a double-quoted string is invalid; positions are code-point offsets. */
export class QuotedStringProblem {
  constructor(
    readonly position: number,
    readonly reason: string,
  ) {}
}

const SIMPLE_ESCAPES = new Map<number, number>([
  [0x61, 0x07], // \a
  [0x62, 0x08], // \b
  [0x66, 0x0c], // \f
  [0x6e, 0x0a], // \n
  [0x72, 0x0d], // \r
  [0x74, 0x09], // \t
  [0x76, 0x0b], // \v
  [0x5c, 0x5c], // \\
  [0x22, 0x22], // \"
]);

function hexDigit(codePoint: number | undefined): number {
  if (codePoint === undefined) return -1;
  if (codePoint >= 0x30 && codePoint <= 0x39) return codePoint - 0x30;
  if (codePoint >= 0x61 && codePoint <= 0x66) return codePoint - 0x61 + 10;
  if (codePoint >= 0x41 && codePoint <= 0x46) return codePoint - 0x41 + 10;
  return -1;
}

function pushUtf8(bytes: number[], codePoint: number): void {
  if (codePoint < 0x80) {
    bytes.push(codePoint);
  } else if (codePoint < 0x800) {
    bytes.push(0xc0 | (codePoint >> 6), 0x80 | (codePoint & 0x3f));
  } else if (codePoint < 0x10000) {
    bytes.push(0xe0 | (codePoint >> 12), 0x80 | ((codePoint >> 6) & 0x3f), 0x80 | (codePoint & 0x3f));
  } else {
    bytes.push(
      0xf0 | (codePoint >> 18),
      0x80 | ((codePoint >> 12) & 0x3f),
      0x80 | ((codePoint >> 6) & 0x3f),
      0x80 | (codePoint & 0x3f),
    );
  }
}

// Fatal so invalid UTF-8 built from \x and octal escapes is refused like Go's
// utf8.ValidString; ignoreBOM so a leading U+FEFF is kept as content.
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Decodes the content of a Go double-quoted string literal (without the quotes)
 * the way strconv.Unquote does, then requires valid UTF-8 as Alertmanager does.
 * `codePoints[from..to)` is the content; returns a problem instead of throwing.
 */
export function unquoteGoString(codePoints: readonly number[], from: number, to: number): string | QuotedStringProblem {
  // \x and octal escapes produce bytes, not runes, so decode through bytes.
  const bytes: number[] = [];
  let i = from;
  while (i < to) {
    const c = codePoints[i] ?? 0;
    if (c === 0x0a) return new QuotedStringProblem(i, "newline in quoted string (write \\n)");
    if (c !== 0x5c) {
      pushUtf8(bytes, c);
      i += 1;
      continue;
    }
    const escapeStart = i;
    const kind = i + 1 < to ? codePoints[i + 1] : undefined;
    if (kind === undefined) return new QuotedStringProblem(escapeStart, "incomplete escape sequence");
    const simple = SIMPLE_ESCAPES.get(kind);
    if (simple !== undefined) {
      bytes.push(simple);
      i += 2;
      continue;
    }
    if (kind === 0x78 || kind === 0x75 || kind === 0x55) {
      // \xNN (a byte), \uNNNN and \UNNNNNNNN (code points).
      const digits = kind === 0x78 ? 2 : kind === 0x75 ? 4 : 8;
      const letter = String.fromCodePoint(kind);
      let value = 0;
      for (let d = 0; d < digits; d += 1) {
        const digit = i + 2 + d < to ? hexDigit(codePoints[i + 2 + d]) : -1;
        if (digit < 0) {
          return new QuotedStringProblem(escapeStart, `invalid escape sequence: \\${letter} needs ${digits} hex digits`);
        }
        value = value * 16 + digit;
      }
      if (kind === 0x78) {
        bytes.push(value);
      } else if (value > 0x10ffff || isSurrogate(value)) {
        const hex = value.toString(16).toUpperCase().padStart(digits, "0");
        return new QuotedStringProblem(escapeStart, `invalid Unicode code point \\${letter}${hex}`);
      } else {
        pushUtf8(bytes, value);
      }
      i += 2 + digits;
      continue;
    }
    if (kind >= 0x30 && kind <= 0x37) {
      // \NNN: exactly three octal digits, at most 255 (a byte).
      let value = 0;
      for (let d = 0; d < 3; d += 1) {
        const digit = i + 1 + d < to ? (codePoints[i + 1 + d] ?? 0) - 0x30 : -1;
        if (digit < 0 || digit > 7) {
          return new QuotedStringProblem(escapeStart, "invalid escape sequence: octal escapes need 3 digits");
        }
        value = value * 8 + digit;
      }
      if (value > 255) return new QuotedStringProblem(escapeStart, "invalid octal escape (above \\377)");
      bytes.push(value);
      i += 4;
      continue;
    }
    const shown = String.fromCodePoint(kind);
    const hint = kind === 0x27 ? " (a single quote needs no escape)" : " (write \\\\ for a literal backslash)";
    return new QuotedStringProblem(escapeStart, `unknown escape sequence \\${shown}${hint}`);
  }
  try {
    return utf8Decoder.decode(Uint8Array.from(bytes));
  } catch {
    return new QuotedStringProblem(from - 1, "quoted string is not valid UTF-8");
  }
}

const NAMED_ESCAPES = new Map<number, string>([
  [0x07, "\\a"],
  [0x08, "\\b"],
  [0x0c, "\\f"],
  [0x0a, "\\n"],
  [0x0d, "\\r"],
  [0x09, "\\t"],
  [0x0b, "\\v"],
  [0x5c, "\\\\"],
  [0x22, '\\"'],
]);

/** Go's strconv.Quote: printable runes kept, everything else escaped. */
export function quoteGoString(text: string): string {
  let out = '"';
  for (const char of text) {
    const c = char.codePointAt(0) ?? 0;
    const named = NAMED_ESCAPES.get(c);
    if (named !== undefined) {
      out += named;
    } else if (isPrintable(c)) {
      out += char;
    } else if (c < 0x20 || c === 0x7f) {
      out += `\\x${c.toString(16).padStart(2, "0")}`;
    } else if (isSurrogate(c)) {
      // A lone UTF-16 surrogate cannot be expressed; Go prints invalid input as U+FFFD too.
      out += "\\ufffd";
    } else if (c < 0x10000) {
      out += `\\u${c.toString(16).padStart(4, "0")}`;
    } else {
      out += `\\U${c.toString(16).padStart(8, "0")}`;
    }
  }
  return `${out}"`;
}
