// Parser behaviour from the spec (sections 1-4): precedence, positions in
// UTF-8 bytes, comment groups, literals, recovery, and the nesting cap.
import { describe, expect, it } from "vitest";
import { ALLOY_MAX_NESTING, AlloySyntaxError, alloyStringValue, formatAlloyDiagnostic, parseAlloy, type Expression } from "../../src/alloy/index.js";
import { sexpr } from "./shape.js";

function value(src: string): Expression {
  const { file, diagnostics } = parseAlloy(`x = ${src}\n`);
  expect(diagnostics).toEqual([]);
  const stmt = file.body[0]!;
  if (stmt.kind !== "Attribute") throw new Error("not an attribute");
  return stmt.value;
}

const messages = (src: string | Uint8Array) => parseAlloy(src).diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`);

describe("expressions", () => {
  it.each([
    ["-2 ^ 2", "(^ (- 2) 2)"],
    ["2 ^ 3 ^ 2", "(^ 2 (^ 3 2))"],
    ["-a.b[0]", "(- ([] (. a b) 0))"],
    ["!a == b", "(== (! a) b)"],
    ["1 < 2 < 3", "(< (< 1 2) 3)"],
    ["a || b && c == d + e * f", "(|| a (&& b (== c (+ d (* e f)))))"],
    ["1 - 2 - 3", "(- (- 1 2) 3)"],
    ["--1", "(- (- 1))"],
    ["f(1)(2)", "(call (call f 1) 2)"],
    ["[1, 2][0]", "([] [1 2] 0)"],
    ["{x = 1}.x", "(. {x=1} x)"],
    ['"s".len', '(. "s" len)'],
    ["(a).b", "(. (paren a) b)"],
    ["1 .b", "(. 1 b)"],
    ["f(1,)", "(call f 1)"],
    ["[1, 2,]", "[1 2]"],
    ['{"a\\nb" = 1, `r` = 2, "" = 3}', '{"a\\\\nb"=1 "r"=2 ""=3}'],
    ["sys.env(\"X\")", '(call (. sys env) "X")'],
  ])("%s", (src, shape) => {
    expect(sexpr(value(src))).toBe(shape);
  });

  it("keeps literal text verbatim and reads string values like Go", () => {
    for (const lit of ["1.", ".5", "1e3", "2E-4", "007", "1.e5"]) expect(value(lit)).toMatchObject({ kind: "Literal", text: lit });
    expect(value("5.")).toMatchObject({ literalKind: "FLOAT" });
    expect(value("42")).toMatchObject({ literalKind: "NUMBER" });
    expect(alloyStringValue('"a\\tb\\u00e9\\x41\\101\\""')).toBe('a\tbéAA"');
    expect(alloyStringValue("`a\r\nb`")).toBe("a\nb");
    expect(alloyStringValue('"\\q"')).toBeUndefined();
  });

  it("an empty object key stays the two-character text and is not marked quoted", () => {
    const obj = value('{"" = 1}');
    expect(obj.kind === "Object" && obj.fields[0]!.key).toMatchObject({ name: '""', quoted: false });
  });
});

describe("positions", () => {
  it("are 1-based lines and UTF-8 byte columns", () => {
    const { file } = parseAlloy("éé = 1\n  b = \"x\"\n");
    const [a, b] = file.body;
    expect(a!.kind === "Attribute" && a!.value).toMatchObject({ pos: { line: 1, column: 8, offset: 7 } });
    expect(b!.kind === "Attribute" && b!.name.pos).toEqual({ line: 2, column: 3, offset: 11 });
  });

  it("count a leading BOM and a CR in columns", () => {
    expect(messages("\ufeffa = @")).toEqual(["1:8: illegal character U+0040 '@'", "1:8: expected expression, got ILLEGAL"]);
    expect(messages("a = 1\r\nb = @\r\n")[0]).toBe("2:5: illegal character U+0040 '@'");
  });

  it("put EOF on the line after a final newline", () => {
    expect(messages("b {\n")).toEqual(["2:1: expected }, got EOF"]);
    expect(messages("b {")).toEqual(["1:4: expected }, got EOF"]);
  });

  it("block positions cover name, label and braces", () => {
    const { file } = parseAlloy('a.b "l" {\n}\n');
    expect(file.body[0]).toMatchObject({
      kind: "Block",
      name: ["a", "b"],
      label: "l",
      namePos: { line: 1, column: 1 },
      labelPos: { line: 1, column: 5 },
      lbrace: { line: 1, column: 9 },
      rbrace: { line: 2, column: 1 },
    });
  });
});

describe("bytes", () => {
  it("reports invalid UTF-8 and NUL where they are", () => {
    const bad = new Uint8Array([0x61, 0x20, 0x3d, 0x20, 0x22, 0xff, 0x22, 0x0a]); // a = "\xff"
    expect(messages(bad)).toEqual(["1:6: illegal UTF-8 encoding"]);
    expect(messages('a = "x\u0000"')[0]).toBe("1:7: illegal character NUL");
    expect(messages("a = 1\u00a0")[0]).toBe("1:6: illegal character U+00A0");
    expect(messages("a = \ufeff1")[0]).toBe("1:5: illegal byte order mark");
  });
});

describe("comments", () => {
  it("are grouped by adjacency and keep their text without CR", () => {
    const { file } = parseAlloy("a = 1 // one\n// two\n\n/* three\r\nfour */\nb = 2 /* five */\n");
    expect(file.comments.map((g) => g.comments.map((c) => c.text))).toEqual([["// one", "// two"], ["/* three\nfour */"], ["/* five */"]]);
    expect(file.comments[1]!.comments[0]!.end).toMatchObject({ line: 5 });
  });

  it("a comment at the end of a line ends the statement", () => {
    expect(messages("a = 1 /* c */\nb = 2 // x\n")).toEqual([]);
    expect(messages("a = 1 /* c */ + 2\n")).toEqual([]);
  });
});

describe("recovery", () => {
  it("reports every error of the file, one per line", () => {
    expect(messages("a = 1 +\nb = 2\nc = [1 2]\nd = @\n")).toEqual([
      "2:3: expected TERMINATOR, got =",
      "3:8: missing ',' in expression list",
      "4:5: illegal character U+0040 '@'",
      "4:5: expected expression, got ILLEGAL",
    ]);
  });

  it("keeps what parsed before and after an error", () => {
    const { file } = parseAlloy("a = 1\nb = = 2\nc = 3\n");
    expect(file.body.map((s) => s.kind === "Attribute" && s.name.name)).toEqual(["a", "b", "c"]);
  });

  it("formats diagnostics like Alloy and throws them together", () => {
    const { diagnostics } = parseAlloy("x = @\ny = @\n", { filename: "f.alloy" });
    expect(formatAlloyDiagnostic(diagnostics[0]!)).toBe("f.alloy:1:5: illegal character U+0040 '@'");
    const error = new AlloySyntaxError(diagnostics);
    expect(error.message).toBe(`f.alloy:1:5: illegal character U+0040 '@' (and ${diagnostics.length - 1} more diagnostics)`);
  });
});

describe("nesting", () => {
  it("parses nesting up to the cap", () => {
    const depth = ALLOY_MAX_NESTING - 10;
    expect(messages(`x = ${"[".repeat(depth)}${"]".repeat(depth)}\n`)).toEqual([]);
  });

  it.each([
    ["arrays", (n: number) => `x = ${"[".repeat(n)}${"]".repeat(n)}\n`],
    ["parentheses", (n: number) => `x = ${"(".repeat(n)}1${")".repeat(n)}\n`],
    ["unary operators", (n: number) => `x = ${"-".repeat(n)}1\n`],
    ["powers", (n: number) => `x = 1${" ^ 1".repeat(n)}\n`],
    ["sums", (n: number) => `x = 1${" + 1".repeat(n)}\n`],
    ["accesses", (n: number) => `x = a${".b".repeat(n)}\n`],
    ["blocks", (n: number) => `${"b {\n".repeat(n)}${"}\n".repeat(n)}`],
  ])("refuses %s nested far past the cap with one clear diagnostic instead of overflowing", (_, make) => {
    const diagnostics = parseAlloy(make(100_000)).diagnostics;
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.message).toMatch(/^nesting too deep: more than \d+ levels/);
  });
});
