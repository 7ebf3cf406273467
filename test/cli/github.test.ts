import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  annotation,
  appendStepSummary,
  escapeCommandData,
  escapeCommandProperty,
  findingAnnotations,
} from "../../src/cli/github.js";
import { createProgressLine } from "../../src/cli/progress.js";
import type { Finding } from "../../src/plan/index.js";

describe("GitHub workflow commands", () => {
  it("escapes % CR LF in messages, and also : and , in properties", () => {
    expect(escapeCommandData("50% done\r\nnext: a,b")).toBe("50%25 done%0D%0Anext: a,b");
    expect(escapeCommandProperty("dir:a,b%\n")).toBe("dir%3Aa%2Cb%25%0A");
  });

  it("cannot be split into a second command by a hostile file name or message", () => {
    const line = annotation("error", "bad\n::warning::forged", { file: "evil,line=9\n::error::x.yaml", line: 3 });
    expect(line.split("\n").filter(Boolean)).toHaveLength(1);
    // Foreign text is made printable first (the line break is shown as \x0a), then escaped by the runner's rules.
    expect(line).toBe("::error file=evil%2Cline=9\\x0a%3A%3Aerror%3A%3Ax.yaml,line=3::bad\\x0a::warning::forged\n");
  });

  it("annotates every file of a finding, the line on the first only, by severity", () => {
    const finding: Finding = {
      code: "DUPLICATE_NAME",
      severity: "error",
      blocking: true,
      message: 'two files define "a"',
      hint: "rename one",
      names: ["a"],
      files: ["p/a.yaml", "p/b.yaml"],
      line: 2,
    };
    const near: Finding = { ...finding, code: "LIMIT_NEAR", severity: "warning", blocking: false, files: ["p/c.yaml"] };
    delete (near as { line?: number }).line;
    expect(findingAnnotations([finding, near])).toEqual([
      '::error file=p/a.yaml,line=2,title=fleet-pipelines%3A DUPLICATE_NAME::two files define "a". rename one\n',
      '::error file=p/b.yaml,title=fleet-pipelines%3A DUPLICATE_NAME::two files define "a". rename one\n',
      '::warning file=p/c.yaml,title=fleet-pipelines%3A LIMIT_NEAR::two files define "a". rename one\n',
    ]);
  });

  it("appends to GITHUB_STEP_SUMMARY, and does nothing without it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fleet-summary-"));
    try {
      const file = join(dir, "summary.md");
      await appendStepSummary({ GITHUB_STEP_SUMMARY: file }, "# one");
      await appendStepSummary({ GITHUB_STEP_SUMMARY: file }, "# two\n");
      await appendStepSummary({}, "# ignored");
      expect(await readFile(file, "utf8")).toBe("# one\n\n# two\n\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("progress line", () => {
  it("draws only after the delay, redraws in place, and erases at the end", () => {
    let t = 0;
    let out = "";
    const line = createProgressLine({ write: (s: string) => (out += s) }, { enabled: true, delayMs: 500, now: () => t });
    line.update({ done: 1, total: 4, action: "create", name: "a", ok: true });
    expect(out).toBe("");
    t = 600;
    line.update({ done: 2, total: 4, action: "update", name: "b\u001b[31m", ok: true });
    expect(out).toContain("2/4 update b\\x1b[31m");
    expect(out.startsWith("\r\u001b[2K[###############...............]")).toBe(true);
    line.done();
    expect(out.endsWith("\r\u001b[2K")).toBe(true);
  });

  it("writes nothing when disabled (not a TTY, or --json)", () => {
    let out = "";
    const line = createProgressLine({ write: (s: string) => (out += s) }, { enabled: false, delayMs: 0 });
    line.update({ done: 1, total: 1, action: "sync", ok: true });
    line.done();
    expect(out).toBe("");
  });
});
