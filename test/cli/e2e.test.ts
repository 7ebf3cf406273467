// End to end: the CLI as a child process (dist/cli.js when it is built and
// newer than the sources, else tsx src/cli/main.ts) against the emulator,
// for every command and every exit code, in both modes. The service's state
// is checked through the emulator after each step.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startEmulator, type Emulator, type PipelineJson } from "../../src/emulator/index.js";
import { runCliProcess as runCli, type CliRun } from "../stress/cli-harness.js";
import { workspace, type Workspace } from "./cli-helpers.js";
import { WRITE_METHODS } from "../stress/convergence-run.js";

type Run = CliRun;

interface Env {
  emulator: Emulator;
  ws: Workspace;
  cli(...args: string[]): Promise<Run>;
  pipelines(): PipelineJson[];
}

async function withEnv(test: (env: Env) => Promise<void>): Promise<void> {
  const emulator = await startEmulator();
  const ws = await workspace();
  try {
    await test({
      emulator,
      ws,
      cli: (...args) => runCli(args, { FLEET_URL: emulator.url }, ws.root),
      pipelines: () => emulator.state().pipelines,
    });
  } finally {
    await emulator.stop();
    await ws.dispose();
  }
}

const base = ["--dir", "pipelines", "--namespace", "repo"];
const OTHERS = [
  { name: "tf_probes", contents: "// terraform\n", matchers: ['team="sre"'], enabled: true, configType: "alloy", source: { type: "terraform", namespace: "infra" } },
  { name: "repo_b_logs", contents: "// another repo\n", enabled: true, configType: "alloy", source: { type: "git", namespace: "repo-b" } },
  { name: "legacy", contents: "// no source\n", enabled: true, configType: "alloy" },
];
const outside = (ps: PipelineJson[]) => ps.filter((p) => !(p.source?.type === "SOURCE_TYPE_GIT" && p.source.namespace === "repo"));
const inScope = (ps: PipelineJson[]) => ps.filter((p) => p.source?.type === "SOURCE_TYPE_GIT" && p.source.namespace === "repo").map((p) => p.name).sort();
const EXAMPLE_NAMES = ["journal_logs", "k8s_pod_metrics", "node_metrics", "otlp_gateway", "windows_metrics"];

describe.concurrent("fleet-pipelines as a child process", () => {
  it.each(["sync", "fallback"])("%s: plan 0/2, apply 0, no drift, nothing outside the scope touched", async (mode) => {
    await withEnv(async ({ emulator, ws, cli, pipelines }) => {
      emulator.seed({ pipelines: OTHERS });
      const before = outside(pipelines());
      const [plain, detailed] = await Promise.all([cli("plan", ...base), cli("plan", ...base, "--detailed-exitcode")]);
      expect([plain.code, detailed.code]).toEqual([0, 2]);
      expect(plain.out).toContain("5 to create");

      const apply = await cli("apply", ...base, "--mode", mode);
      expect(apply.code).toBe(0);
      expect(apply.out).toContain("Verified");
      expect(inScope(pipelines())).toEqual(EXAMPLE_NAMES);

      await ws.remove("pipelines/otel");
      await ws.write("pipelines/logs/journal_logs.yaml", 'name: journal_logs\nenabled: false\nmatchers: [collector.os="linux"]\n');
      const change = await cli("apply", ...base, "--mode", mode, "--detailed-exitcode");
      expect(change.code).toBe(2);
      expect(inScope(pipelines())).toEqual(EXAMPLE_NAMES.filter((n) => n !== "otlp_gateway"));
      expect(pipelines().find((p) => p.name === "journal_logs")?.enabled).toBe(false);

      const [diff, again] = await Promise.all([cli("diff", ...base), cli("plan", ...base, "--detailed-exitcode")]);
      expect([diff.code, again.code]).toEqual([0, 0]);
      expect(outside(pipelines())).toEqual(before);
      const writes = emulator.requests().filter((r) => WRITE_METHODS.has(r.method));
      if (mode === "sync") expect(writes.map((w) => w.method)).toEqual(["SyncPipelines", "SyncPipelines"]);
      // Fallback: creates and updates first, the delete last.
      else expect(writes.map((w) => w.method)).toEqual([...Array(5).fill("CreatePipeline"), "UpdatePipeline", "BulkDeletePipelines"]);
    });
  });

  it("a takeover is blocked (3) and then allowed (0); an empty folder is refused (3)", async () => {
    await withEnv(async ({ emulator, ws, cli, pipelines }) => {
      emulator.seed({ pipelines: [{ name: "node_metrics", contents: "// UI\n", enabled: true, configType: "alloy", source: { type: "grafana", namespace: "" } }] });
      const blocked = await cli("apply", ...base);
      expect(blocked.code).toBe(3);
      expect(blocked.out).toContain("NAME_COLLISION");
      expect(pipelines().map((p) => p.name)).toEqual(["node_metrics"]);

      const allowed = await cli("apply", ...base, "--allow-takeover", "node_metrics");
      expect(allowed.code).toBe(0);
      expect(pipelines().find((p) => p.name === "node_metrics")?.source).toEqual({ type: "SOURCE_TYPE_GIT", namespace: "repo" });

      await ws.remove("pipelines");
      await ws.write("pipelines/.keep", "");
      const empty = await cli("apply", ...base, "--mode", "fallback");
      expect(empty.code).toBe(3);
      expect(empty.out).toContain("EMPTY_DESIRED");
      expect(inScope(pipelines())).toEqual(EXAMPLE_NAMES);
    });
  });

  it("a stale saved plan is refused (3); a fresh one applies (0)", async () => {
    await withEnv(async ({ emulator, cli, pipelines }) => {
      const saved = await cli("plan", ...base, "--out", "plan.json");
      expect(saved.code).toBe(0);
      emulator.seed({ pipelines: [{ name: "sneaked_in", contents: "// x\n", source: { type: "git", namespace: "repo" } }] });
      const stale = await cli("apply", "--plan", "plan.json", "--mode", "fallback");
      expect(stale.code).toBe(3);
      expect(stale.err).toContain("STALE_PLAN");
      expect(pipelines().map((p) => p.name)).toEqual(["sneaked_in"]);

      expect((await cli("plan", ...base, "--allow-empty", "--out", "plan2.json")).code).toBe(0);
      const fresh = await cli("apply", "--plan", "plan2.json");
      expect(fresh.code).toBe(0);
      expect(inScope(pipelines())).toEqual(EXAMPLE_NAMES);
    });
  });

  it("fallback after injected failures: exit 1 with what failed, the rerun converges (0)", async () => {
    await withEnv(async ({ emulator, cli, pipelines }) => {
      emulator.seed({ pipelines: OTHERS });
      const before = outside(pipelines());
      emulator.setFaults({ rate: 1, kinds: ["unavailable"], methods: ["CreatePipeline"] });
      const failed = await cli("apply", ...base, "--mode", "fallback", "--timeout-ms", "20000");
      expect(failed.code).toBe(1);
      expect(failed.out).toMatch(/✗ create journal_logs: unavailable/);
      expect(failed.err).toContain("run it again");
      emulator.setFaults(undefined);
      const rerun = await cli("apply", ...base, "--mode", "fallback");
      expect(rerun.code).toBe(0);
      expect(inScope(pipelines())).toEqual(EXAMPLE_NAMES);
      expect(outside(pipelines())).toEqual(before);
    });
  });

  it("validate 0/1, diff 2 on drift, export round trip, and errors exit 1", async () => {
    await withEnv(async ({ emulator, ws, cli, pipelines }) => {
      expect((await cli("validate", "--dir", "pipelines", "--remote")).code).toBe(0);
      expect(pipelines()).toEqual([]);
      expect((await cli("apply", ...base)).code).toBe(0);

      const node = pipelines().find((p) => p.name === "node_metrics")!;
      emulator.seed({ pipelines: [{ ...node, matchers: ['collector.os="linux"'] }] });
      const drift = await cli("diff", ...base);
      expect(drift.code).toBe(2);
      expect(drift.out).toContain("node_metrics");

      const exported = await cli("export", "--out", "exported", "--namespace", "repo");
      expect(exported.code).toBe(0);
      expect((await cli("plan", "--dir", "exported", "--namespace", "repo", "--detailed-exitcode")).code).toBe(0);

      await ws.write("pipelines/broken.yaml", "name: broken\nenabled: true\nmatchers: ['a=~\"(\"']\ncontents: x\n");
      const invalid = await cli("validate", "--dir", "pipelines");
      expect(invalid.code).toBe(1);
      // The loader refuses the bad matcher with its line (stderr), as plan and apply would.
      expect(invalid.out + invalid.err).toContain("broken");

      const token = await cli("plan", ...base, "--token", "glc_should_not_show");
      expect(token.code).toBe(1);
      expect(token.err).toContain("--token is refused");
      expect(token.out + token.err).not.toContain("glc_should_not_show");
      // A folder with problems blocks (3) before any connection is set up: remove them to see the missing URL.
      await ws.remove("pipelines/broken.yaml");
      const noUrl = await runCli(["plan", ...base], {}, ws.root);
      expect(noUrl.code).toBe(1);
      expect(noUrl.err).toContain("FLEET_URL");
    });
  });

  it("under GitHub Actions: annotations on stdout and the plan in the job summary", async () => {
    await withEnv(async ({ emulator, ws }) => {
      emulator.seed({ pipelines: [{ name: "otlp_gateway", contents: "receivers: {}\n", source: { type: "terraform", namespace: "infra" } }] });
      const summary = join(ws.root, "summary.md");
      const r = await runCli(["plan", ...base], { FLEET_URL: emulator.url, GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary }, ws.root);
      expect(r.code).toBe(3);
      expect(r.out).toMatch(/^::error file=pipelines\/otel\/otlp_gateway\.yaml[^\n]*::[^\n]*otlp_gateway/m);
      const { readFile } = await import("node:fs/promises");
      expect(await readFile(summary, "utf8")).toContain("NAME_COLLISION");
    });
  });
});
