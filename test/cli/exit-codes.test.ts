// One exit-code rule for problems in the folder: whatever is wrong in its
// content, and whichever stage finds it (loader or planner), plan and apply
// exit 3 with findings carrying file and line. Exit 1 stays "could not run".
// With --json, stdout holds exactly one JSON document, failures included.
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
  ws = await workspace();
});
afterEach(async () => {
  await ws.dispose();
});

async function cli(args: string[], env: Record<string, string> = {}) {
  const io = testIo({ FLEET_URL: emulator.url, FLEET_RATE_LIMIT: "0", ...env }, { cwd: ws.root });
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

/** stdout as exactly one JSON document (JSON.parse fails on a second one or on stray text). */
function oneDocument(out: string): Record<string, unknown> {
  expect(out.trim()).not.toBe("");
  return JSON.parse(out) as Record<string, unknown>;
}

interface JsonFinding {
  code: string;
  reason?: string;
  files: string[];
  line?: number;
  blocking: boolean;
}

const base = ["--dir", "pipelines", "--namespace", "repo"];
const ALLOY = 'prometheus.exporter.self "x" { }\n';

const FOLDER_PROBLEMS: [string, (ws: Workspace) => Promise<void>, string, string][] = [
  [
    "a duplicate name",
    async (w) => {
      await w.write("pipelines/a/twin.yaml", "name: node_metrics\nenabled: true\n");
      await w.write("pipelines/a/twin.alloy", ALLOY);
    },
    "DUPLICATE_NAME",
    "pipelines/a/twin.yaml",
  ],
  [
    "an invalid matcher, alone",
    async (w) => {
      await w.write("pipelines/bad.yaml", "enabled: true\nmatchers:\n  - 'env=~\"(unclosed\"'\n");
      await w.write("pipelines/bad.alloy", ALLOY);
    },
    "INVALID_PIPELINE",
    "pipelines/bad.yaml",
  ],
  [
    "an invalid matcher next to an unknown key",
    async (w) => {
      await w.write("pipelines/bad.yaml", "enabled: true\nmatchers:\n  - 'env=~\"(unclosed\"'\n");
      await w.write("pipelines/bad.alloy", ALLOY);
      await w.write("pipelines/typo.yaml", "enabledd: true\n");
      await w.write("pipelines/typo.alloy", ALLOY);
    },
    "INVALID_PIPELINE",
    "pipelines/typo.yaml",
  ],
  [
    "a name over 256 bytes",
    async (w) => {
      await w.write("pipelines/long.yaml", `enabled: true\nname: ${"n".repeat(257)}\n`);
      await w.write("pipelines/long.alloy", ALLOY);
    },
    "INVALID_PIPELINE",
    "pipelines/long.yaml",
  ],
  [
    "bad YAML",
    async (w) => {
      await w.write("pipelines/bad.yaml", "enabled: [true\n");
      await w.write("pipelines/bad.alloy", ALLOY);
    },
    "INVALID_PIPELINE",
    "pipelines/bad.yaml",
  ],
];

describe("a problem in the folder's content", () => {
  it.each(FOLDER_PROBLEMS)("%s: plan and apply exit 3 with a finding on the file and line; --json is one document", async (_what, make, code, file) => {
    await make(ws);
    for (const command of ["plan", "apply"]) {
      const text = await cli([command, ...base]);
      expect(text.code, `${command}: ${text.err}`).toBe(3);
      expect(text.out + text.err).toContain(file);

      const json = await cli([command, ...base, "--json"]);
      expect(json.code).toBe(3);
      const body = oneDocument(json.out);
      const findings = body["findings"] as JsonFinding[];
      const hit = findings.find((f) => f.code === code && (f.files.includes(file) || (f as { message?: string }).message?.includes(file)));
      expect(hit, JSON.stringify(findings)).toBeDefined();
      expect(hit!.blocking).toBe(true);
      expect(typeof hit!.line).toBe("number");
    }
    // Nothing was written.
    expect(emulator.requests().filter((r) => !["ListPipelines", "GetLimits"].includes(r.method))).toEqual([]);
  });

  it("diff exits 3 too; validate keeps exit 1 for a file with errors, with the findings in its JSON", async () => {
    await ws.write("pipelines/typo.yaml", "enabledd: true\n");
    await ws.write("pipelines/typo.alloy", ALLOY);
    expect((await cli(["diff", ...base])).code).toBe(3);
    const validate = await cli(["validate", "--dir", "pipelines", "--json"]);
    expect(validate.code).toBe(1);
    const body = oneDocument(validate.out);
    expect(body["ok"]).toBe(false);
    expect((body["findings"] as JsonFinding[]).map((f) => [f.reason, f.files[0], f.line])).toEqual([["UNKNOWN_KEY", "pipelines/typo.yaml", 1]]);
  });
});

describe("could not run: exit 1", () => {
  it("a folder that does not exist", async () => {
    const r = await cli(["plan", "--dir", "nowhere", "--namespace", "repo", "--json"]);
    expect(r.code).toBe(1);
    const body = oneDocument(r.out);
    expect((body["error"] as { code: string }).code).toBe("LOAD_FAILED");
  });

  it("a bad flag, with --json: the error as one JSON document", async () => {
    const r = await cli(["plan", ...base, "--json", "--max-deletes", "many"]);
    expect(r.code).toBe(1);
    const body = oneDocument(r.out);
    expect((body["error"] as { message: string }).message).toContain("--max-deletes");
    expect(body["findings"]).toEqual([]);
  });

  it("a service that cannot be reached, with --json", async () => {
    const r = await cli(["plan", ...base, "--json", "--timeout-ms", "2000"], { FLEET_URL: "http://127.0.0.1:9" });
    expect(r.code).toBe(1);
    const body = oneDocument(r.out);
    expect(body["error"]).toBeDefined();
    expect(r.err).toMatch(/^error: /m);
  });
});
