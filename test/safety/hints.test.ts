// Issue "Safe against other writers", point 9: every hint the CLI prints
// works when followed literally. The hints are read from the plan's findings,
// parsed as a POSIX shell would, and run.
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { nameListArgument, parseNameList, type Finding } from "../../src/plan/index.js";
import { runCliInProcess, tempDir } from "../stress/cli-harness.js";

/** Splits a command line as a POSIX shell does for bare words, backslashes and single quotes (all the hints use). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in ${line}`);
      word = (word ?? "") + line.slice(i + 1, end);
      i = end;
    } else if (c === "\\" && i + 1 < line.length) {
      word = (word ?? "") + line[++i];
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The flags a hint tells to pass: `pass --x VALUE` or `pass --flag`. */
function flagsOf(hint: string): string[] {
  const at = hint.indexOf("pass --");
  if (at < 0) return [];
  const words = shellWords(hint.slice(at + "pass ".length));
  const flag = words[0]!;
  return flag === "--allow-empty" ? [flag] : [flag, words[1]!];
}

describe("flag values for names", () => {
  it("round-trip any list of names through the printed argument and the CLI's reading of it", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1 }).filter((s) => s.trim() !== "" && s.trim() === s), { minLength: 1, maxLength: 4 }), (names) => {
        const [word, ...rest] = shellWords(nameListArgument(names));
        expect(rest).toEqual([]);
        expect(parseNameList(word!)).toEqual(names);
      }),
      { numRuns: 200 },
    );
    expect(parseNameList("a, b,c")).toEqual(["a", "b", "c"]);
    expect(nameListArgument(["node_metrics"])).toBe("node_metrics");
  });
});

describe("the hints of a blocked plan, followed literally", () => {
  let emulator: Emulator;
  let dir: { path: string; dispose(): Promise<void> };
  const env = () => ({ FLEET_URL: emulator.url });
  const NAMES = ["a,b c", "it's", "back\\slash,"];

  beforeAll(async () => {
    emulator = await startEmulator();
    dir = await tempDir("fleet-hints-");
  });
  afterAll(async () => {
    await emulator.stop();
    await dir.dispose();
  });
  beforeEach(() => emulator.reset());

  async function writeDesired(names: readonly string[]): Promise<void> {
    const folder = join(dir.path, "pipelines");
    await rm(folder, { recursive: true, force: true });
    await mkdir(folder, { recursive: true });
    for (const [i, name] of names.entries()) {
      await writeFile(join(folder, `p${i}.yaml`), JSON.stringify({ name, enabled: true, matchers: ['team="a"'] }) + "\n");
      await writeFile(join(folder, `p${i}.alloy`), `// ${i}\n`);
    }
  }

  async function blockingFindings(args: string[]): Promise<Finding[]> {
    const r = await runCliInProcess(["plan", ...args, "--json"], env(), dir.path);
    expect(r.code).toBe(3);
    return (JSON.parse(r.out) as { findings: Finding[] }).findings.filter((f) => f.blocking);
  }

  it("--allow-takeover with names holding a comma, a quote and a backslash", async () => {
    emulator.seed({ pipelines: NAMES.map((name) => ({ name, contents: "// terraform\n", enabled: true, source: { type: "terraform" as const, namespace: "infra" } })) });
    await writeDesired(NAMES);
    const base = ["--dir", "pipelines", "--namespace", "repo"];
    const findings = await blockingFindings(base);
    expect(findings.map((f) => f.code)).toEqual(["NAME_COLLISION", "NAME_COLLISION", "NAME_COLLISION"]);
    const flags = findings.flatMap((f) => flagsOf(f.hint));
    const applied = await runCliInProcess(["apply", ...base, ...flags, "--json"], env(), dir.path);
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.out).result.changes.takenOver).toEqual([...NAMES].sort());
  });

  it("--max-deletes and --allow-empty", async () => {
    emulator.seed({ pipelines: ["x1", "x2", "x3", "x4"].map((name) => ({ name, contents: "// git\n", enabled: true, source: { type: "git" as const, namespace: "repo" } })) });
    await writeDesired(["x1"]);
    const base = ["--dir", "pipelines", "--namespace", "repo"];
    const mass = await blockingFindings(base);
    expect(mass.map((f) => f.code)).toEqual(["MASS_DELETE"]);
    expect((await runCliInProcess(["apply", ...base, ...flagsOf(mass[0]!.hint)], env(), dir.path)).code).toBe(0);
    expect(emulator.state().pipelines.map((p) => p.name)).toEqual(["x1"]);

    await writeDesired([]);
    const empty = await blockingFindings(base);
    expect(empty.map((f) => f.code)).toEqual(["EMPTY_DESIRED"]);
    const emptied = await runCliInProcess(["apply", ...base, ...flagsOf(empty[0]!.hint)], env(), dir.path);
    expect(emptied.err).not.toContain("error");
    expect(emptied.code).toBe(0);
    expect(emulator.state().pipelines).toEqual([]);
  });
});
