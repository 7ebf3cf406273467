// The fixture corpus written from the Alloy syntax spec: formatting pairs
// (input → alloy fmt output, spec 5.2 and more), canonical files, and invalid
// inputs with the diagnostics Alloy reports (spec 4.2: line, byte column,
// message).
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatAlloy, parseAlloy } from "../../src/alloy/index.js";

const root = join(import.meta.dirname, "../fixtures/alloy");
const read = (dir: string, name: string) => readFileSync(join(root, dir, name));

describe("formatting pairs", () => {
  const inputs = readdirSync(join(root, "format")).filter((f) => f.endsWith(".in.alloy"));
  it("has the spec's examples", () => expect(inputs.length).toBeGreaterThan(30));
  for (const name of inputs) {
    it(name.replace(".in.alloy", ""), () => {
      const expected = read("format", name.replace(".in.alloy", ".out.alloy")).toString("utf8");
      const result = formatAlloy(read("format", name));
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.text).toBe(expected);
      // Deviations from upstream say so; nothing else warns.
      expect(result.diagnostics.length > 0).toBe(name.startsWith("deviation-"));
      // The output is canonical: formatting it again changes nothing.
      const again = formatAlloy(result.text);
      expect(again.ok && again.text).toBe(expected);
    });
  }
});

describe("canonical files", () => {
  for (const name of readdirSync(join(root, "valid"))) {
    it(`${name} is unchanged by formatting`, () => {
      const text = read("valid", name);
      expect(parseAlloy(text).diagnostics).toEqual([]);
      const result = formatAlloy(text);
      expect(result.ok && result.text).toBe(text.toString("utf8"));
    });
  }
});

describe("invalid inputs", () => {
  const inputs = readdirSync(join(root, "invalid")).filter((f) => f.endsWith(".alloy"));
  it("has the spec's catalogue", () => expect(inputs.length).toBeGreaterThan(35));
  for (const name of inputs) {
    it(name.replace(".alloy", ""), () => {
      const expected = read("invalid", name.replace(".alloy", ".expected")).toString("utf8").trim().split("\n");
      const { diagnostics } = parseAlloy(read("invalid", name), { filename: name });
      const got = diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`);
      // The spec requires the first diagnostic; where it lists more, the whole list.
      if (expected.length > 1) expect(got).toEqual(expected);
      else expect(got[0]).toBe(expected[0]);
      expect(diagnostics.every((d) => d.severity === "error" && d.filename === name)).toBe(true);
      // A file with errors is never formatted.
      const formatted = formatAlloy(read("invalid", name));
      expect(formatted.ok).toBe(false);
      expect(formatted.diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`)).toEqual(got);
    });
  }
});
