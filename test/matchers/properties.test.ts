import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MAX_MATCHER_LENGTH,
  MatcherError,
  canonicalMatcher,
  formatMatcher,
  parseMatcher,
  validateMatcher,
  type MatchOperator,
  type Matcher,
} from "../../src/matchers/index.js";

const codePointLength = (text: string): number => Array.from(text).length;

// Characters that exercise quoting: reserved runes, escapes, non-printables, astral.
const trickyChar = fc.constantFrom(
  "a", "Z", "0", ".", "_", "-", "/", " ", "\t", "\n", "\r", "\u0000", "\u007f", "\u00a0", "\u00ad",
  "\u2028", "\ufeff", "{", "}", "!", "=", "~", ",", "\\", '"', "'", "`", "é", "Π", "😀", "\u{10ffff}",
);
const text = fc.oneof(
  fc.string({ unit: trickyChar, maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.string({ unit: "grapheme-ascii", maxLength: 30 }),
);
const regexValue = fc.constantFrom(".*", ".+", "prod|staging", "\\d+", "[a-z]+", "(?P<n>x)", "\\pL", "(?i)abc", "a\"b", "é+");
const operator = fc.constantFrom<MatchOperator>("=", "!=", "=~", "!~");

const matcher: fc.Arbitrary<Matcher> = fc
  .record({ name: text, op: operator, value: text, regex: regexValue })
  .map(({ name, op, value, regex }) => {
    if (op === "=" || op === "!=") return { name, op, value };
    // An arbitrary string is usually not a valid regex; keep it when it is.
    return { name, op, value: validateMatcher(formatMatcher({ name: "x", op, value })) === undefined ? value : regex };
  });

describe("properties", () => {
  it("parseMatcher(formatMatcher(m)) deep-equals m", () => {
    fc.assert(
      fc.property(matcher, (m) => {
        fc.pre(codePointLength(formatMatcher(m)) <= MAX_MATCHER_LENGTH);
        expect(parseMatcher(formatMatcher(m))).toEqual(m);
      }),
      { numRuns: 2000 },
    );
  });

  it("canonicalMatcher is idempotent", () => {
    fc.assert(
      fc.property(matcher, (m) => {
        const once = formatMatcher(m);
        fc.pre(codePointLength(once) <= MAX_MATCHER_LENGTH);
        expect(canonicalMatcher(once)).toBe(once);
      }),
      { numRuns: 1000 },
    );
  });

  it("different spellings of one matcher share one canonical form", () => {
    const plainLiteral = fc.string({ unit: fc.constantFrom("a", "b", ".", "_", "-", "é", "😀", "[", "]", "+"), minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(plainLiteral, fc.constantFrom("=", "!="), plainLiteral, fc.boolean(), (name, op, value, spaces) => {
        const gap = spaces ? " " : "";
        const unquoted = `${name}${gap}${op}${gap}${value}`;
        const quoted = `"${name}"${op}"${value}"`;
        expect(canonicalMatcher(unquoted)).toBe(canonicalMatcher(quoted));
      }),
    );
  });
});

describe("fuzzing parseMatcher", () => {
  const matcherAlphabet = fc.constantFrom(
    "a", "x", "u", "U", "0", "7", "f", "=", "!", "~", '"', "\\", "{", "}", ",", " ", "\n", "(", "?", ")", "*", "+",
    "[", "]", "|", "é", "😀", "\ud800", "\udfff",
  );
  const loneSurrogates = fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), maxLength: 5 });
  const arbitraryInput = fc.oneof(
    fc.string({ unit: matcherAlphabet, maxLength: 60 }),
    fc.string({ unit: "binary", maxLength: 250 }),
    fc.string({ unit: "grapheme", maxLength: 250 }),
    fc.tuple(fc.string({ unit: matcherAlphabet, maxLength: 20 }), loneSurrogates).map(([a, b]) => a + b),
    fc.tuple(fc.string({ unit: matcherAlphabet, maxLength: 10 }), fc.integer({ min: 150, max: 5000 })).map(([s, n]) => s.repeat(n)),
  );

  it("only ever throws MatcherError, with a position inside the input", () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        try {
          const parsed = parseMatcher(input);
          expect(codePointLength(input)).toBeLessThanOrEqual(MAX_MATCHER_LENGTH);
          expect(["=", "!=", "=~", "!~"]).toContain(parsed.op);
        } catch (error) {
          expect(error).toBeInstanceOf(MatcherError);
          const { position } = error as MatcherError;
          expect(position).toBeGreaterThanOrEqual(0);
          expect(position).toBeLessThanOrEqual(codePointLength(input));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("stops at the length limit on huge inputs instead of parsing them", () => {
    for (const input of ["a".repeat(1_000_000), `x=~"${"(a*)*".repeat(200_000)}"`, "😀".repeat(500_000)]) {
      const error = validateMatcher(input);
      expect(error?.position).toBe(MAX_MATCHER_LENGTH);
      expect(error?.reason).toMatch(/^longer than 200 characters/);
    }
  });

  it("handles nested-quantifier regexes within the limit (RE2 runs in linear time)", () => {
    const value = "(a*)*".repeat(30);
    const m = parseMatcher(`x=~"${value}"`);
    expect(m.value).toBe(value);
  });
});
