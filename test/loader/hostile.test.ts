// Hostile folders (issue 6): each must fail with a clear error naming the file
// (and the pipeline, where there is one), quickly and with bounded memory, and
// nothing is loaded. The folders are built in temporary directories because
// git cannot hold most of them (symlink loops, 5 GiB sparse files, FIFOs).
// "Quickly" is shown by construction rather than by a clock: an alias bomb
// that were expanded, or a 5 GiB file that were read, could not finish within
// the test timeout (the bench reports the real times: a few milliseconds).
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatLoadIssue, LoadError, loadPipelines, type LoadIssue } from "../../src/loader/index.js";
import { addToTree, ALLOY, type Entry } from "./tree.js";

// Layout: <base>/repo is the folder loaded (and the working directory, so
// display paths are short); <base>/outside is what hostile links point at.
let base: string;
let repo: string;
let outside: string;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), "fleet-hostile-"));
  repo = join(base, "repo");
  outside = join(base, "outside");
  await mkdir(repo);
  await addToTree(outside, { "secret.alloy": ALLOY, "node.yaml": "enabled: true\ncontents: x\n", "dir/node.yaml": "enabled: true\n" });
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function failWith(entries: Record<string, Entry>, options: { maxFileBytes?: number } = {}): Promise<LoadError> {
  await addToTree(repo, entries);
  const error = await loadPipelines(".", { cwd: repo, ...options }).then(
    (result) => new Error(`loaded ${result.specs.length} pipelines`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LoadError);
  return error as LoadError;
}

function expectIssue(error: LoadError, expected: { code: string; file: string; pipeline?: string }): LoadIssue {
  const issue = error.issues.find((i) => i.code === expected.code && i.file === expected.file);
  expect(issue, error.message).toBeDefined();
  if (expected.pipeline !== undefined) expect(issue!.pipeline).toBe(expected.pipeline);
  const line = formatLoadIssue(issue!);
  expect(line.startsWith(expected.file + ":")).toBe(true);
  if (expected.pipeline !== undefined) expect(line).toContain(`pipeline "${expected.pipeline}"`);
  expect(error.message).toContain(line);
  return issue!;
}

describe("symlinks", () => {
  it("refuses a metadata file that is a symlink to a file outside the folder", async () => {
    const error = await failWith({ "node.yaml": { symlink: join(outside, "node.yaml") } });
    expectIssue(error, { code: "OUTSIDE_FOLDER", file: "node.yaml", pipeline: "node" });
  });

  it("refuses a contents file that links outside, naming the pipeline it breaks (and not calling it missing)", async () => {
    const error = await failWith({ "node.yaml": "enabled: true\n", "node.alloy": { symlink: join(outside, "secret.alloy") } });
    expectIssue(error, { code: "OUTSIDE_FOLDER", file: "node.alloy", pipeline: "node" });
    expect(error.issues.map((i) => i.code)).toEqual(["OUTSIDE_FOLDER"]);
  });

  it("refuses a symlinked folder that leads outside, through a relative link too", async () => {
    const error = await failWith({ "node.yaml": "enabled: true\ncontents: x\n", shared: { symlink: "../outside/dir" } });
    const issue = expectIssue(error, { code: "OUTSIDE_FOLDER", file: "shared" });
    expect(issue.message).toContain("folder outside");
  });

  it("reports a symlink that points at itself", async () => {
    const error = await failWith({ "node.yaml": "enabled: true\ncontents: x\n", "loop.alloy": { symlink: "loop.alloy" } });
    expectIssue(error, { code: "SYMLINK_LOOP", file: "loop.alloy" });
  });

  it("reports a symlinked folder that leads back to its own ancestor instead of walking forever", async () => {
    const error = await failWith({ "a/node.yaml": "enabled: true\ncontents: x\n", "a/b/up": { symlink: "../.." } });
    expectIssue(error, { code: "SYMLINK_LOOP", file: "a/b/up" });
  });

  it("reports a broken symlink to a pipeline file with the pipeline it breaks", async () => {
    const error = await failWith({ "node.yaml": "enabled: true\n", "node.alloy": { symlink: "gone.alloy" } });
    expectIssue(error, { code: "UNREADABLE", file: "node.alloy", pipeline: "node" });
  });

  it("refuses contents_file that leaves the folder through a symlinked (hidden) folder", async () => {
    const error = await failWith({ ".cfg": { symlink: outside }, "node.yaml": "enabled: true\ncontents_file: .cfg/secret.alloy\n" });
    const issue = expectIssue(error, { code: "OUTSIDE_FOLDER", file: "node.yaml", pipeline: "node" });
    expect(issue.message).toContain("through a symlink");
    expect(issue.line).toBe(2);
  });

  it.each([
    ["../outside/secret.alloy", "points outside"],
    ["sub/../../outside/secret.alloy", "points outside"],
    ["/etc/passwd", "absolute path"],
    ["C:\\Windows\\win.ini", "absolute path"],
  ])("refuses contents_file %s", async (path, says) => {
    const error = await failWith({ "node.yaml": `enabled: true\ncontents_file: '${path}'\n` });
    const issue = expectIssue(error, { code: "OUTSIDE_FOLDER", file: "node.yaml", pipeline: "node" });
    expect(issue.message).toContain(says);
  });

  it("follows symlinks that stay inside the folder", async () => {
    await addToTree(repo, {
      "real/node.alloy": ALLOY,
      "real/more/extra.yaml": "enabled: true\ncontents: '// x'\n",
      "node.yaml": "enabled: true\n",
      "node.alloy": { symlink: "real/node.alloy" },
      linked: { symlink: "real/more" },
    });
    const result = await loadPipelines(".", { cwd: repo, exclude: ["real/more"] });
    expect(result.specs.map((s) => [s.name, s.file, s.contentsFile])).toEqual([
      ["extra", "linked/extra.yaml", undefined],
      ["node", "node.yaml", "node.alloy"],
    ]);
    expect(result.specs[1]!.contents).toBe(ALLOY);
  });
});

describe("huge, binary and malformed files", () => {
  it("refuses a 5 GiB (sparse) metadata file from its size alone, without reading it", async () => {
    const handle = await open(join(repo, "node.yaml"), "w");
    await handle.truncate(5 * 1024 ** 3);
    await handle.close();
    // Reading it whole would need a 5 GiB buffer, which Node cannot allocate:
    // getting TOO_LARGE with its size shows the size was checked first.
    const error = await failWith({});
    const issue = expectIssue(error, { code: "TOO_LARGE", file: "node.yaml", pipeline: "node" });
    expect(issue.message).toBe("is 5 GiB, over the limit of 1 MiB");
  });

  it("applies maxFileBytes to contents files", async () => {
    const error = await failWith({ "node.yaml": "enabled: true\n", "node.alloy": "x".repeat(2048) }, { maxFileBytes: 1024 });
    expectIssue(error, { code: "TOO_LARGE", file: "node.alloy", pipeline: "node" });
  });

  it("refuses a FIFO named like a pipeline file instead of blocking on it", async () => {
    await addToTree(repo, { "node.yaml": "enabled: true\n" });
    try {
      execFileSync("mkfifo", [join(repo, "node.alloy")]);
    } catch {
      return; // no mkfifo on this system
    }
    const error = await failWith({});
    expectIssue(error, { code: "UNREADABLE", file: "node.alloy", pipeline: "node" });
  });

  it("refuses a contents_file that is a FIFO instead of blocking on it", async () => {
    await addToTree(repo, { "node.yaml": "enabled: true\ncontents_file: pipe\n" });
    try {
      execFileSync("mkfifo", [join(repo, "pipe")]);
    } catch {
      return; // no mkfifo on this system
    }
    const error = await failWith({});
    const issue = expectIssue(error, { code: "UNREADABLE", file: "node.yaml", pipeline: "node" });
    expect(issue.message).toContain("not a regular file");
  });

  it("refuses an alias bomb (9^12 expansions) without expanding it", async () => {
    const levels = Array.from({ length: 12 }, (_, i) =>
      i === 0 ? `  l0: &l0 [${Array(9).fill('"lol"').join(", ")}]` : `  l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(", ")}]`,
    );
    const error = await failWith({ "node.yaml": `enabled: true\nmetadata:\n${levels.join("\n")}\n`, "node.alloy": ALLOY });
    expectIssue(error, { code: "YAML_ALIAS_LIMIT", file: "node.yaml", pipeline: "node" });
  });

  it("refuses an alias bomb hidden in matchers", async () => {
    const error = await failWith({
      "node.yaml": `enabled: true\nname: &n [a, a, a, a, a, a, a, a]\nmatchers: [${Array(200).fill("*n").join(", ")}]\n`,
      "node.alloy": ALLOY,
    });
    expectIssue(error, { code: "YAML_ALIAS_LIMIT", file: "node.yaml", pipeline: "node" });
  });

  it.each([
    ["flow brackets", "metadata: " + "[".repeat(1_000_000)],
    ["flow mappings", "metadata: " + "{a: ".repeat(200_000)],
    ["compact sequences", "metadata:\n  x:\n    " + "- ".repeat(400_000) + "x"],
    ["explicit keys", "metadata:\n  " + "? ".repeat(400_000) + "x"],
  ])("refuses nesting of a million levels (%s) before parsing it", async (_, yaml) => {
    const error = await failWith({ "node.yaml": `enabled: true\n${yaml}\n`, "node.alloy": ALLOY });
    expectIssue(error, { code: "TOO_DEEP", file: "node.yaml", pipeline: "node" });
  });

  it("refuses binary contents and invalid UTF-8 in either file", async () => {
    const error = await failWith({
      "a.yaml": "enabled: true\n",
      "a.alloy": new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0x00]),
      "b.yaml": new Uint8Array([...Buffer.from("enabled: true\nname: b"), 0xc3, 0x28, 0x0a]),
      "b.alloy": ALLOY,
    });
    expectIssue(error, { code: "BINARY_FILE", file: "a.alloy", pipeline: "a" });
    expect(expectIssue(error, { code: "INVALID_UTF8", file: "b.yaml", pipeline: "b" }).line).toBe(2);
  });

  it("escapes control characters of a file name in every message", async () => {
    const error = await failWith({ "evil\n::error::owned\u202e.yaml": "enabled: true\n", "evil\n::error::owned\u202e.alloy": ALLOY });
    const issue = error.issues.find((i) => i.code === "CONTROL_CHARACTERS");
    expect(issue).toBeDefined();
    expect(issue!.pipeline).toBe("evil\n::error::owned\u202e");
    const line = formatLoadIssue(issue!);
    expect(line).not.toContain("\n");
    expect(line).not.toContain("\u202e");
    expect(line).toContain("evil\\x0a::error::owned\\u202e.yaml");
    expect(error.message.split("\n")).toHaveLength(2);
  });

  it("refuses thousands of matchers", async () => {
    const matchers = Array.from({ length: 5000 }, (_, i) => `  - m${i}="x"`).join("\n");
    const error = await failWith({ "node.yaml": `enabled: true\nmatchers:\n${matchers}\n`, "node.alloy": ALLOY });
    const issue = expectIssue(error, { code: "TOO_MANY_MATCHERS", file: "node.yaml", pipeline: "node" });
    expect(issue.message).toContain("5000 matchers, over the limit of 100");
  });

  it("loads nothing when a single file of many is hostile", async () => {
    const entries: Record<string, Entry> = {};
    for (let i = 0; i < 50; i++) {
      entries[`p${i}.yaml`] = "enabled: true\n";
      entries[`p${i}.alloy`] = ALLOY;
    }
    entries["p7.alloy"] = { symlink: join(outside, "secret.alloy") };
    const error = await failWith(entries);
    expect(error.issues).toHaveLength(1);
    expectIssue(error, { code: "OUTSIDE_FOLDER", file: "p7.alloy", pipeline: "p7" });
  });
});
