// The GitHub Actions example must not rot: every `fleet-pipelines` step of
// each job runs here, in order, against the emulator, with the environment
// the workflow sets (GITHUB_ACTIONS, a job summary file, the secrets as env).
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { testIo } from "../cli/cli-helpers.js";

interface Workflow {
  env: Record<string, string>;
  jobs: Record<string, { steps: { run?: string }[] }>;
}

const workflow = parse(
  await readFile(join(import.meta.dirname, "../../examples/github-actions/fleet-pipelines.yaml"), "utf8"),
) as Workflow;

/** The CLI steps of a job, as argv lists (the workflow only quotes "$FLEET_NAMESPACE"). */
function cliSteps(job: string, env: Record<string, string>): string[][] {
  return workflow.jobs[job]!.steps
    .map((step) => step.run?.trim())
    .filter((run): run is string => run !== undefined && run.startsWith("fleet-pipelines "))
    .map((run) =>
      run
        .replace(/"\$(\w+)"/g, (_, name: string) => env[name] ?? "")
        .split(/\s+/)
        .slice(1),
    );
}

let emulator: Emulator;
let repo: string;
beforeAll(async () => {
  emulator = await startEmulator();
  repo = await mkdtemp(join(tmpdir(), "fleet-workflow-"));
  await cp(join(import.meta.dirname, "../../examples/pipelines"), join(repo, "pipelines"), { recursive: true });
});
afterAll(async () => {
  await emulator.stop();
  await rm(repo, { recursive: true, force: true });
});
beforeEach(() => emulator.reset());

async function runJob(job: string): Promise<{ codes: number[]; summary: string; out: string }> {
  const summaryFile = join(repo, `summary-${job}.md`);
  await writeFile(summaryFile, "");
  const env = { FLEET_URL: emulator.url, FLEET_NAMESPACE: "acme/pipelines", FLEET_RATE_LIMIT: "0", GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summaryFile };
  const codes: number[] = [];
  let out = "";
  for (const argv of cliSteps(job, env)) {
    const io = testIo(env, { cwd: repo });
    codes.push(await runCli(argv, io));
    out += io.out() + io.err();
  }
  return { codes, summary: await readFile(summaryFile, "utf8"), out };
}

describe("examples/github-actions/fleet-pipelines.yaml", () => {
  it("reads the secrets from the environment, never from a flag", () => {
    expect(Object.keys(workflow.env)).toEqual(expect.arrayContaining(["FLEET_URL", "FLEET_USER", "FLEET_TOKEN"]));
    const runs = Object.values(workflow.jobs).flatMap((j) => j.steps.map((s) => s.run ?? ""));
    expect(runs.join("\n")).not.toMatch(/--token\b/);
  });

  it("plans a pull request, applies on merge, then finds no drift", async () => {
    const plan = await runJob("plan");
    expect(plan.codes).toEqual([0, 0]); // validate --remote, plan
    expect(plan.summary).toContain("acme/pipelines");
    expect(emulator.state().pipelines).toEqual([]); // a pull request changes nothing

    const apply = await runJob("apply");
    expect(apply.codes).toEqual([0]);
    expect(emulator.state().pipelines.map((p) => p.name).sort()).toEqual([
      "journal_logs",
      "k8s_pod_metrics",
      "node_metrics",
      "otlp_gateway",
      "windows_metrics",
    ]);

    const drift = await runJob("drift");
    expect(drift.codes).toEqual([0]);
  });

  it("fails the drift job (exit 2) when a pipeline was edited outside Git", async () => {
    expect((await runJob("apply")).codes).toEqual([0]);
    const edited = emulator.state().pipelines.find((p) => p.name === "node_metrics")!;
    emulator.seed({ pipelines: [{ ...edited, contents: "// edited in the UI\n" }] });
    const drift = await runJob("drift");
    expect(drift.codes).toEqual([2]);
    expect(drift.summary).toContain("node_metrics");
  });

  it("fails the pull-request job (exit 3) when the plan is blocked", async () => {
    emulator.seed({ pipelines: [{ name: "node_metrics", contents: "// made in the UI\n", source: { type: "grafana", namespace: "" } }] });
    const plan = await runJob("plan");
    expect(plan.codes).toEqual([0, 3]);
    expect(plan.out).toMatch(/::error file=pipelines\/metrics\/node_metrics\.yaml/);
  });
});
