// The loader's small pure parts: glob matching, key suggestions, text
// decoding, issue formatting and the concurrency limiter.
import { describe, expect, it } from "vitest";
import { formatLoadIssue } from "../../src/loader/index.js";
import { compareIssues, escapeForDisplay } from "../../src/loader/format.js";
import { compileGlob } from "../../src/loader/glob.js";
import { createLimiter } from "../../src/loader/limit.js";
import { METADATA_KEYS } from "../../src/loader/metadata.js";
import { classifyFile, displayPath, isInside } from "../../src/loader/paths.js";
import { editDistance, suggestKey } from "../../src/loader/suggest.js";
import { decodeText, firstInvalidUtf8 } from "../../src/loader/text.js";

describe("compileGlob", () => {
  const cases: [string, string, boolean][] = [
    ["drafts", "drafts", true],
    ["drafts", "drafts/x.yaml", false],
    ["drafts", "team/drafts", false],
    ["drafts/**", "drafts", true],
    ["drafts/**", "drafts/a/b/c.yaml", true],
    ["drafts/**", "draftsx/a.yaml", false],
    ["*.yaml", "node.yaml", true],
    ["*.yaml", "team/node.yaml", false],
    ["**/*.yaml", "node.yaml", true],
    ["**/*.yaml", "a/b/node.yaml", true],
    ["**/*.yaml", "a/b/node.alloy", false],
    ["a/**/b", "a/b", true],
    ["a/**/b", "a/x/y/b", true],
    ["a/**/b", "a/x/y/bb", false],
    ["t?.yaml", "t1.yaml", true],
    ["t?.yaml", "t12.yaml", false],
    ["t?.yaml", "t/.yaml", false],
    ["*", "anything", true],
    ["*", "a/b", false],
    ["**", "a/b/c", true],
    ["./team/", "team", true],
    ["a.b+c(d)[e]", "a.b+c(d)[e]", true],
    ["a.b", "axb", false],
    ["*x*y*z", "aaxbbyccz", true],
    ["*x*y*z", "aaxbbycc", false],
    ["nøde-*.yaml", "nøde-1.yaml", true],
    ["??.yaml", "ñö.yaml", true],
  ];
  it.each(cases)("%s matches %s: %s", (pattern, path, expected) => {
    expect(compileGlob(pattern)(path)).toBe(expected);
  });

  it("stays fast on patterns that backtrack", () => {
    const match = compileGlob("**/**/**/**/**/*a*a*a*a*a*a*b");
    expect(match("x/".repeat(50) + "a".repeat(200))).toBe(false);
  });

  it.each([[""], ["  "], ["/etc"], ["../x"], ["a/../../b"], ["C:/x"]])("rejects %j", (pattern) => {
    expect(() => compileGlob(pattern)).toThrow(/exclude pattern/);
  });
});

describe("suggestKey", () => {
  it.each([
    ["enabledd", "enabled"],
    ["enable", "enabled"],
    ["Enabled", "enabled"],
    ["configType", "config_type"],
    ["config-type", "config_type"],
    ["contentsFile", "contents_file"],
    ["content", "contents"],
    ["matcher", "matchers"],
    ["nmae", "name"],
    ["type", "config_type"],
    ["disabled", "enabled"],
    ["labels", "matchers"],
    ["metdata", "metadata"],
  ])("%s → %s", (typo, key) => {
    expect(suggestKey(typo, METADATA_KEYS)).toBe(key);
  });

  it.each([["owner"], ["receivers"], ["x"], ["a".repeat(1000)]])("has nothing for %s", (word) => {
    expect(suggestKey(word, METADATA_KEYS)).toBeUndefined();
  });

  it("caps the edit distance", () => {
    expect(editDistance("kitten", "sitting", 5)).toBe(3);
    expect(editDistance("nmae", "name", 3)).toBe(1);
    expect(editDistance("abc", "xyzxyz", 2)).toBe(3);
  });
});

describe("decodeText", () => {
  const bytes = (...values: number[]) => new Uint8Array(values);
  it("decodes UTF-8 and drops a byte order mark", () => {
    expect(decodeText(bytes(0xef, 0xbb, 0xbf, 0x68, 0xc3, 0xa9))).toEqual({ ok: true, text: "hé" });
  });
  it("reports the line of a NUL byte", () => {
    expect(decodeText(Buffer.from("a\nb\nc\0"))).toMatchObject({ ok: false, code: "BINARY_FILE", line: 3 });
  });
  it("calls UTF-16 by its name", () => {
    expect(decodeText(Buffer.from("\ufeffhi", "utf16le"))).toMatchObject({ ok: false, code: "BINARY_FILE", message: expect.stringContaining("UTF-16") });
  });
  it.each([
    ["lone continuation", [0x61, 0x80], 1],
    ["overlong", [0xc0, 0xaf], 0],
    ["truncated", [0x61, 0x62, 0xe2, 0x82], 2],
    ["surrogate", [0xed, 0xa0, 0x80], 0],
    ["above U+10FFFF", [0xf4, 0x90, 0x80, 0x80], 0],
    ["0xff", [0x0a, 0x0a, 0xff], 2],
  ])("finds invalid UTF-8: %s", (_, values, offset) => {
    expect(firstInvalidUtf8(bytes(...values))).toBe(offset);
    expect(decodeText(bytes(...values))).toMatchObject({ ok: false, code: "INVALID_UTF8" });
  });
  it("accepts every valid sequence length", () => {
    const text = "a é € 𝄞";
    expect(firstInvalidUtf8(Buffer.from(text))).toBe(Buffer.byteLength(text));
  });
});

describe("formatLoadIssue", () => {
  it("prints file:line:column: pipeline: reason", () => {
    expect(
      formatLoadIssue({
        code: "UNKNOWN_KEY",
        severity: "error",
        file: "pipelines/node.yaml",
        line: 3,
        column: 1,
        pipeline: "node",
        message: 'unknown key "enabledd" (did you mean "enabled"?)',
      }),
    ).toBe('pipelines/node.yaml:3:1: pipeline "node": unknown key "enabledd" (did you mean "enabled"?)');
  });
  it("marks warnings and leaves out what is unknown", () => {
    expect(formatLoadIssue({ code: "UNPAIRED_FILE", severity: "warning", file: "m.alloy", message: "lonely" })).toBe("m.alloy: warning: lonely");
  });
  it("escapes control and bidi characters everywhere", () => {
    const line = formatLoadIssue({ code: "X", severity: "error", file: "a\rb", pipeline: 'x"\u0000\u2066', message: "m\u001b[31m" });
    expect(line).toBe('a\\x0db: pipeline "x\\"\\x00\\u2066": m\\x1b[31m');
    expect(escapeForDisplay("plain ünïcode ✓")).toBe("plain ünïcode ✓");
  });
  it("sorts by file, line, column and code", () => {
    const issue = (file: string, line?: number, code = "A") => ({ code, severity: "error" as const, file, message: "", ...(line ? { line } : {}) });
    const sorted = [issue("b", 1), issue("a", 10), issue("a", 2, "B"), issue("a", 2, "A"), issue("a")].sort(compareIssues);
    expect(sorted.map((i) => `${i.file}${i.line ?? ""}${i.code}`)).toEqual(["aA", "a2A", "a2B", "a10A", "b1A"]);
  });
});

describe("paths", () => {
  it("never treats *.otel.yaml as metadata", () => {
    expect(classifyFile("gw.otel.yaml")).toBe("contents");
    expect(classifyFile("gw.OTEL.YML")).toBe("contents");
    expect(classifyFile("gw.yaml")).toBe("metadata");
    expect(classifyFile("gw.YML")).toBe("metadata");
    expect(classifyFile("gw.alloy")).toBe("contents");
    expect(classifyFile("gw.json")).toBeUndefined();
    expect(classifyFile("otel.yaml")).toBe("metadata");
  });
  it("checks containment by whole path segments", () => {
    expect(isInside("/a/b", "/a/b")).toBe(true);
    expect(isInside("/a/b", "/a/b/c")).toBe(true);
    expect(isInside("/a/b", "/a/bc")).toBe(false);
    expect(isInside("/", "/x")).toBe(true);
  });
  it("displays paths relative to the working directory when under it", () => {
    expect(displayPath("/w", "/w/p/a.yaml")).toBe("p/a.yaml");
    expect(displayPath("/w", "/w")).toBe(".");
    expect(displayPath("/w", "/other/a.yaml")).toBe("/other/a.yaml");
    expect(displayPath("/w", "/w/..x/a.yaml")).toBe("..x/a.yaml");
  });
});

describe("createLimiter", () => {
  it("never runs more than its limit at once and runs everything", async () => {
    const limit = createLimiter(3);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((resolve) => setImmediate(resolve));
          active--;
          if (i === 5) throw new Error("five");
          return i;
        }).catch((e: Error) => e.message),
      ),
    );
    expect(peak).toBe(3);
    expect(results[5]).toBe("five");
    expect(results[19]).toBe(19);
  });
});
