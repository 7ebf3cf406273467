// The caps that keep time and memory bounded, each refused with a clear
// error naming the file and line (the timings and peak RSS of the full-size
// cases are in bench/loader.bench.ts, "bounded resources").
import { mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LoadError, loadPipelines, type LoadIssue } from "../../src/loader/index.js";
import { MAX_NAME_BYTES } from "../../src/pipelines/index.js";
import { ALLOY, makeTree, type Tree } from "./tree.js";

let tree: Tree | undefined;
afterEach(async () => {
  await tree?.remove();
  tree = undefined;
});

async function issuesOf(entries: Record<string, string>): Promise<LoadIssue[]> {
  tree = await makeTree(entries);
  const error = await loadPipelines(tree.root, { cwd: tree.root }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(LoadError);
  return (error as LoadError).issues;
}

const pick = (issues: LoadIssue[]) => issues.map((i) => ({ code: i.code, file: i.file, line: i.line }));

describe("name length", () => {
  it(`refuses a name over ${MAX_NAME_BYTES} UTF-8 bytes with its line, and loads one of exactly ${MAX_NAME_BYTES}`, async () => {
    const long = "é".repeat(MAX_NAME_BYTES / 2) + "x"; // 257 bytes, 129 characters
    const issues = await issuesOf({ "node.yaml": `enabled: true\nname: "${long}"\n`, "node.alloy": ALLOY });
    expect(pick(issues)).toEqual([{ code: "INVALID_NAME", file: "node.yaml", line: 2 }]);
    expect(issues[0]!.message).toContain(`257 bytes long (UTF-8); the limit is ${MAX_NAME_BYTES} bytes`);
    await tree!.remove();
    tree = await makeTree({ "node.yaml": `enabled: true\nname: "${"é".repeat(MAX_NAME_BYTES / 2)}"\n`, "node.alloy": ALLOY });
    expect((await loadPipelines(tree.root)).specs).toHaveLength(1);
  });

  it("loads names with edge whitespace or a tab, as export writes them", async () => {
    tree = await makeTree({ "a.yaml": 'enabled: true\nname: " padded "\n', "a.alloy": ALLOY, "b.yaml": 'enabled: true\nname: "tab\\there"\n', "b.alloy": ALLOY });
    expect((await loadPipelines(tree.root)).specs.map((s) => s.name)).toEqual([" padded ", "tab\there"]);
  });
});

describe("YAML shapes that cost time or memory", () => {
  it("reports a duplicate key with the line of its second occurrence, in a big map too", async () => {
    const keys = Array.from({ length: 5_000 }, (_, i) => `  k${i}: 1`).join("\n");
    const issues = await issuesOf({ "node.yaml": `enabled: true\nmetadata:\n${keys}\n  k17: 2\n`, "node.alloy": ALLOY });
    expect(pick(issues)).toEqual([{ code: "DUPLICATE_KEY", file: "node.yaml", line: 5_003 }]);
  });

  it("refuses a file of thousands of top-level keys before parsing it, with one issue", async () => {
    const keys = Array.from({ length: 5_000 }, (_, i) => `key_${i}: 1`).join("\n");
    const issues = await issuesOf({ "node.yaml": keys, "node.alloy": ALLOY });
    expect(pick(issues)).toEqual([{ code: "TOO_MANY_KEYS", file: "node.yaml", line: 101 }]);
  });

  it("refuses aliases whose expansion is large even when they are few", async () => {
    const items = Array.from({ length: 2_000 }, (_, i) => `"v${i}"`).join(", ");
    const aliases = Array.from({ length: 10 }, (_, i) => `  copy${i}: *big`).join("\n");
    const issues = await issuesOf({ "node.yaml": `enabled: true\nmetadata:\n  big: &big [${items}]\n${aliases}\n`, "node.alloy": ALLOY });
    expect(pick(issues)).toEqual([{ code: "YAML_ALIAS_LIMIT", file: "node.yaml", line: 4 }]);
    expect(issues[0]!.message).toContain("expand to more than 10000 values");
  });

  it("keeps small aliases working", async () => {
    tree = await makeTree({ "node.yaml": "enabled: true\nmetadata:\n  base: &b {team: a}\n  copy: *b\n", "node.alloy": ALLOY });
    expect((await loadPipelines(tree.root)).specs[0]!.metadata).toEqual({ base: { team: "a" }, copy: { team: "a" } });
  });

  it("refuses an alias inside its own anchor", async () => {
    const issues = await issuesOf({ "node.yaml": "enabled: true\nmetadata:\n  loop: &l [1, *l]\n", "node.alloy": ALLOY });
    expect(issues.map((i) => i.code)).toEqual(["YAML_ALIAS_LIMIT"]);
  });

  it("refuses more than 50 000 values before parsing, in metadata and in OTel contents", async () => {
    const flow = `[${"1,".repeat(50_001)}1]`;
    const metadata = await issuesOf({ "node.yaml": `enabled: true\nmetadata:\n  x: ${flow}\n`, "node.alloy": ALLOY });
    expect(pick(metadata)).toEqual([{ code: "TOO_MANY_NODES", file: "node.yaml", line: 3 }]);
    await tree!.remove();
    const otel = await issuesOf({ "node.yaml": "enabled: true\nconfig_type: otel\n", "node.otel.yaml": `receivers: ${flow}\n` });
    expect(pick(otel)).toEqual([{ code: "INVALID_PIPELINE", file: "node.otel.yaml", line: 1 }]);
    expect(otel[0]!.message).toContain("more than 50000 values");
  });
});

describe("the walk", () => {
  it("walks every real folder once: links to links are reported, not multiplied", async () => {
    tree = await makeTree({ "d0/p.yaml": "enabled: true\n", "d0/p.alloy": ALLOY });
    for (let i = 1; i <= 20; i++) {
      await mkdir(tree.path(`d${i}`));
      await symlink(join("..", `d${i - 1}`), tree.path(`d${i}`, "a"));
      await symlink(join("..", `d${i - 1}`), tree.path(`d${i}`, "b"));
    }
    const error = await loadPipelines(tree.root, { cwd: tree.root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadError);
    const issues = (error as LoadError).issues;
    // Two ways into each of d0..d19 besides the folder itself: 40 reports, and the pipeline found once.
    expect(issues.map((i) => i.code)).toEqual(Array(40).fill("DUPLICATE_FOLDER"));
    expect(issues.some((i) => i.code === "DUPLICATE_NAME")).toBe(false);
    expect(issues.find((i) => i.file === "d1/b")?.message).toContain("already loaded as d0");
  });

  it("reports the same ways whatever the order the walk met them in", async () => {
    tree = await makeTree({ "real/p.yaml": "enabled: true\n", "real/p.alloy": ALLOY });
    await symlink("real", tree.path("z_link"));
    await symlink("real", tree.path("a_link"));
    const first = await loadPipelines(tree.root, { cwd: tree.root }).catch((e: LoadError) => e.issues.map((i) => [i.file, i.message]));
    const second = await loadPipelines(tree.root, { cwd: tree.root }).catch((e: LoadError) => e.issues.map((i) => [i.file, i.message]));
    expect(first).toEqual(second);
    // The folder itself is kept; both links are reported.
    expect((first as string[][]).map(([file]) => file)).toEqual(["a_link", "z_link"]);
  });
});
