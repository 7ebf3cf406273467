// Formatter behaviour beyond the fixture pairs: the deviations from upstream
// (spec 5.6) keep values and warn with file and line; the output is stable;
// what the formatter accepts and refuses.
import { describe, expect, it } from "vitest";
import { alloyStringValue, formatAlloy, parseAlloy, type AlloyFormatResult } from "../../src/alloy/index.js";
import { fileShape } from "./shape.js";

function ok(result: AlloyFormatResult): string {
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.text;
}

/** The value of the first attribute (a string literal). */
function firstString(text: string): string | undefined {
  const stmt = parseAlloy(text).file.body[0];
  return stmt?.kind === "Attribute" && stmt.value.kind === "Literal" ? alloyStringValue(stmt.value.text) : undefined;
}

describe("deviations from alloy fmt keep what the file means", () => {
  it.each([
    ["a tab in a quoted string", 'a = "x\ty"\nlong_name = 1\n', "x\ty"],
    ["a vertical tab and a form feed in a string", 'a = "x\u000by\u000cz"\n', "x\u000by\u000cz"],
    ["a tab in a raw string", "a = `x\ty`\n", "x\ty"],
    ["blanks at line ends in a raw string", "a = `one   \ntwo\t\nthree`\n", "one   \ntwo\t\nthree"],
  ])("%s", (_, input, value) => {
    const result = formatAlloy(input, { filename: "p.alloy" });
    const text = ok(result);
    expect(firstString(text)).toBe(value);
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ severity: "warning", line: 1, column: 5, filename: "p.alloy" });
    expect(ok(formatAlloy(text))).toBe(text);
  });

  it("keeps the alignment of the other lines around a protected string", () => {
    expect(ok(formatAlloy('a = "x\ty"\nlong_name = 1\n'))).toBe('a         = "x\ty"\nlong_name = 1\n');
  });

  it.each([
    ['{"a\\nb" = 1}', '{"a\\nb" = 1}'],
    ['{"a\\\\b" = 1}', '{"a\\\\b" = 1}'],
    ['{`a"b` = 1}', '{`a"b` = 1}'],
    ['{`a\\b` = 1}', '{`a\\b` = 1}'],
  ])("keeps the object key of %s as written", (input, output) => {
    const result = formatAlloy(`x = ${input}\n`);
    expect(ok(result)).toBe(`x = ${output}\n`);
    expect(result.diagnostics[0]?.message).toMatch(/^object key .* kept as written/);
    const before = parseAlloy(`x = ${input}\n`).file;
    expect(fileShape(parseAlloy(ok(result)).file)).toEqual(fileShape(before));
  });

  it("does not add a comma to an empty call whose ) is on the next line (alloy fmt's output would not parse)", () => {
    const result = formatAlloy("x = f(\n)\n");
    expect(ok(result)).toBe("x = f(\n)\n");
    expect(result.diagnostics).toHaveLength(1);
  });

  it("keeps a comment next to a call's ) where the output still parses, and stable", () => {
    for (const input of ["x = f(\n 1,\n 2, // y\n)\nz = 1\n", "a = g(\n) /* i */ ||\n  b\n", "a = g(1, // c\n) || b\n"]) {
      const text = ok(formatAlloy(input));
      expect(parseAlloy(text).diagnostics).toEqual([]);
      expect(fileShape(parseAlloy(text).file)).toEqual(fileShape(parseAlloy(input).file));
      expect(ok(formatAlloy(text))).toBe(text);
    }
  });

  it("where upstream needs two runs (a joined multi-line value), returns the stable result", () => {
    const input = "o = {\n  a = (1 +\n2),\n  bb = 2,\n}\n";
    const text = ok(formatAlloy(input));
    expect(text).toBe("o = {\n\ta  = (1 + 2),\n\tbb = 2,\n}\n");
    expect(ok(formatAlloy(text))).toBe(text);
  });
});

describe("formatAlloy", () => {
  it("returns every syntax error and no text", () => {
    const result = formatAlloy("a = [1 2]\nb = @\n", { filename: "bad.alloy" });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => `${d.filename}:${d.line}:${d.column}`)).toEqual(["bad.alloy:1:8", "bad.alloy:2:5", "bad.alloy:2:5"]);
  });

  it("accepts bytes and strings alike, and drops a BOM and CRs", () => {
    const bytes = new TextEncoder().encode("\ufeffa = 1\r\nbb = 2\r\n");
    expect(ok(formatAlloy(bytes))).toBe("a  = 1\nbb = 2\n");
  });

  it("formats a large file (nesting near the cap, many statements) without overflowing", () => {
    const deep = `x = ${"[".repeat(150)}${"]".repeat(150)}\n`;
    expect(ok(formatAlloy(deep))).toBe(deep);
    const many = Array.from({ length: 5000 }, (_, i) => `attr_${i} = ${i}`).join("\n") + "\n";
    const text = ok(formatAlloy(many));
    expect(text.split("\n")).toHaveLength(5001);
    expect(ok(formatAlloy(text))).toBe(text);
  });

  it("keeps comments verbatim, block comments not re-indented", () => {
    const input = "b {\n  /* keep\n     this */\n  a = 1   // trailing   \n}\n";
    expect(ok(formatAlloy(input))).toBe("b {\n\t/* keep\n     this */\n\ta = 1 // trailing   \n}\n");
  });
});
