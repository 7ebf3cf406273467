import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffLines, unifiedDiff } from "../../src/render/index.js";

function lcsLength(a: string[], b: string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = a[i - 1] === b[j - 1] ? diag + 1 : Math.max(row[j]!, row[j - 1]!);
      diag = up;
    }
  }
  return row[b.length]!;
}

describe("diffLines", () => {
  it("rebuilds both sides and is a shortest edit script", () => {
    const lines = fc.array(fc.constantFrom("a", "b", "c", "d", ""), { maxLength: 40 });
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const ops = diffLines(a, b);
        expect(ops.filter((o) => o.kind !== "insert").map((o) => o.line)).toEqual(a);
        expect(ops.filter((o) => o.kind !== "delete").map((o) => o.line)).toEqual(b);
        const edits = ops.filter((o) => o.kind !== "equal").length;
        expect(edits).toBe(a.length + b.length - 2 * lcsLength(a, b));
      }),
      { numRuns: 300 },
    );
  });

  it("handles large inputs with few changes quickly", () => {
    const a = Array.from({ length: 20_000 }, (_, i) => `line ${i}`);
    const b = [...a];
    b[100] = "changed";
    b.splice(15_000, 0, "inserted");
    const ops = diffLines(a, b);
    expect(ops.filter((o) => o.kind !== "equal")).toEqual([
      { kind: "delete", line: "line 100" },
      { kind: "insert", line: "changed" },
      { kind: "insert", line: "inserted" },
    ]);
  });
});

describe("unifiedDiff", () => {
  it("is empty for equal texts", () => {
    expect(unifiedDiff("a\nb\n", "a\nb\n")).toBe("");
    expect(unifiedDiff("", "")).toBe("");
  });

  it("prints hunks with context and line ranges like diff -u", () => {
    const before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";
    const after = "1\n2\nthree\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n";
    expect(unifiedDiff(before, after, { context: 2, fromLabel: "a/x", toLabel: "b/x" })).toBe(
      ["--- a/x", "+++ b/x", "@@ -1,5 +1,5 @@", " 1", " 2", "-3", "+three", " 4", " 5", "@@ -11,2 +11,3 @@", " 11", " 12", "+13", ""].join("\n"),
    );
  });

  it("merges changes whose context overlaps into one hunk", () => {
    const hunks = (context: number) =>
      unifiedDiff("a\nb\nc\nd\ne\n", "A\nb\nc\nd\nE\n", { context })
        .split("\n")
        .filter((l) => l.startsWith("@@"));
    expect(hunks(2)).toEqual(["@@ -1,5 +1,5 @@"]); // 3 equal lines between ≤ 2·2
    expect(hunks(1)).toEqual(["@@ -1,2 +1,2 @@", "@@ -4,2 +4,2 @@"]);
  });

  it("uses the diff(1) ranges for empty sides", () => {
    expect(unifiedDiff("", "a\nb\n")).toBe("@@ -0,0 +1,2 @@\n+a\n+b\n");
    expect(unifiedDiff("a\n", "")).toBe("@@ -1 +0,0 @@\n-a\n");
  });

  it("marks a missing final newline, and treats it as a change", () => {
    expect(unifiedDiff("a\nb", "a\nb\n", { context: 0 })).toBe(
      "@@ -2 +2 @@\n-b\n\\ No newline at end of file\n+b\n",
    );
  });
});
