// The CLI on Alloy problems and cross-pipeline dependencies, in process
// against the emulator: exit codes, findings with file and line, GitHub
// annotations on that line, and `validate --dir` without any network call.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { testIo, workspace, type Workspace } from "../cli/cli-helpers.js";

let emulator: Emulator;
let ws: Workspace;
let env: Record<string, string>;

beforeAll(async () => {
  emulator = await startEmulator({ checkAlloySyntax: true });
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(async () => {
  emulator.reset();
  ws = await workspace(false);
  env = { FLEET_URL: emulator.url, FLEET_RATE_LIMIT: "0" };
});
afterEach(async () => {
  await ws.dispose();
});

async function cli(args: string[], extraEnv: Record<string, string> = {}) {
  const io = testIo({ ...env, ...extraEnv }, { cwd: ws.root });
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

const base = ["--dir", "pipelines", "--namespace", "repo"];

const exporter = 'prometheus.remote_write "main" {\n\tendpoint {\n\t\turl = "http://example/push"\n\t}\n}\n\nexport "metrics" {\n\tvalue = prometheus.remote_write.main.receiver\n}\n';
// The reference starts on line 3, column 16 (tabs are one byte each).
const reader = (pipeline: string) =>
  `prometheus.scrape "self" {\n\ttargets    = []\n\tforward_to = [argument.pipeline_exports.value["${pipeline}"]["metrics"]]\n}\n`;

async function pipeline(name: string, contents: string, meta = "enabled: true\n") {
  await ws.write(`pipelines/${name}.yaml`, meta);
  await ws.write(`pipelines/${name}.alloy`, contents);
}

describe("Alloy errors in the folder", () => {
  beforeEach(async () => {
    await pipeline("good", 'prometheus.exporter.self "s" { }\n');
    await pipeline("broken", 'prometheus.exporter.self "s" {\n}\n\nprometheus.scrape "s" {\n\ttargets = [1 2]\n}\n');
  });

  // validate exits 1 when a file has errors (design section 6 and its usage text); plan and apply exit 3.
  it("validate --dir: exit 1, the file, line and column, with no network call even with a URL set", async () => {
    const r = await cli(["validate", "--dir", "pipelines"]);
    expect(r.code).toBe(1);
    expect(r.out + r.err).toContain("pipelines/broken.alloy:5:15");
    expect(r.out + r.err).toContain("missing ',' in expression list");
    expect(emulator.requests()).toEqual([]);
  });

  it("validate --dir works with no connection settings at all (a fork's pull request has none)", async () => {
    const r = await cli(["validate", "--dir", "pipelines"], { FLEET_URL: "", FLEET_USER: "", FLEET_TOKEN: "" });
    expect(r.code).toBe(1);
    expect(r.out + r.err).toContain("pipelines/broken.alloy:5:15");
  });

  it("under GitHub Actions: an error annotation on that line and column", async () => {
    const r = await cli(["validate", "--dir", "pipelines"], { GITHUB_ACTIONS: "true" });
    expect(r.out + r.err).toMatch(/::error file=pipelines\/broken\.alloy,line=5,col=15,title=fleet-pipelines%3A INVALID_PIPELINE::/);
  });

  it("plan: exit 3, nothing written", async () => {
    const r = await cli(["plan", ...base, "--json"]);
    expect(r.code).toBe(3);
    expect(r.out + r.err).toContain("pipelines/broken.alloy");
    expect(emulator.requests().filter((q) => !q.method.startsWith("List") && q.method !== "GetLimits")).toEqual([]);
  });
});

it("an unformatted file is a warning naming it and the fmt command, not an error; a GitHub warning annotation", async () => {
  await pipeline("spaces", 'local.file "a" {\n  filename = "/etc/hostname"\n}\n');
  await pipeline("tabs", 'local.file "b" {\n\tfilename = "/etc/hostname"\n}\n');
  const r = await cli(["validate", "--dir", "pipelines"], { GITHUB_ACTIONS: "true" });
  expect(r.code).toBe(0);
  expect(r.err).toContain("pipelines/spaces.alloy");
  expect(r.err).toContain("fleet-pipelines fmt --write pipelines/spaces.alloy");
  expect(r.err).not.toContain("pipelines/tabs.alloy");
  expect(r.out + r.err).toMatch(/::warning file=pipelines\/spaces\.alloy,title=fleet-pipelines%3A UNFORMATTED::/);
});

describe("cross-pipeline dependencies", () => {
  it("plan: DEPENDENCY_MISSING blocks (exit 3) with the reference's file, line and column, and annotates it", async () => {
    await pipeline("reader", reader("base"));
    const r = await cli(["plan", ...base, "--json"], { GITHUB_ACTIONS: "true" });
    expect(r.code).toBe(3);
    const plan = JSON.parse(r.out) as { findings: { code: string; files: string[]; line?: number; column?: number; names: string[] }[] };
    const finding = plan.findings.find((f) => f.code === "DEPENDENCY_MISSING");
    expect(finding).toMatchObject({ files: ["pipelines/reader.alloy"], line: 3, column: 16, names: ["base", "reader"] });
    expect(r.err).toMatch(/::error file=pipelines\/reader\.alloy,line=3,col=16,title=fleet-pipelines%3A DEPENDENCY_MISSING::/);
  });

  it("plan --collectors: names the collectors the exporter does not reach", async () => {
    await pipeline("base", exporter, 'enabled: true\nmatchers: [region="eu"]\n');
    await pipeline("reader", reader("base"), 'enabled: true\nmatchers: [env="prod"]\n');
    emulator.seed({
      collectors: [
        { id: "eu-1", localAttributes: { env: "prod", region: "eu" } },
        { id: "us-1", localAttributes: { env: "prod", region: "us" } },
      ],
    });
    const r = await cli(["plan", ...base, "--collectors"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("DEPENDENCY_REACH");
    expect(r.out).toContain('not reached by "base": "us-1"');
    const without = await cli(["plan", ...base]);
    expect(without.out).not.toContain('"us-1"');
  });

  it("validate --collectors: the folder against the service's pipelines and collectors", async () => {
    emulator.seed({
      pipelines: [{ name: "shared", contents: exporter, enabled: true, matchers: ['region="eu"'], source: { type: "terraform", namespace: "infra" } }],
      collectors: [
        { id: "eu-1", localAttributes: { env: "prod", region: "eu" } },
        { id: "us-1", localAttributes: { env: "prod", region: "us" } },
      ],
    });
    await pipeline("reader", reader("shared"), 'enabled: true\nmatchers: [env="prod"]\n');
    const reach = await cli(["validate", "--dir", "pipelines", "--collectors"]);
    expect(reach.code).toBe(0);
    expect(reach.out).toContain("DEPENDENCY_REACH");
    expect(reach.out).toContain('"us-1"');

    await pipeline("lost", reader("nowhere"));
    const missing = await cli(["validate", "--dir", "pipelines", "--collectors", "--json"]);
    expect(missing.code).toBe(1);
    const body = JSON.parse(missing.out) as { ok: boolean; dependencies: { code: string; names: string[]; files: string[]; line: number }[] };
    expect(body.ok).toBe(false);
    expect(body.dependencies.find((f) => f.code === "DEPENDENCY_MISSING")).toMatchObject({ names: ["lost", "nowhere"], files: ["pipelines/lost.alloy"], line: 3 });
  });

  it("end to end: apply refuses to delete a pipeline another source reads, until the break is allowed by name", async () => {
    emulator.seed({
      pipelines: [
        { name: "base", contents: exporter, enabled: true, source: { type: "git", namespace: "repo" } },
        { name: "dashboards", contents: reader("base"), enabled: true, source: { type: "terraform", namespace: "infra" } },
        { name: "other", contents: "// kept\n", enabled: true, source: { type: "git", namespace: "repo" } },
      ],
    });
    // The folder no longer has `base`: the plan deletes it.
    await pipeline("other", "// kept\n");

    const blocked = await cli(["apply", ...base]);
    expect(blocked.code).toBe(3);
    expect(blocked.out + blocked.err).toContain("DEPENDENCY_BROKEN");
    expect(blocked.out + blocked.err).toContain('pipeline "dashboards"');
    expect(blocked.out + blocked.err).toContain("--allow-dependency-break base");
    expect(emulator.state().pipelines.map((p) => p.name).sort()).toEqual(["base", "dashboards", "other"]);

    const wrongName = await cli(["apply", ...base, "--allow-dependency-break", "dashboards"]);
    expect(wrongName.code).toBe(3);

    const allowed = await cli(["apply", ...base, "--allow-dependency-break", "base"]);
    expect(allowed.code).toBe(0);
    expect(allowed.out + allowed.err).toContain("DEPENDENCY_BROKEN");
    expect(emulator.state().pipelines.map((p) => p.name).sort()).toEqual(["dashboards", "other"]);
  });
});
