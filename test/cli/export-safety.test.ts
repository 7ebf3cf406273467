// export writes only regular files inside --out: never through a symlink
// (dangling or live), never into a FIFO (it would block forever), always
// through a temporary file and a rename. And the round trip holds for what
// the loader used to refuse: names with edge whitespace or tabs,
// whitespace-only contents, a byte-order mark.
import { execFileSync } from "node:child_process";
import { lstat, mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { testIo, workspace, type Workspace } from "./cli-helpers.js";

let emulator: Emulator;
let ws: Workspace;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(async () => {
  emulator.reset();
  ws = await workspace(false);
});
afterEach(async () => {
  await ws.dispose();
});

async function cli(args: string[]) {
  const io = testIo({ FLEET_URL: emulator.url, FLEET_RATE_LIMIT: "0" }, { cwd: ws.root });
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

const scope = { type: "git", namespace: "repo" };
const exportArgs = ["export", "--out", "out", "--namespace", "repo"];

describe("export refuses what is not a regular file", () => {
  beforeEach(() => {
    emulator.seed({ pipelines: [{ name: "node", contents: "// live\n", source: scope }] });
  });

  it("a dangling symlink where a file goes: refused, nothing created outside --out", async () => {
    await mkdir(join(ws.root, "out"));
    await symlink(join(ws.root, "outside.alloy"), join(ws.root, "out", "node.alloy"));
    const r = await cli(exportArgs);
    expect(r.code).toBe(1);
    expect(r.err).toContain("is a symlink");
    await expect(lstat(join(ws.root, "outside.alloy"))).rejects.toThrow();
    expect(await readdir(join(ws.root, "out"))).toEqual(["node.alloy"]);
  });

  it("a live symlink with --overwrite: refused, the file it points to unchanged", async () => {
    await mkdir(join(ws.root, "out"));
    await writeFile(join(ws.root, "precious.txt"), "keep me\n");
    await symlink(join(ws.root, "precious.txt"), join(ws.root, "out", "node.yaml"));
    const r = await cli([...exportArgs, "--overwrite"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("is a symlink");
    expect(await readFile(join(ws.root, "precious.txt"), "utf8")).toBe("keep me\n");
  });

  it("a FIFO where a file goes: refused at once instead of blocking", async () => {
    await mkdir(join(ws.root, "out"));
    execFileSync("mkfifo", [join(ws.root, "out", "node.alloy")]);
    const r = await cli([...exportArgs, "--overwrite"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("FIFO");
  });

  it("--out itself a symlink: refused", async () => {
    await mkdir(join(ws.root, "elsewhere"));
    await symlink(join(ws.root, "elsewhere"), join(ws.root, "out"));
    const r = await cli(exportArgs);
    expect(r.code).toBe(1);
    expect(r.err).toContain("is a symlink");
    expect(await readdir(join(ws.root, "elsewhere"))).toEqual([]);
  });

  it("--overwrite replaces regular files and leaves no temporary file behind", async () => {
    await mkdir(join(ws.root, "out"));
    await writeFile(join(ws.root, "out", "node.alloy"), "// old\n");
    const r = await cli([...exportArgs, "--overwrite"]);
    expect(r.code, r.err).toBe(0);
    expect(await readFile(join(ws.root, "out", "node.alloy"), "utf8")).toBe("// live\n");
    expect((await readdir(join(ws.root, "out"))).sort()).toEqual(["node.alloy", "node.yaml"]);
  });
});

describe("export round trip of what the file form used to lose", () => {
  it("edge whitespace and tabs in names, whitespace-only contents, a byte-order mark: export, then plan shows no change", async () => {
    const pipelines = [
      { name: " padded ", contents: "// padded\n" },
      { name: "tab\tinside", contents: "// tab\n" },
      { name: "trailing\t", contents: "// trailing tab\n" },
      { name: "blank", contents: "  \n" },
      { name: "bom", contents: "\ufeff// starts with a byte-order mark\n" },
    ].map((p) => ({ ...p, source: scope }));
    emulator.seed({ pipelines });
    const exported = await cli(exportArgs);
    expect(exported.code, exported.err).toBe(0);

    const plan = await cli(["plan", "--dir", "out", "--namespace", "repo", "--detailed-exitcode", "--json"]);
    expect(plan.code, plan.err + plan.out.slice(0, 2000)).toBe(0);
    const body = JSON.parse(plan.out) as { counts: Record<string, number> };
    expect(body.counts).toEqual({ create: 0, update: 0, delete: 0, noop: pipelines.length, takeover: 0 });
  });
});
