// Files with several errors, each marked where it is expected with upstream's
// convention (spec 4.4): `/* ERROR "regex" */` right after a token expects an
// error matching the regex at that token's start, `/* ERROR HERE "regex" */`
// at the byte after it. Every reported error must be expected and every
// expected error reported.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAlloy } from "../../src/alloy/index.js";
import { Scanner } from "../../src/alloy/scanner.js";
import { Tok } from "../../src/alloy/token.js";

const dir = join(import.meta.dirname, "../fixtures/alloy/errors");
const MARK = /^\/\* ERROR (HERE )?"(.*)" \*\/$/;

interface Expected {
  offset: number;
  pattern: RegExp;
}

function expectedErrors(src: Uint8Array): Expected[] {
  const scanner = new Scanner(src, () => {});
  const expected: Expected[] = [];
  let lastStart = -1;
  let lastEnd = -1;
  for (;;) {
    scanner.scan();
    if (scanner.tok === Tok.EOF) return expected;
    if (scanner.tok === Tok.TERMINATOR) continue;
    if (scanner.tok === Tok.COMMENT) {
      const m = MARK.exec(scanner.lit);
      if (m) expected.push({ offset: m[1] ? lastEnd : lastStart, pattern: new RegExp(m[2]!) });
      continue;
    }
    lastStart = scanner.pos;
    lastEnd = scanner.end;
  }
}

describe("files marked with ERROR comments", () => {
  const files = readdirSync(dir).filter((f) => f.endsWith(".alloy"));
  it("exist", () => expect(files.length).toBeGreaterThanOrEqual(3));
  for (const name of files) {
    it(name, () => {
      const src = readFileSync(join(dir, name));
      const expected = expectedErrors(src);
      expect(expected.length).toBeGreaterThan(3);
      const reported = parseAlloy(src).diagnostics;
      const unmatched = [...expected];
      const unexpected: string[] = [];
      for (const d of reported) {
        const i = unmatched.findIndex((e) => e.offset === d.offset && e.pattern.test(d.message));
        if (i >= 0) unmatched.splice(i, 1);
        else unexpected.push(`${d.line}:${d.column}: ${d.message}`);
      }
      expect(unexpected).toEqual([]);
      expect(unmatched.map((e) => `offset ${e.offset}: ${e.pattern.source}`)).toEqual([]);
    });
  }
});
