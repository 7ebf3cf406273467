// Foreign text on every CLI output path: a server message or a pipeline name
// holding a terminal title sequence (ESC ] 0 ; … BEL), a line break and a
// workflow command (::add-mask::, ::error file=README.md::) must reach no
// output raw. Under GITHUB_ACTIONS=true a raw one would mask the log, forge
// an annotation or stop workflow commands; on a terminal it would retitle it.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { testIo, workspace, type Workspace } from "./cli-helpers.js";

const HOSTILE = "x\u001b]0;owned\u0007\n::add-mask::secret\r\n::error file=README.md::forged\u0085::stop-commands::t\u202e";

/** Lines a GitHub runner would read as workflow commands (it trims each line first). */
function commandLines(text: string): string[] {
  return text.split(/\r\n|\r|\n|\u0085|\u2028|\u2029/).filter((line) => line.trim().startsWith("::"));
}

/** Only the CLI's own annotations start a line with `::`, and none carries what the hostile text says. */
function expectNoForgedCommand(text: string): void {
  for (const line of commandLines(text)) {
    expect(line).toMatch(/^::(error|warning|notice) file=[^:]*::/);
    // The hostile text may be the annotation's message (its line breaks escaped), never its command or properties.
    expect(line.slice(0, line.indexOf("::", 2))).not.toMatch(/add-mask|forged|stop-commands/);
  }
}

function expectClean(text: string): void {
  expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
  expect(text).not.toContain("::add-mask::secret\n");
}

let ws: Workspace;
beforeEach(async () => {
  ws = await workspace();
});
afterEach(async () => {
  await ws.dispose();
});

describe("a server message with a terminal sequence, a line break and workflow commands", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // A Connect unary error, as a real service (or a hostile proxy) could answer any call.
    server = createServer((_req, res) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ code: "internal", message: `pipeline "${HOSTILE}" is broken` }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    ["plan", ["plan", "--dir", "pipelines", "--namespace", "repo"]],
    ["apply", ["apply", "--dir", "pipelines", "--namespace", "repo"]],
    ["diff", ["diff", "--dir", "pipelines", "--namespace", "repo"]],
    ["export", ["export", "--out", "out"]],
    ["validate --remote", ["validate", "--dir", "pipelines", "--remote"]],
  ])("%s: the final error line is one escaped line; no workflow command is forged", async (_name, args) => {
    const io = testIo({ FLEET_URL: url, FLEET_RATE_LIMIT: "0", GITHUB_ACTIONS: "true" }, { cwd: ws.root });
    const code = await runCli([...args, "--timeout-ms", "3000"], io);
    expect(code).toBe(1);
    // validate --remote reports the service's answer per pipeline instead of failing.
    const errorLines = io.err().split("\n").filter((l) => l.startsWith("error: "));
    expect(errorLines.length).toBe(args[0] === "validate" ? 0 : 1);
    expect(io.out() + io.err()).toContain("owned");
    expectClean(io.out() + io.err());
    expectNoForgedCommand(io.out() + io.err());
  });
});

describe("pipeline names from the service", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it("in the plan text, the Markdown summary, annotations and the final error line: escaped", async () => {
    emulator.reset();
    // Four pipelines of the namespace the folder no longer has: a mass delete, blocked.
    emulator.seed({
      pipelines: [HOSTILE, `${HOSTILE}2`, `${HOSTILE}3`, `${HOSTILE}4`].map((name) => ({
        name,
        contents: "// live\n",
        source: { type: "git", namespace: "gone" },
      })),
    });
    const summary = `${ws.root}/summary.md`;
    const env = { FLEET_URL: emulator.url, FLEET_RATE_LIMIT: "0", GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary };
    for (const command of ["plan", "apply"]) {
      const io = testIo(env, { cwd: ws.root });
      const code = await runCli([command, "--dir", "pipelines", "--namespace", "gone"], io);
      expect(code).toBe(3);
      expect(io.out()).toContain("owned");
      expectClean(io.out() + io.err());
      expectNoForgedCommand(io.out() + io.err());
    }
    const { readFile } = await import("node:fs/promises");
    const markdown = await readFile(summary, "utf8");
    expectClean(markdown);
    expect(commandLines(markdown)).toEqual([]);
  });
});
