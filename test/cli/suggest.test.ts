// "Did you mean": mistyped flags and commands get one line naming the
// closest known word and where the help is, never the whole help.
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.js";
import { editDistance, suggest } from "../../src/cli/suggest.js";
import { testIo } from "./cli-helpers.js";

describe("suggest", () => {
  it("counts inserts, deletes, replacements and swaps of neighbours as one edit each", () => {
    expect(editDistance("dir", "dirr")).toBe(1);
    expect(editDistance("namespace", "namespce")).toBe(1);
    expect(editDistance("plan", "paln")).toBe(1);
    expect(editDistance("apply", "appyl")).toBe(1);
    expect(editDistance("abc", "xyz")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("suggests the closest word, a unique completion, or nothing", () => {
    const flags = ["--dir", "--namespace", "--json", "--markdown", "--detailed-exitcode"];
    expect(suggest("--dirr", flags)).toBe("--dir");
    expect(suggest("--namespce", flags)).toBe("--namespace");
    expect(suggest("--jsno", flags)).toBe("--json");
    expect(suggest("--detailed", flags)).toBe("--detailed-exitcode");
    expect(suggest("--NAMESPACE", flags)).toBe("--namespace");
    expect(suggest("--verbose", flags)).toBeUndefined();
    expect(suggest("zz", ["plan", "apply"])).toBeUndefined();
  });
});

describe("mistakes on the command line", () => {
  it.each([
    [["plan", "--dirr", "x"], /^error: unknown flag "--dirr"; did you mean --dir\? See 'fleet-pipelines plan --help'\.\n$/],
    [["apply", "--namespce=x"], /^error: unknown flag "--namespce"; did you mean --namespace\? See 'fleet-pipelines apply --help'\.\n$/],
    [["emulator", "--prot", "1"], /^error: unknown flag "--prot"; did you mean --port\? See 'fleet-pipelines emulator --help'\.\n$/],
    [["plan", "--wat"], /^error: unknown flag "--wat"\. See 'fleet-pipelines plan --help'\.\n$/],
    [["pln"], /^error: unknown command "pln"; did you mean plan\? See 'fleet-pipelines --help'\.\n$/],
    [["emultor"], /^error: unknown command "emultor"; did you mean emulator\? See 'fleet-pipelines --help'\.\n$/],
    [["--verison"], /^error: unknown flag "--verison"; did you mean --version\? See 'fleet-pipelines --help'\.\n$/],
  ])("%j: exit 1 and one line", async (argv, line) => {
    const io = testIo();
    expect(await runCli(argv, io)).toBe(1);
    expect(io.err()).toMatch(line);
    expect(io.out()).toBe("");
  });

  it("keeps other usage errors to one line with the pointer", async () => {
    const io = testIo();
    expect(await runCli(["emulator", "--port", "70000"], io)).toBe(1);
    expect(io.err().trim().split("\n")).toHaveLength(1);
    expect(io.err()).toMatch(/--port must be an integer.*See 'fleet-pipelines emulator --help'\.$/m);
  });
});
