// Rune classes of the Alertmanager UTF-8 matcher lexer.

const RESERVED_PUNCTUATION = new Set(Array.from("{}!=~,\\\"'`", (c) => c.codePointAt(0) ?? 0));
const WHITE_SPACE = /^\p{White_Space}$/u;
// Go's strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's unicode.IsSpace, which is the Unicode White_Space property. */
export function isWhiteSpace(codePoint: number): boolean {
  if (codePoint < 0x80) return codePoint === 0x20 || (codePoint >= 0x09 && codePoint <= 0x0d);
  return WHITE_SPACE.test(String.fromCodePoint(codePoint));
}

/** A rune that cannot appear in an unquoted literal. */
export function isReserved(codePoint: number): boolean {
  return RESERVED_PUNCTUATION.has(codePoint) || isWhiteSpace(codePoint);
}

export function isPrintable(codePoint: number): boolean {
  if (codePoint < 0x80) return codePoint >= 0x20 && codePoint < 0x7f;
  return PRINTABLE.test(String.fromCodePoint(codePoint));
}

export function isSurrogate(codePoint: number): boolean {
  return codePoint >= 0xd800 && codePoint <= 0xdfff;
}
