// Every `ts` block of README.md and docs/*.md is type-checked (one compiler
// program for all of them) and run against a local emulator, so that an
// example cannot drift from the code. A block marked ```ts no-run is
// type-checked only (for snippets that need a real stack or never end).
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { DOCS_SEED, DOCS_TOKEN, DOCS_USER, docsEnv, workspaces, type Workspaces } from "./harness.js";
import { allDocs, ROOT, where, type CodeBlock } from "./markdown.js";
import { baseCompilerOptions, formatDiagnostic } from "./program.js";

const GENERATED = join(ROOT, "test/docs/.generated");
const TS_LANGS = new Set(["ts", "typescript"]);

interface Extracted {
  block: CodeBlock;
  id: string;
  path: string;
  /** Lines added above the block's code in the generated file. */
  offset: number;
}

function extract(): Extracted[] {
  rmSync(GENERATED, { recursive: true, force: true });
  mkdirSync(GENERATED, { recursive: true });
  const blocks = allDocs().flatMap((d) => d.blocks.filter((b) => TS_LANGS.has(b.lang)));
  return blocks.map((block) => {
    const id = `${block.file.replace(/[^\w]+/g, "-")}-L${block.line}`;
    const path = join(GENERATED, `${id}.ts`);
    const header = `// Generated from ${where(block)} by test/docs/ts-blocks.test.ts; do not edit.\n`;
    // `export {}` keeps a block without imports a module (top-level await, own scope).
    writeFileSync(path, `${header}${block.code}\nexport {};\n`, "utf8");
    return { block, id, path, offset: 1 };
  });
}

let extracted: Extracted[] = [];
beforeAll(() => {
  extracted = extract();
});

describe("ts blocks in the docs", () => {
  it("exist", () => {
    expect(extracted.length).toBeGreaterThan(10);
  });

  it("type-check against the sources (strict, as the project)", () => {
    const options: ts.CompilerOptions = { ...baseCompilerOptions(), noEmit: true, noUnusedLocals: false, noUnusedParameters: false };
    const program = ts.createProgram(
      extracted.map((e) => e.path),
      options,
    );
    const byPath = new Map(extracted.map((e) => [e.path, e]));
    const problems: string[] = [];
    for (const e of extracted) {
      const source = program.getSourceFile(e.path);
      if (!source) throw new Error(`${e.path} not in the program`);
      for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
        const owner = byPath.get(d.file?.fileName ?? "");
        if (!owner || d.start === undefined || !d.file) {
          problems.push(formatDiagnostic(d));
          continue;
        }
        const { line } = d.file.getLineAndCharacterOfPosition(d.start);
        const docLine = owner.block.line + 1 + line - owner.offset;
        problems.push(`${owner.block.file}:${docLine}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
      }
    }
    expect(problems, problems.join("\n")).toEqual([]);
  });

  describe("run against the emulator", () => {
    // Blocks mostly wait (the client keeps to 3 requests/s), so a few runners
    // in parallel, each with its own emulator, cut the wall time.
    const RUNNERS = 3;
    let emulators: Emulator[] = [];
    let spaces: Workspaces;
    beforeAll(async () => {
      emulators = await Promise.all(Array.from({ length: RUNNERS }, () => startEmulator({ auth: { user: DOCS_USER, token: DOCS_TOKEN } })));
      spaces = await workspaces();
    });
    afterAll(async () => {
      await Promise.all(emulators.map((e) => e.stop()));
      await spaces?.dispose();
    });

    function runShare(index: number, jobs: { id: string; file: string; cwd: string }[]): Promise<{ output: string; results: { id: string; ok: boolean; error?: string }[] }> {
      const jobsFile = join(GENERATED, `jobs-${index}.json`);
      const resultsFile = join(GENERATED, `results-${index}.json`);
      writeFileSync(jobsFile, JSON.stringify({ jobs, seed: DOCS_SEED, timeoutMs: 20_000 }), "utf8");
      writeFileSync(resultsFile, "[]", "utf8");
      return new Promise((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [join(ROOT, "node_modules/tsx/dist/cli.mjs"), "--tsconfig", join(ROOT, "tsconfig.json"), join(ROOT, "test/docs/run-blocks.ts"), jobsFile, resultsFile],
          { cwd: ROOT, env: { ...process.env, ...docsEnv(emulators[index]!.url), NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] },
        );
        let output = "";
        child.stdout.on("data", (c: Buffer) => (output += c.toString()));
        child.stderr.on("data", (c: Buffer) => (output += c.toString()));
        child.on("error", reject);
        child.on("close", () => resolve({ output, results: JSON.parse(readFileSync(resultsFile, "utf8")) as { id: string; ok: boolean; error?: string }[] }));
      });
    }

    it("every block not marked no-run finishes without an error", async () => {
      const runnable = extracted.filter((e) => !e.block.flags.includes("no-run"));
      const shares: { id: string; file: string; cwd: string }[][] = Array.from({ length: RUNNERS }, () => []);
      for (const [i, e] of runnable.entries()) shares[i % RUNNERS]!.push({ id: e.id, file: e.path, cwd: await spaces.next(e.id) });
      const runs = await Promise.all(shares.map((jobs, i) => runShare(i, jobs)));

      const results = runs.flatMap((r) => r.results);
      const output = runs.map((r) => r.output).join("\n");
      const sections = new Map(output.split("\n=== ").slice(1).map((s) => [s.slice(0, s.indexOf("\n")), s.slice(s.indexOf("\n") + 1)]));
      const failures = runnable.flatMap((e) => {
        const r = results.find((x) => x.id === e.id);
        if (r?.ok) return [];
        const why = r ? r.error : "never finished (the runner stopped before it)";
        return [`${where(e.block)}: ${why}\n${(sections.get(e.id) ?? output).slice(-1500)}`];
      });
      expect(failures, failures.join("\n\n")).toEqual([]);
    }, 120_000);
  });
});
