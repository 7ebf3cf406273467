// plan, apply, validate, diff and export in process, with an injected io,
// against the emulator: exit codes, outputs, GitHub Actions integration.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { parsePlan } from "../../src/plan/index.js";
import { testIo, workspace, type Workspace } from "./cli-helpers.js";

let emulator: Emulator;
let ws: Workspace;
let env: Record<string, string>;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(async () => {
  emulator.reset();
  ws = await workspace();
  env = { FLEET_URL: emulator.url, FLEET_RATE_LIMIT: "0" };
});
afterEach(async () => {
  await ws.dispose();
});

async function cli(args: string[], extraEnv: Record<string, string> = {}, options: { isTTY?: boolean } = {}) {
  const io = testIo({ ...env, ...extraEnv }, { cwd: ws.root, ...options });
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

const base = ["--dir", "pipelines", "--namespace", "repo"];
const writes = () => emulator.requests().filter((r) => !(r.method.startsWith("List") || r.method === "GetLimits"));

const handMade = {
  name: "node_metrics",
  contents: "// made in the UI\n",
  matchers: ['collector.os="linux"'],
  source: { type: "grafana", namespace: "" },
};

describe("plan", () => {
  it("exits 0 with changes, 2 with --detailed-exitcode, and 0 again once applied", async () => {
    const first = await cli(["plan", ...base]);
    expect(first.code).toBe(0);
    expect(first.out).toContain("node_metrics");
    expect((await cli(["plan", ...base, "--detailed-exitcode"])).code).toBe(2);
    expect(writes()).toEqual([]);
    expect((await cli(["apply", ...base])).code).toBe(0);
    expect((await cli(["plan", ...base, "--detailed-exitcode"])).code).toBe(0);
  });

  it("exits 3 on a name collision, annotating the file under GitHub Actions and writing the job summary", async () => {
    emulator.seed({ pipelines: [handMade] });
    const summary = join(ws.root, "summary.md");
    const r = await cli(["plan", ...base, "--markdown", "plan.md"], { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary });
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/^::error file=pipelines\/metrics\/node_metrics\.yaml(,line=\d+)?,title=fleet-pipelines%3A NAME_COLLISION::/m);
    const md = await readFile(summary, "utf8");
    expect(md).toContain("node_metrics");
    expect(await readFile(join(ws.root, "plan.md"), "utf8")).toBe(md.replace(/\n+$/, "\n"));
  });

  it("--json prints only a plan that parsePlan accepts; --out saves the same plan", async () => {
    const r = await cli(["plan", ...base, "--json", "--out", "plan.json"], { GITHUB_ACTIONS: "true" });
    expect(r.code).toBe(0);
    const plan = parsePlan(r.out);
    expect(plan.counts.create).toBe(5);
    expect(JSON.parse(await readFile(join(ws.root, "plan.json"), "utf8"))).toEqual(JSON.parse(r.out));
  });

  it("--collectors shows the collectors each pipeline reaches", async () => {
    emulator.seed({
      collectors: [
        { id: "a", localAttributes: { "collector.os": "linux", env: "prod", team: "platform" } },
        { id: "b", localAttributes: { "collector.os": "linux", env: "dev" } },
      ],
    });
    const r = await cli(["plan", ...base, "--collectors"]);
    expect(r.out).toMatch(/Collectors reached \(of 2 enabled/);
    expect(r.out).toMatch(/node_metrics\s+1\s+create/);
    expect(r.out).toMatch(/journal_logs\s+1\s+create/);
  });

  it("exits 3 (blocked) with the file and line when the folder cannot be loaded", async () => {
    await ws.write("pipelines/metrics/node_metrics.yaml", "name: node_metrics\nenabledd: true\n");
    const r = await cli(["plan", ...base], { GITHUB_ACTIONS: "true" });
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/pipelines\/metrics\/node_metrics\.yaml:2:\d+: .*enabledd/);
    expect(r.out).toMatch(/^::error file=pipelines\/metrics\/node_metrics\.yaml,line=2/m);
    expect(emulator.requests()).toEqual([]);
  });

  it("refuses --token with the reason, and never prints the token", async () => {
    const r = await cli(["plan", ...base, "--token", "s3cr3t-value"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("--token is refused");
    expect(r.err).toContain("FLEET_TOKEN");
    expect(r.out + r.err).not.toContain("s3cr3t-value");
  });
});

describe("apply", () => {
  it.each(["sync", "fallback"])("applies in %s mode, verifies, and touches nothing outside the scope", async (mode) => {
    emulator.seed({ pipelines: [{ name: "tf_one", contents: "// tf\n", source: { type: "terraform", namespace: "infra" } }] });
    const tfBefore = emulator.state().pipelines.filter((p) => p.name === "tf_one");
    const r = await cli(["apply", ...base, "--mode", mode]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Verified");
    expect(writes().map((w) => w.method)).toEqual(mode === "sync" ? ["SyncPipelines"] : Array(5).fill("CreatePipeline"));
    await ws.remove("pipelines/logs");
    const again = await cli(["apply", ...base, "--mode", mode, "--detailed-exitcode"]);
    expect(again.code).toBe(2);
    expect(again.out).toMatch(/deleted\s+journal_logs/);
    expect(emulator.state().pipelines.filter((p) => p.name === "tf_one")).toEqual(tfBefore);
  });

  it("blocks a takeover (exit 3, nothing written), then takes it over with --allow-takeover", async () => {
    emulator.seed({ pipelines: [handMade] });
    const blocked = await cli(["apply", ...base]);
    expect(blocked.code).toBe(3);
    expect(blocked.err).toContain("NAME_COLLISION");
    expect(writes()).toEqual([]);
    const allowed = await cli(["apply", ...base, "--allow-takeover", "node_metrics", "--mode", "fallback"]);
    expect(allowed.code).toBe(0);
    expect(allowed.out).toMatch(/taken over\s+node_metrics/);
    expect(emulator.state().pipelines.find((p) => p.name === "node_metrics")?.source).toEqual({ type: "SOURCE_TYPE_GIT", namespace: "repo" });
  });

  it("refuses an empty folder that would wipe the namespace, unless --allow-empty", async () => {
    expect((await cli(["apply", ...base])).code).toBe(0);
    await ws.remove("pipelines");
    await ws.write("pipelines/README.md", "nothing here\n");
    const refused = await cli(["apply", ...base]);
    expect(refused.code).toBe(3);
    expect(refused.err).toContain("EMPTY_DESIRED");
    expect(emulator.state().pipelines).toHaveLength(5);
    expect((await cli(["apply", ...base, "--allow-empty"])).code).toBe(0);
    expect(emulator.state().pipelines).toHaveLength(0);
  });

  it("applies a saved plan, and refuses it as stale once the service changed", async () => {
    await cli(["plan", ...base, "--out", "plan.json"]);
    const ok = await cli(["apply", "--plan", "plan.json", "--json"]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out).result.changes.created).toHaveLength(5);

    await ws.write("pipelines/extra.yaml", "name: extra\nenabled: true\ncontents: \"// x\"\n");
    await cli(["plan", ...base, "--out", "plan2.json"]);
    emulator.seed({ pipelines: [{ name: "late", contents: "// x\n", source: { type: "git", namespace: "repo" } }] });
    const stale = await cli(["apply", "--plan", "plan2.json"]);
    expect(stale.code).toBe(3);
    expect(stale.err).toContain("STALE_PLAN");
    expect(emulator.state().pipelines.some((p) => p.name === "extra")).toBe(false);
    expect((await cli(["apply", "--plan", "plan2.json", "--force"])).code).toBe(0);
    expect(emulator.state().pipelines.some((p) => p.name === "late")).toBe(false);
  });

  it("--no-verify skips the read-back", async () => {
    const r = await cli(["apply", ...base, "--no-verify", "--json"]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out).result;
    expect(result.verification).toBeUndefined();
    const listings = emulator.requests().filter((q) => q.method === "ListPipelines").length;
    expect(result.historyCheck).toBe("stack");
    // The same apply with verification verifies, and lists no less (the read-back may share the history check's listing).
    emulator.reset();
    const verified = await cli(["apply", ...base, "--json"]);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.out).result.verification.ok).toBe(true);
    expect(emulator.requests().filter((q) => q.method === "ListPipelines").length).toBeGreaterThanOrEqual(listings);
  });

  it("--plan refuses flags that the plan already carries", async () => {
    const r = await cli(["apply", "--plan", "plan.json", "--namespace", "x"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("--namespace");
    // --exclude would be silently ignored: the plan's desired set is fixed.
    const excluded = await cli(["apply", "--plan", "plan.json", "--exclude", "*.yaml"]);
    expect(excluded.code).toBe(1);
    expect(excluded.err).toContain("drop --exclude");
  });

  it("exits 1 with what failed when writes fail, and a rerun converges", async () => {
    emulator.setFaults({ rate: 1, kinds: ["unavailable"], methods: ["CreatePipeline"] });
    try {
      const failed = await cli(["apply", ...base, "--mode", "fallback", "--json"]);
      expect(failed.code).toBe(1);
      const body = JSON.parse(failed.out);
      expect(body.error.code).toBe("APPLY_FAILED");
      expect(body.result.failures).toHaveLength(5);
    } finally {
      emulator.setFaults(undefined);
    }
    const rerun = await cli(["apply", ...base, "--mode", "fallback"]);
    expect(rerun.code).toBe(0);
  }, 20_000);
});

describe("validate, diff, export", () => {
  it("validate: 0 when valid (locally and remotely), 1 with the file for a bad matcher", async () => {
    expect((await cli(["validate", "--dir", "pipelines", "--remote"])).code).toBe(0);
    expect(emulator.state().pipelines).toEqual([]);
    await ws.write("pipelines/bad.yaml", 'name: bad\nenabled: true\nmatchers: ["env=~(unclosed"]\ncontents: "x"\n');
    const r = await cli(["validate", "--dir", "pipelines"], { GITHUB_ACTIONS: "true" });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^::error file=pipelines\/bad\.yaml/m);
    expect(r.out).toContain("bad");
  });

  it("diff: 0 without drift, 2 when the service was edited by hand", async () => {
    await cli(["apply", ...base]);
    expect((await cli(["diff", ...base])).code).toBe(0);
    const node = emulator.state().pipelines.find((p) => p.name === "node_metrics")!;
    emulator.seed({ pipelines: [{ ...node, contents: "// edited in the UI\n" }] });
    const r = await cli(["diff", ...base]);
    expect(r.code).toBe(2);
    expect(r.out).toContain("Drift in git/repo");
    expect(r.out).toContain("edited in the UI");
    const json = await cli(["diff", ...base, "--json"]);
    expect(JSON.parse(json.out).drift).toBe(true);
  });

  it("export: a plan on the exported folder shows no change", async () => {
    await cli(["apply", ...base]);
    const r = await cli(["export", "--out", "exported", "--namespace", "repo"]);
    expect(r.code).toBe(0);
    const plan = await cli(["plan", "--dir", "exported", "--namespace", "repo", "--detailed-exitcode"]);
    expect(plan.code).toBe(0);
    const again = await cli(["export", "--out", "exported", "--namespace", "repo"]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/exported\/\S+ already exists.*--overwrite/);
    expect((await cli(["export", "--out", "exported", "--namespace", "repo", "--overwrite"])).code).toBe(0);
  });
});

describe("credentials", () => {
  it("uses FLEET_USER with --token-file or FLEET_TOKEN, and exits 1 on bad credentials without echoing them", async () => {
    const secured = await startEmulator({ auth: { user: "12345", token: "glc_right" } });
    try {
      const io = { FLEET_URL: secured.url, FLEET_USER: "12345", FLEET_RATE_LIMIT: "0" };
      await ws.write("token.txt", "glc_right\n");
      expect((await cli(["plan", ...base, "--token-file", "token.txt"], io)).code).toBe(0);
      await ws.write("token-crlf.txt", "glc_right\r\n\r\n");
      expect((await cli(["plan", ...base, "--token-file", "token-crlf.txt"], io)).code).toBe(0);
      expect((await cli(["plan", ...base], { ...io, FLEET_TOKEN: "glc_right" })).code).toBe(0);
      const wrong = await cli(["plan", ...base], { ...io, FLEET_TOKEN: "glc_wrong_secret" });
      expect(wrong.code).toBe(1);
      expect(wrong.err).toMatch(/unauthenticated/i);
      expect(wrong.out + wrong.err).not.toContain("glc_wrong_secret");
    } finally {
      await secured.stop();
    }
  });
});
