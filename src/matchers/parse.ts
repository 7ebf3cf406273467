import { QuotedStringProblem, unquoteGoString } from "./go-string.js";
import { MatcherError } from "./matcher-error.js";
import { regexProblem } from "./regex.js";
import { isReserved, isSurrogate, isWhiteSpace } from "./runes.js";
import { MAX_MATCHER_LENGTH, type MatchOperator, type Matcher } from "./types.js";

const QUOTE = 0x22;

function describe(codePoint: number): string {
  return JSON.stringify(String.fromCodePoint(codePoint));
}

/**
 * Splits the text into code points, refusing texts over the length limit
 * before doing any other work, and lone UTF-16 surrogates (not Unicode).
 */
function codePointsOf(text: string): number[] {
  const codePoints: number[] = [];
  for (let i = 0; i < text.length; ) {
    if (codePoints.length === MAX_MATCHER_LENGTH) {
      let total = codePoints.length;
      for (const _ of text.slice(i)) total += 1;
      throw new MatcherError(
        text,
        MAX_MATCHER_LENGTH,
        `longer than ${MAX_MATCHER_LENGTH} characters (${total} characters)`,
      );
    }
    const codePoint = text.codePointAt(i) ?? 0;
    codePoints.push(codePoint);
    i += codePoint > 0xffff ? 2 : 1;
  }
  const lone = codePoints.findIndex(isSurrogate);
  if (lone >= 0) throw new MatcherError(text, lone, "invalid Unicode (lone UTF-16 surrogate)");
  return codePoints;
}

/** A single-pass reader over one matcher; every method advances `position`. */
class MatcherReader {
  position = 0;
  readonly #text: string;
  readonly #codePoints: readonly number[];

  constructor(text: string) {
    this.#text = text;
    this.#codePoints = codePointsOf(text);
  }

  fail(position: number, reason: string): never {
    throw new MatcherError(this.#text, position, reason);
  }

  peek(): number | undefined {
    return this.#codePoints[this.position];
  }

  skipWhiteSpace(): void {
    while (this.position < this.#codePoints.length && isWhiteSpace(this.#codePoints[this.position] ?? 0)) {
      this.position += 1;
    }
  }

  atEnd(): boolean {
    return this.position >= this.#codePoints.length;
  }

  /** A name or value: an unquoted literal or a double-quoted Go string. */
  readOperand(what: "a name" | "a value"): string {
    const start = this.position;
    const first = this.peek();
    if (first === undefined) this.fail(start, `expected ${what}`);
    if (first === QUOTE) return this.#readQuoted();
    if (isReserved(first)) this.#failAt(first, `expected ${what}`);
    let end = start;
    while (end < this.#codePoints.length && !isReserved(this.#codePoints[end] ?? 0)) end += 1;
    this.position = end;
    // A loop, not fromCodePoint(...list): an unquoted value can be longer than a call takes arguments.
    let text = "";
    for (let i = start; i < end; i++) text += String.fromCodePoint(this.#codePoints[i]!);
    return text;
  }

  readOperator(): MatchOperator {
    const start = this.position;
    const first = this.peek();
    const expected = "expected an operator (=, !=, =~ or !~)";
    if (first === undefined) this.fail(start, expected);
    const second = this.#codePoints[start + 1];
    if (first === 0x3d /* = */) {
      this.position += second === 0x7e /* ~ */ ? 2 : 1;
      return second === 0x7e ? "=~" : "=";
    }
    if (first === 0x21 /* ! */) {
      if (second === 0x3d || second === 0x7e) {
        this.position += 2;
        return second === 0x3d ? "!=" : "!~";
      }
      this.fail(start + 1, "'!' must be followed by '=' or '~'");
    }
    this.#failAt(first, expected);
  }

  /** Rejects leftovers: one matcher per text, no braces, no commas. */
  expectEnd(): void {
    const next = this.peek();
    if (next === undefined) return;
    this.#failAt(next, "expected the end of the matcher (one matcher per entry)");
  }

  #failAt(codePoint: number, fallback: string): never {
    if (codePoint === 0x7b || codePoint === 0x7d) {
      this.fail(this.position, "braces are not allowed: write each matcher without { }");
    }
    if (codePoint === 0x2c) {
      this.fail(this.position, "commas are not allowed: write one matcher per entry");
    }
    if (codePoint === 0x5c || codePoint === 0x27 || codePoint === 0x60) {
      this.fail(this.position, `${describe(codePoint)} is not allowed outside double quotes; ${fallback}`);
    }
    this.fail(this.position, `${fallback}, found ${describe(codePoint)}`);
  }

  #readQuoted(): string {
    const open = this.position;
    let close = open + 1;
    // Find the closing quote first (skipping escaped runes), as Alertmanager's lexer does.
    while (close < this.#codePoints.length && this.#codePoints[close] !== QUOTE) {
      close += this.#codePoints[close] === 0x5c ? 2 : 1;
    }
    if (close >= this.#codePoints.length) this.fail(open, "unterminated quoted string (missing closing \")");
    const decoded = unquoteGoString(this.#codePoints, open + 1, close);
    if (decoded instanceof QuotedStringProblem) this.fail(decoded.position, decoded.reason);
    this.position = close + 1;
    return decoded;
  }
}

/**
 * Parses exactly one Alertmanager UTF-8 matcher, such as `collector.os=linux`
 * or `env=~"prod|staging"`. Throws MatcherError on anything else.
 */
export function parseMatcher(text: string): Matcher {
  if (typeof text !== "string") throw new MatcherError(String(text), 0, "a matcher must be a string");
  const reader = new MatcherReader(text);
  reader.skipWhiteSpace();
  const name = reader.readOperand("a name");
  reader.skipWhiteSpace();
  const op = reader.readOperator();
  reader.skipWhiteSpace();
  const valueStart = reader.position;
  const value = reader.readOperand("a value");
  reader.skipWhiteSpace();
  reader.expectEnd();
  if (op === "=~" || op === "!~") {
    const problem = regexProblem(value);
    if (problem !== undefined) reader.fail(valueStart, problem);
  }
  return { name, op, value };
}

/** The MatcherError parseMatcher would throw, or undefined for a valid matcher. */
export function validateMatcher(text: string): MatcherError | undefined {
  try {
    parseMatcher(text);
    return undefined;
  } catch (error) {
    if (error instanceof MatcherError) return error;
    throw error;
  }
}
