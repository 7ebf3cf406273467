import { describe, expect, it } from "vitest";
import { FleetError } from "../../src/errors/index.js";
import {
  MAX_MATCHER_LENGTH,
  MatcherError,
  canonicalMatcher,
  parseMatcher,
  validateMatcher,
  type Matcher,
} from "../../src/matchers/index.js";

// [input, expected matcher, expected canonical text]
const valid: [string, Matcher, string][] = [
  ["collector.os=linux", { name: "collector.os", op: "=", value: "linux" }, 'collector.os="linux"'],
  ['collector.os="linux"', { name: "collector.os", op: "=", value: "linux" }, 'collector.os="linux"'],
  ["env=prod", { name: "env", op: "=", value: "prod" }, 'env="prod"'],
  ["env!=prod", { name: "env", op: "!=", value: "prod" }, 'env!="prod"'],
  ["env=~prod", { name: "env", op: "=~", value: "prod" }, 'env=~"prod"'],
  ["env!~prod", { name: "env", op: "!~", value: "prod" }, 'env!~"prod"'],
  ['env=""', { name: "env", op: "=", value: "" }, 'env=""'],
  ['env!=""', { name: "env", op: "!=", value: "" }, 'env!=""'],
  ["  env  =  prod  ", { name: "env", op: "=", value: "prod" }, 'env="prod"'],
  ["env\t!=\nprod", { name: "env", op: "!=", value: "prod" }, 'env!="prod"'],
  ["env\u00a0=\u3000prod", { name: "env", op: "=", value: "prod" }, 'env="prod"'],
  ['env = "pro d"', { name: "env", op: "=", value: "pro d" }, 'env="pro d"'],
  ["collector.version=v1.2.0", { name: "collector.version", op: "=", value: "v1.2.0" }, 'collector.version="v1.2.0"'],
  ["collector.ID=abc-123", { name: "collector.ID", op: "=", value: "abc-123" }, 'collector.ID="abc-123"'],
  ["team=~[a-z]+", { name: "team", op: "=~", value: "[a-z]+" }, 'team=~"[a-z]+"'],
  ['cpu=~"\\\\d+"', { name: "cpu", op: "=~", value: "\\d+" }, 'cpu=~"\\\\d+"'],
  ['os=~"linux|darwin"', { name: "os", op: "=~", value: "linux|darwin" }, 'os=~"linux|darwin"'],
  ['x=~"(?P<n>x)"', { name: "x", op: "=~", value: "(?P<n>x)" }, 'x=~"(?P<n>x)"'],
  ['x=~"\\\\pL+"', { name: "x", op: "=~", value: "\\pL+" }, 'x=~"\\\\pL+"'],
  ['x=~"(?i)prod"', { name: "x", op: "=~", value: "(?i)prod" }, 'x=~"(?i)prod"'],
  ['x=~"[[:alpha:]]{1,1000}"', { name: "x", op: "=~", value: "[[:alpha:]]{1,1000}" }, 'x=~"[[:alpha:]]{1,1000}"'],
  ['x=~".*"', { name: "x", op: "=~", value: ".*" }, 'x=~".*"'],
  ["Προμηθεύς=x", { name: "Προμηθεύς", op: "=", value: "x" }, 'Προμηθεύς="x"'],
  ["région=île-de-france", { name: "région", op: "=", value: "île-de-france" }, 'région="île-de-france"'],
  ["emoji=😀", { name: "emoji", op: "=", value: "😀" }, 'emoji="😀"'],
  ['"quoted"=x', { name: "quoted", op: "=", value: "x" }, 'quoted="x"'],
  ['"a b"=c', { name: "a b", op: "=", value: "c" }, '"a b"="c"'],
  ['"a=b"!="c"', { name: "a=b", op: "!=", value: "c" }, '"a=b"!="c"'],
  ['"a,b"=c', { name: "a,b", op: "=", value: "c" }, '"a,b"="c"'],
  ['""=x', { name: "", op: "=", value: "x" }, '""="x"'],
  ['"tab\\there"=x', { name: "tab\there", op: "=", value: "x" }, '"tab\\there"="x"'],
  ['x="a\\"b"', { name: "x", op: "=", value: 'a"b' }, 'x="a\\"b"'],
  ['x="back\\\\slash"', { name: "x", op: "=", value: "back\\slash" }, 'x="back\\\\slash"'],
  ['x="line\\nbreak"', { name: "x", op: "=", value: "line\nbreak" }, 'x="line\\nbreak"'],
  ['x="\\a\\b\\f\\r\\t\\v"', { name: "x", op: "=", value: "\x07\b\f\r\t\v" }, 'x="\x07\b\f\r\t\v"'],
  ['x="\\x41\\101\\u00e9\\U0001F600"', { name: "x", op: "=", value: "AAé😀" }, 'x="AAé😀"'],
  ['x="\\xc3\\xa9\\303\\251"', { name: "x", op: "=", value: "éé" }, 'x="éé"'],
  ['x="it\'s"', { name: "x", op: "=", value: "it's" }, 'x="it\'s"'],
  ['x="{a,b}!=~`"', { name: "x", op: "=", value: "{a,b}!=~`" }, 'x="{a,b}!=~`"'],
  ["x=\"\ufeffbom\"", { name: "x", op: "=", value: "\ufeffbom" }, 'x="\ufeffbom"'],
  ['x=~"a)|(b"', { name: "x", op: "=~", value: "a)|(b" }, 'x=~"a)|(b"'],
];

// [input, expected 0-based position, expected reason (substring)]
const invalid: [string, number, string][] = [
  ["", 0, "expected a name"],
  ["   ", 3, "expected a name"],
  ["foo", 3, "expected an operator"],
  ["foo=", 4, "expected a value"],
  ["foo =  ", 7, "expected a value"],
  ["=bar", 0, "expected a name"],
  ["foo bar=x", 4, "expected an operator"],
  ["foo!bar", 4, "'!' must be followed by '=' or '~'"],
  ["foo!", 4, "'!' must be followed by '=' or '~'"],
  ["foo~=bar", 3, "expected an operator"],
  ["foo==bar", 4, "expected a value"],
  ["foo=!bar", 4, "expected a value"],
  ["foo=b=c", 5, "expected the end of the matcher"],
  ["a,b", 1, "commas are not allowed"],
  ["a=b,", 3, "commas are not allowed"],
  ["a=b,c=d", 3, "commas are not allowed"],
  ["a=b c=d", 4, "one matcher per entry"],
  ['{a="b"}', 0, "braces are not allowed"],
  ["a=b}", 3, "braces are not allowed"],
  ["{}", 0, "braces are not allowed"],
  ['foo="\\d"', 5, "unknown escape sequence \\d"],
  ['foo=~"\\d+"', 6, "unknown escape sequence \\d"],
  ["foo=~\\d+", 5, "not allowed outside double quotes"],
  ["foo='bar'", 4, "not allowed outside double quotes"],
  ["foo=`bar`", 4, "not allowed outside double quotes"],
  ["fo'o=bar", 2, "expected an operator"],
  ['foo="bar', 4, "unterminated quoted string"],
  ['foo="bar\\"', 4, "unterminated quoted string"],
  ['"foo=bar', 0, "unterminated quoted string"],
  ['foo="a\nb"', 6, "newline in quoted string"],
  ['foo="\\\'"', 5, "unknown escape sequence \\'"],
  ['foo="\\x4"', 5, "\\x needs 2 hex digits"],
  ['foo="\\u12"', 5, "\\u needs 4 hex digits"],
  ['foo="\\U0010FFFFF"', 4, ""], // valid escape, but "F" left in a closed string is fine: see below
  ['foo="\\U00110000"', 5, "invalid Unicode code point \\U00110000"],
  ['foo="\\ud800"', 5, "invalid Unicode code point \\uD800"],
  ['foo="\\400"', 5, "above \\377"],
  ['foo="\\12"', 5, "octal escapes need 3 digits"],
  ['foo="\\xff"', 4, "not valid UTF-8"],
  ['foo="\\xed\\xa0\\x80"', 4, "not valid UTF-8"],
  ["foo=\ud800", 4, "lone UTF-16 surrogate"],
  ['foo="bar"baz', 9, "expected the end of the matcher"],
  ['foo"bar"=x', 3, "expected an operator"],
  ['x=~"(?=x)"', 3, "invalid regular expression"],
  ['x=~"(?!x)"', 3, "invalid or unsupported Perl syntax"],
  ['x!~"(?<=x)y"', 3, "invalid regular expression"],
  ['x=~"(a)\\\\1"', 3, "invalid escape sequence"],
  ['x=~"[a-z"', 3, "missing closing ]"],
  ['x=~"a{1001}"', 3, "invalid repeat count"],
  ["x=~a*+", 3, "invalid nested repetition operator"],
  ['x=~"\\\\Z"', 3, "invalid escape sequence"],
  ['  x  =~  "("', 9, "invalid regular expression"],
  [`k=${"v".repeat(MAX_MATCHER_LENGTH - 1)}`, 200, "longer than 200 characters (201 characters)"],
  [`k=${"😀".repeat(MAX_MATCHER_LENGTH - 1)}`, 200, "longer than 200 characters (201 characters)"],
  [" ".repeat(201), 200, "longer than 200 characters"],
];

describe("parseMatcher: valid matchers", () => {
  it.each(valid)("%j", (input, expected, canonical) => {
    expect(parseMatcher(input)).toEqual(expected);
    expect(validateMatcher(input)).toBeUndefined();
    expect(canonicalMatcher(input)).toBe(canonical);
    // The canonical form parses back to the same matcher.
    expect(parseMatcher(canonical)).toEqual(expected);
  });
});

describe("parseMatcher: invalid matchers", () => {
  const cases = invalid.filter(([, , reason]) => reason !== "");
  it.each(cases)("%j fails at %i", (input, position, reason) => {
    const error = validateMatcher(input);
    expect(error).toBeInstanceOf(MatcherError);
    expect(error?.position).toBe(position);
    expect(error?.reason).toContain(reason);
    expect(error?.input).toBe(input);
    expect(() => parseMatcher(input)).toThrow(MatcherError);
  });

  it("accepts a \\U escape followed by a plain character", () => {
    expect(parseMatcher('foo="\\U0010FFFFF"').value).toBe("\u{10ffff}F");
  });
});

describe("MatcherError", () => {
  it("has a stable code, a readable message and the FleetError base", () => {
    const error = validateMatcher("foo=");
    expect(error).toBeInstanceOf(FleetError);
    expect(error?.code).toBe("INVALID_MATCHER");
    expect(error?.name).toBe("MatcherError");
    expect(error?.message).toBe('invalid matcher "foo=": expected a value at position 4');
  });

  it("shortens very long inputs in the message but keeps them whole in `input`", () => {
    const input = "x".repeat(10_000);
    const error = validateMatcher(input);
    expect(error?.input).toBe(input);
    expect(error?.message.length).toBeLessThan(250);
    expect(error?.message).toContain("…");
  });

  it("rejects a non-string input with a MatcherError", () => {
    expect(() => parseMatcher(42 as unknown as string)).toThrow(MatcherError);
  });

  it.each(["v", "é", "😀"])("accepts exactly 200 characters of %s", (char) => {
    const input = `k=${char.repeat(MAX_MATCHER_LENGTH - 2)}`;
    expect(parseMatcher(input)).toEqual({ name: "k", op: "=", value: char.repeat(198) });
    // The limit applies to the text as written: the canonical form adds two quotes
    // and so is itself over the limit (see the README).
    expect(canonicalMatcher(input)).toBe(`k="${char.repeat(198)}"`);
    expect(validateMatcher(canonicalMatcher(input))?.reason).toContain("longer than 200 characters (202 characters)");
  });

  it("counts the 200-character limit in code points, not UTF-16 units", () => {
    const astral = `k=${"😀".repeat(198)}`;
    expect(astral.length).toBe(398);
    expect(parseMatcher(astral).value).toHaveLength(396);
  });
});

describe("canonicalMatcher: equality", () => {
  it.each([
    ["env=prod", 'env="prod"', " env = prod "],
    ['x=~"\\\\d+"', 'x =~ "\\x5cd+"', 'x=~"\\134d+"'],
    ['"a b"=c', '"a\\x20b"="c"', '"a\\u0020b" = c'],
    ["collector.os=linux", '"collector.os"="linux"', '"collector\\x2eos"=linux'],
  ])("%j, %j and %j print the same", (a, b, c) => {
    expect(canonicalMatcher(b)).toBe(canonicalMatcher(a));
    expect(canonicalMatcher(c)).toBe(canonicalMatcher(a));
  });

  it("tells different operators and values apart", () => {
    expect(canonicalMatcher("env=prod")).not.toBe(canonicalMatcher("env!=prod"));
    expect(canonicalMatcher("env=prod")).not.toBe(canonicalMatcher("env=Prod"));
  });
});
