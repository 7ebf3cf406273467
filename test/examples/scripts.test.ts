// The example scripts and the demo, run against the emulator the way a user
// would run them (their exported functions, with a client to the emulator).
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runDemo } from "../../examples/demo.js";
import { exportNamespace } from "../../examples/scripts/export.js";
import { disableByPrefix } from "../../examples/scripts/disable-tmp.js";
import { fallbackSync } from "../../examples/scripts/fallback.js";
import { disableForIncident, restoreAfterIncident, targetsAttribute } from "../../examples/scripts/incident.js";
import { planAndApply } from "../../examples/scripts/plan-and-apply.js";
import { createFleetClient, type FleetClient } from "../../src/client/index.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";

const EXAMPLES = join(import.meta.dirname, "../../examples/pipelines");
let emulator: Emulator;
let client: FleetClient;
const quiet = (): void => {};

beforeAll(async () => {
  emulator = await startEmulator();
  client = createFleetClient({ baseUrl: emulator.url, rateLimit: false, retry: { maxAttempts: 6, initialDelayMs: 1, maxDelayMs: 5 } });
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => {
  emulator.setFaults(undefined);
  emulator.reset();
});

describe("plan-and-apply.ts", () => {
  it("stops at a blocked plan, and applies once the takeover is allowed", async () => {
    emulator.seed({ pipelines: [{ name: "journal_logs", contents: "// ui\n", source: { type: "grafana", namespace: "" } }] });
    const blocked = await planAndApply(client, { dir: EXAMPLES, namespace: "repo", log: quiet });
    expect(blocked.plan.blocked).toBe(true);
    expect(blocked.result).toBeUndefined();
    const done = await planAndApply(client, { dir: EXAMPLES, namespace: "repo", allowTakeover: ["journal_logs"], log: quiet });
    expect(done.result?.changes.takenOver).toEqual(["journal_logs"]);
    expect(done.result?.verification?.ok).toBe(true);
  });
});

describe("fallback.ts", () => {
  it("retries the same plan after partial failures until it converges", async () => {
    const flaky = createFleetClient({ baseUrl: emulator.url, rateLimit: false, retry: false });
    emulator.setFaults({ rate: 0.5, seed: 11, kinds: ["unavailable"], methods: ["CreatePipeline"] });
    const lines: string[] = [];
    const result = await fallbackSync(flaky, { dir: EXAMPLES, namespace: "repo", attempts: 10, log: (t) => lines.push(t) });
    expect(result.verification?.ok).toBe(true);
    expect(lines.some((l) => l.includes("running the same plan again"))).toBe(true);
    expect(emulator.state().pipelines.map((p) => p.name).sort()).toEqual([
      "journal_logs",
      "k8s_pod_metrics",
      "node_metrics",
      "otlp_gateway",
      "windows_metrics",
    ]);
  });
});

describe("export.ts", () => {
  it("writes one namespace as files", async () => {
    await planAndApply(client, { dir: EXAMPLES, namespace: "repo", log: quiet });
    emulator.seed({ pipelines: [{ name: "tf", contents: "// tf\n", source: { type: "terraform", namespace: "infra" } }] });
    const dir = await mkdtemp(join(tmpdir(), "fleet-example-export-"));
    try {
      const result = await exportNamespace(client, dir, "repo");
      expect(result.pipelines).toHaveLength(5);
      expect((await readdir(dir)).sort()).toEqual(result.files);
      expect(result.files).not.toContain("tf.yaml");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("incident.ts", () => {
  it("selects pipelines that target the attribute", () => {
    expect(targetsAttribute(['team="platform"', 'collector.os="linux"'], "team", "platform")).toBe(true);
    expect(targetsAttribute(['team=~"plat.*"'], "team", "platform")).toBe(true);
    expect(targetsAttribute(['team="data"'], "team", "platform")).toBe(false);
    expect(targetsAttribute(['team!="data"'], "team", "platform")).toBe(false);
    expect(targetsAttribute(['env="prod"'], "team", "platform")).toBe(false);
  });

  it("disables the targeted pipelines and restores exactly them, keeping their source", async () => {
    await planAndApply(client, { dir: EXAMPLES, namespace: "repo", log: quiet });
    emulator.seed({
      pipelines: [
        // Written with every field explicit, as any write through the API does.
        { name: "tf_platform", contents: "// tf\n", matchers: ['team="platform"'], enabled: true, configType: "alloy", source: { type: "terraform", namespace: "infra" } },
        { name: "already_off", contents: "// off\n", matchers: ['team="platform"'], enabled: false },
      ],
    });
    const before = emulator.state().pipelines;
    const disabled = await disableForIncident(client, { incident: "INC-42", key: "team", value: "platform" });
    expect(disabled).toEqual(["journal_logs", "tf_platform"]);
    const during = emulator.state().pipelines;
    expect(during.find((p) => p.name === "journal_logs")?.enabled).toBe(false);
    expect(during.find((p) => p.name === "tf_platform")?.source).toEqual({ type: "SOURCE_TYPE_TERRAFORM", namespace: "infra" });

    const restored = await restoreAfterIncident(client, { incident: "INC-42" });
    expect(restored).toEqual(["journal_logs", "tf_platform"]);
    const strip = (ps: typeof before) => ps.map(({ updatedAt: _u, createdAt: _c, ...rest }) => rest);
    expect(strip(emulator.state().pipelines)).toEqual(strip(before));
  });
});

describe("disable-tmp.ts", () => {
  it("disables the enabled tmp_ pipelines only, keeping their source; a dry run writes nothing", async () => {
    emulator.seed({
      pipelines: [
        { name: "tmp_debug", contents: "// d\n", enabled: true, configType: "alloy", source: { type: "terraform", namespace: "infra" } },
        { name: "tmp_off", contents: "// o\n", enabled: false },
        { name: "keep", contents: "// k\n", enabled: true },
      ],
    });
    const before = emulator.state().pipelines;
    expect(await disableByPrefix(client, { dryRun: true })).toEqual({ disabled: ["tmp_debug"], conflicts: [], gone: [] });
    expect(emulator.state().pipelines).toEqual(before);

    expect(await disableByPrefix(client)).toEqual({ disabled: ["tmp_debug"], conflicts: [], gone: [] });
    const after = emulator.state().pipelines;
    expect(after.find((p) => p.name === "tmp_debug")).toMatchObject({ enabled: false, source: { type: "SOURCE_TYPE_TERRAFORM", namespace: "infra" } });
    expect(after.filter((p) => p.name !== "tmp_debug")).toEqual(before.filter((p) => p.name !== "tmp_debug"));
  });
});

describe("demo.ts", () => {
  it("shows the blocked collision, the resolved apply and the verification, and exits 0", async () => {
    let out = "";
    const code = await runDemo((t) => (out += t));
    expect(code).toBe(0);
    expect(out).toContain("NAME_COLLISION");
    expect(out).toContain("Blocked by 1 safety check");
    expect(out).toMatch(/taken over\s+node_metrics/);
    expect(out).toContain("✓ Verified");
    expect(out).toContain("Nothing to change");
    expect(out).toMatch(/blackbox_probes\s+terraform\/infra/);
  }, 20_000);
});
