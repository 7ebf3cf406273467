// The CLI skeleton the emulator command ships in: dispatch, help, version,
// exit codes, and lazy loading of commands.
import { afterEach, describe, expect, it, vi } from "vitest";
import { COMMANDS, runCli } from "../../src/cli/index.js";
import { testIo } from "./cli-helpers.js";
import { VERSION } from "../../src/version.js";

describe("CLI skeleton", () => {
  afterEach(() => {
    vi.doUnmock("../../src/cli/commands/emulator.js");
    vi.resetModules();
  });

  it("prints the version from src/version.ts", async () => {
    for (const flag of ["--version", "-v"]) {
      const t = testIo();
      expect(await runCli([flag], t)).toBe(0);
      expect(t.out()).toBe(`${VERSION}\n`);
    }
  });

  it("prints the command list for --help and help, exit 0; and to stderr with exit 1 without arguments", async () => {
    for (const args of [["--help"], ["-h"], ["help"]]) {
      const t = testIo();
      expect(await runCli(args, t)).toBe(0);
      expect(t.out()).toMatch(/^Usage: fleet-pipelines <command>/);
      for (const c of COMMANDS) {
        const row = t.out().split("\n").find((line) => line.trimStart().startsWith(`${c.name} `));
        expect(row, c.name).toMatch(new RegExp(`^  ${c.name} +${c.summary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
      }
    }
    const bare = testIo();
    expect(await runCli([], bare)).toBe(1);
    expect(bare.err()).toContain("Usage: fleet-pipelines <command>");
  });

  it("prints a command's usage for `help <cmd>` and `<cmd> --help`", async () => {
    for (const args of [["help", "emulator"], ["emulator", "--help"], ["emulator", "--port", "1", "-h"]]) {
      const t = testIo();
      expect(await runCli(args, t)).toBe(0);
      expect(t.out()).toMatch(/^Usage: fleet-pipelines emulator/);
    }
  });

  it("fails with exit 1 and one line pointing to --help for an unknown command or flag", async () => {
    for (const args of [["nope"], ["help", "nope"], ["--nope"]]) {
      const t = testIo();
      expect(await runCli(args, t)).toBe(1);
      expect(t.err()).toMatch(/^error: unknown (command|flag) "[^"]+" See 'fleet-pipelines --help'\.\n$/);
      expect(t.err()).not.toContain("Commands:");
    }
  });

  it("keeps each registry summary equal to the command's own", async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect(command.name).toBe(entry.name);
      expect(command.summary).toBe(entry.summary);
    }
  });

  it("loads a command module only when that command (or its help) is used", async () => {
    vi.resetModules();
    let loaded = 0;
    vi.doMock("../../src/cli/commands/emulator.js", async (importOriginal) => {
      loaded++;
      return importOriginal();
    });
    const { runCli: fresh } = await import("../../src/cli/index.js");
    await fresh(["--version"], testIo());
    await fresh(["--help"], testIo());
    await fresh(["nope"], testIo());
    expect(loaded).toBe(0);
    await fresh(["help", "emulator"], testIo());
    expect(loaded).toBe(1);
  });
});
