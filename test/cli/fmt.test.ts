// `fleet-pipelines fmt` end to end, in process: printing, --check, --write
// (atomic, mode kept), folders walked with the loader's skip rules, syntax
// errors with byte columns, and foreign text escaped.
import { chmod, readFile, readdir, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.js";
import { testIo, workspace, type Workspace } from "./cli-helpers.js";

const UGLY = "a=1\nlong_name = 2\n";
const PRETTY = "a         = 1\nlong_name = 2\n";

let ws: Workspace;
beforeEach(async () => {
  ws = await workspace(false);
});
afterEach(() => ws.dispose());

async function fmt(...args: string[]) {
  const io = testIo({}, { cwd: ws.root });
  const code = await runCli(["fmt", ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe("fmt", () => {
  it("prints one file formatted, whatever its extension", async () => {
    await ws.write("conf.txt", UGLY);
    expect(await fmt("conf.txt")).toEqual({ code: 0, out: PRETTY, err: "" });
    expect(await readFile(join(ws.root, "conf.txt"), "utf8")).toBe(UGLY);
  });

  it("--check lists the files that would change and exits 2, or 0 when all are formatted", async () => {
    await ws.write("p/ugly.alloy", UGLY);
    await ws.write("p/pretty.alloy", PRETTY);
    await ws.write("p/sub/ugly2.alloy", "b { a = 1 }\n");
    await ws.write("p/notes.md", UGLY);
    expect(await fmt("--check", "p")).toEqual({ code: 2, out: "p/sub/ugly2.alloy\np/ugly.alloy\n", err: "" });
    await ws.write("p/ugly.alloy", PRETTY);
    await ws.write("p/sub/ugly2.alloy", "b {\n\ta = 1\n}\n");
    expect(await fmt("--check", "p")).toEqual({ code: 0, out: "", err: "" });
  });

  it("skips hidden folders and node_modules in a folder, not a file named explicitly", async () => {
    await ws.write("p/.hidden/x.alloy", UGLY);
    await ws.write("p/node_modules/y.alloy", UGLY);
    await ws.write("p/ok.alloy", PRETTY);
    expect(await fmt("--check", "p")).toMatchObject({ code: 0, out: "" });
    expect(await fmt("--check", "p/.hidden/x.alloy")).toMatchObject({ code: 2, out: "p/.hidden/x.alloy\n" });
  });

  it("--write rewrites only the files that change, keeps their mode, and leaves no temp file", async () => {
    await ws.write("p/ugly.alloy", UGLY);
    await ws.write("p/pretty.alloy", PRETTY);
    await chmod(join(ws.root, "p/ugly.alloy"), 0o640);
    const prettyBefore = await stat(join(ws.root, "p/pretty.alloy"));
    expect(await fmt("--write", "p")).toEqual({ code: 0, out: "p/ugly.alloy\n", err: "" });
    expect(await readFile(join(ws.root, "p/ugly.alloy"), "utf8")).toBe(PRETTY);
    expect((await stat(join(ws.root, "p/ugly.alloy"))).mode & 0o777).toBe(0o640);
    expect((await stat(join(ws.root, "p/pretty.alloy"))).mtimeMs).toBe(prettyBefore.mtimeMs);
    expect((await readdir(join(ws.root, "p"))).sort()).toEqual(["pretty.alloy", "ugly.alloy"]);
    expect(await fmt("--check", "p")).toMatchObject({ code: 0 });
  });

  it("--write through a symlink rewrites the target and keeps the link", async () => {
    await ws.write("real.alloy", UGLY);
    await symlink(join(ws.root, "real.alloy"), join(ws.root, "link.alloy"));
    expect(await fmt("--write", "link.alloy")).toMatchObject({ code: 0 });
    expect(await readFile(join(ws.root, "real.alloy"), "utf8")).toBe(PRETTY);
    expect((await stat(join(ws.root, "link.alloy"))).isFile()).toBe(true);
  });

  it("reports syntax errors as PATH:LINE:COL (byte columns), exit 1, and still processes the other files", async () => {
    await ws.write("p/bad.alloy", "éé = @\n");
    await ws.write("p/ugly.alloy", UGLY);
    const result = await fmt("--write", "p");
    expect(result.code).toBe(1);
    expect(result.err).toBe("p/bad.alloy:1:8: illegal character U+0040 '@'\np/bad.alloy:1:8: expected expression, got ILLEGAL\n");
    expect(result.out).toBe("p/ugly.alloy\n");
    expect(await readFile(join(ws.root, "p/ugly.alloy"), "utf8")).toBe(PRETTY);
    expect(await readFile(join(ws.root, "p/bad.alloy"), "utf8")).toBe("éé = @\n");
  });

  it("errors win over changes with --check", async () => {
    await ws.write("p/bad.alloy", "x = [1 2]\n");
    await ws.write("p/ugly.alloy", UGLY);
    expect(await fmt("--check", "p")).toMatchObject({ code: 1, out: "p/ugly.alloy\n" });
  });

  it("warns where it keeps what alloy fmt would change", async () => {
    await ws.write("t.alloy", 'a = "x\ty"\n');
    const result = await fmt("--check", "t.alloy");
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/^t\.alloy:1:5: warning: string literal with a tab/);
  });

  it("escapes control characters of paths and messages", async () => {
    await ws.write("p/evil\u001b[31m.alloy", UGLY);
    const result = await fmt("--check", "p");
    expect(result.code).toBe(2);
    expect(result.out).not.toContain("\u001b");
  });

  it("refuses bad usage", async () => {
    await ws.write("a.alloy", UGLY);
    await ws.write("b.alloy", UGLY);
    expect((await fmt()).code).toBe(1);
    expect((await fmt("--check", "--write", "a.alloy")).err).toContain("--check and --write cannot be used together");
    expect((await fmt("a.alloy", "b.alloy")).err).toContain("give exactly one file");
    expect((await fmt("--check", "missing.alloy")).err).toBe("missing.alloy: no such file or folder\n");
  });

  it("is listed in the help", async () => {
    const io = testIo();
    await runCli(["--help"], io);
    expect(io.out()).toContain("fmt");
    await writeFile(join(ws.root, "x.alloy"), "");
    expect(await fmt("x.alloy")).toEqual({ code: 0, out: "\n", err: "" });
  });
});

describe("fmt on a terminal", () => {
  it("prints the text exactly when redirected, with control characters defused on a terminal", async () => {
    await ws.write("c.alloy", 'a = "\u001b[2J"\n');
    expect((await fmt("c.alloy")).out).toBe('a = "\u001b[2J"\n');
    const io = testIo({}, { cwd: ws.root, isTTY: true });
    expect(await runCli(["fmt", "c.alloy"], io)).toBe(0);
    expect(io.out()).not.toContain("\u001b");
    expect(io.out()).toContain("[2J");
  });
});
