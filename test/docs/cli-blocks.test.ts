// Every `sh` block of the docs runs, command by command, through the CLI's
// own entry (runCli, in process) against a local emulator, in a folder that
// holds `pipelines/` (a copy of examples/pipelines) and `token.txt`. A block
// that needs a real stack or the network says so with `# needs: <what>`.
// `npm run X` is checked against package.json rather than run.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { testIo } from "../cli/cli-helpers.js";
import { DOCS_SEED, DOCS_TOKEN, DOCS_USER, docsEnv, workspaces, type Workspaces } from "./harness.js";
import { allDocs, ROOT, where, type CodeBlock } from "./markdown.js";
import { cliArgs, expectedExit, needs, SHELL_LANGS, shellLines, type ShellLine } from "./shell.js";

const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
/** npm commands the docs show for a fresh clone or an install; not run here (the CI runs them). */
const NPM_NOT_RUN = new Set(["ci", "test", "install", "i", "pack"]);

const blocks = allDocs().flatMap((d) => d.blocks.filter((b) => SHELL_LANGS.has(b.lang)));
const runnable = blocks.filter((b) => needs(b) === undefined);

let emulator: Emulator;
let spaces: Workspaces;
beforeAll(async () => {
  emulator = await startEmulator({ auth: { user: DOCS_USER, token: DOCS_TOKEN } });
  spaces = await workspaces();
});
afterAll(async () => {
  await emulator?.stop();
  await spaces?.dispose();
});

async function runLongRunning(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number; out: string; err: string }> {
  // The emulator command serves until stopped: let it start, then stop it as Ctrl-C would.
  // A fixed port from the docs may be taken on a shared machine: any free one proves the same.
  const portAt = args.indexOf("--port");
  const free = portAt >= 0 ? args.map((a, i) => (i === portAt + 1 ? "0" : a)) : args;
  const io = testIo(env, { cwd });
  const running = runCli(free, io);
  const deadline = Date.now() + 10_000;
  while (!io.out().includes("listening") && Date.now() < deadline) {
    const early = await Promise.race([running.then((c) => c), new Promise<undefined>((r) => setTimeout(() => r(undefined), 20))]);
    if (early !== undefined) return { code: early, out: io.out(), err: io.err() };
  }
  io.abort();
  return { code: await running, out: io.out(), err: io.err() };
}

async function runLine(line: ShellLine, env: Record<string, string>, cwd: string): Promise<string | undefined> {
  const { words } = line;
  const args = cliArgs(words);
  if (args !== undefined) {
    const want = expectedExit(line.comment);
    const result =
      args[0] === "emulator" && !args.includes("--help") && !args.includes("-h")
        ? await runLongRunning(args, env, cwd)
        : await (async () => {
            const io = testIo(env, { cwd });
            const code = await runCli(args, io);
            return { code, out: io.out(), err: io.err() };
          })();
    if (result.code === want) return undefined;
    return `exit ${result.code}, expected ${want}\n--- stdout\n${result.out.slice(-1200)}\n--- stderr\n${result.err.slice(-1200)}`;
  }
  if (words[0] === "export" && words.length === 2 && words[1]!.includes("=")) {
    const [name, ...value] = words[1]!.split("=");
    env[name!] = value.join("=");
    return undefined;
  }
  if (words[0] === "npm") {
    if (words[1] === "run" || words[1] === "run-script") {
      return words[2] !== undefined && scripts[words[2]] !== undefined ? undefined : `npm run ${words[2]}: no such script in package.json`;
    }
    return NPM_NOT_RUN.has(words[1] ?? "") ? undefined : `npm ${words[1]}: not a command the doc tests know; mark the block "# needs: …"`;
  }
  if (words[0] === "npx" && words[1] === "vitest") {
    const missing = words.slice(3).filter((w) => !w.startsWith("-") && !existsSync(join(ROOT, w)));
    return missing.length ? `npx vitest: no such path ${missing.join(", ")}` : undefined;
  }
  return `"${words.join(" ")}" is not a command the doc tests can run; mark the block "# needs: <what it needs>"`;
}

async function runBlock(block: CodeBlock): Promise<string[]> {
  emulator.reset();
  emulator.seed(DOCS_SEED);
  const cwd = await spaces.next(`${block.file}-${block.line}`);
  // The emulator has no rate limit, so the CLI's pacing would only cost time here.
  const env: Record<string, string> = { ...docsEnv(emulator.url), FLEET_RATE_LIMIT: "0" };
  const problems: string[] = [];
  // `a && b` runs b only when a succeeded: here, two lines in a row.
  const lines = shellLines(block).flatMap((line) => {
    const parts: ShellLine[] = [];
    let words: string[] = [];
    for (const w of [...line.words, "&&"]) {
      if (w !== "&&") words.push(w);
      else if (words.length) parts.push({ ...line, words, comment: line.comment }), (words = []);
    }
    return parts;
  });
  for (const line of lines) {
    const problem = await runLine(line, env, cwd);
    if (problem !== undefined) {
      problems.push(`${block.file}:${line.line}: ${line.words.join(" ")}\n${problem}`);
      break; // later lines depend on this one
    }
  }
  return problems;
}

describe("sh blocks in the docs", () => {
  it("exist, and most of them run", () => {
    expect(blocks.length).toBeGreaterThan(5);
    expect(runnable.length).toBeGreaterThan(blocks.length / 2);
  });

  it.each(runnable.map((b) => [where(b), b] as const))("%s runs as written", async (_, block) => {
    const problems = await runBlock(block);
    expect(problems, problems.join("\n\n")).toEqual([]);
  });
});
