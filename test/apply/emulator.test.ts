// applyPlan and friends against the real emulator over loopback.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ApplyError,
  applyPlan,
  exportPipelines,
  previewCollectors,
  resolvePipelineLimit,
  syncPipelines,
  validatePipelines,
} from "../../src/apply/index.js";
import { loadPipelines } from "../../src/loader/index.js";
import type { PipelineSpec, SourceScope } from "../../src/pipelines/index.js";
import { planSync, remoteFromPipelineList } from "./plan-helpers.js";
import { outsideScope, scopeNames, startHarness, type Harness } from "./harness.js";

const scope: SourceScope = { type: "git", namespace: "repo" };
const examples = join(import.meta.dirname, "../../examples/pipelines");

const others = [
  { name: "tf_metrics", contents: "// terraform\n", matchers: ['env="prod"'], enabled: true, source: { type: "terraform", namespace: "infra" } },
  { name: "ui_made", contents: "// by hand\n", matchers: [], enabled: true, source: { type: "grafana", namespace: "" } },
  { name: "no_source", contents: "// very old\n", matchers: [], enabled: true },
  { name: "other_repo", contents: "// other\n", matchers: [], enabled: true, source: { type: "git", namespace: "other" } },
];

function specs(n: number, prefix = "p", contents = "v1"): PipelineSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `${prefix}${String(i).padStart(3, "0")}`,
    contents: `// ${contents}\nprometheus.exporter.self "x${i}" { }\n`,
    matchers: [`team="t${i % 3}"`],
  }));
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => {
  h.emulator.setFaults(undefined);
  h.emulator.reset();
  h.emulator.seed({ pipelines: others });
});

async function plan(desired: PipelineSpec[], policy = {}) {
  const remote = await remoteFromPipelineList(h.client);
  return planSync({ desired, remote, scope, policy });
}

describe.each(["sync", "fallback"] as const)("%s mode against the emulator", (mode) => {
  it("creates, updates and deletes only in the scope, then verifies", async () => {
    const outside = outsideScope(h.emulator.state().pipelines, "repo");
    await applyPlan(h.client, await plan(specs(6)), { mode });
    const next = [...specs(4), ...specs(2, "n")].map((s, i) => (i === 0 ? { ...s, contents: "// changed\n" } : s));
    const result = await applyPlan(h.client, await plan(next), { mode });
    expect(result.changes).toEqual({ created: ["n000", "n001"], updated: ["p000"], deleted: ["p004", "p005"], takenOver: [] });
    expect(result.verification?.ok).toBe(true);
    expect(scopeNames(h.emulator.state().pipelines, "repo")).toEqual(["n000", "n001", "p000", "p001", "p002", "p003"]);
    expect(outsideScope(h.emulator.state().pipelines, "repo")).toEqual(outside);
    const writes = h.emulator.requests().filter((r) => !r.method.startsWith("List")).map((r) => r.method);
    if (mode === "sync") expect(writes).toEqual(["SyncPipelines", "SyncPipelines"]);
    else {
      // Creates and the update first (in parallel), the delete last.
      expect(writes.slice(6, 9).sort()).toEqual(["CreatePipeline", "CreatePipeline", "UpdatePipeline"]);
      expect(writes.slice(9)).toEqual(["BulkDeletePipelines"]);
    }
    expect(result.overwritten).toEqual([]);
  });

  it("blocks a takeover of a pipeline made by hand, then takes it over when allowed", async () => {
    const desired = [...specs(2), { name: "ui_made", contents: "// now in git\n" }];
    const blocked = await plan(desired);
    expect(blocked.blocked).toBe(true);
    expect(blocked.findings.map((f) => f.code)).toContain("NAME_COLLISION");
    await expect(applyPlan(h.client, blocked, { mode })).rejects.toMatchObject({ code: "SAFETY_CHECK" });
    expect(h.emulator.requests().filter((r) => r.method !== "ListPipelines")).toEqual([]);

    const allowed = await plan(desired, { allowTakeover: ["ui_made"] });
    const result = await applyPlan(h.client, allowed, { mode });
    expect(result.changes.takenOver).toEqual(["ui_made"]);
    const taken = h.emulator.state().pipelines.find((p) => p.name === "ui_made");
    expect(taken?.source).toEqual({ type: "SOURCE_TYPE_GIT", namespace: "repo" });
    expect(taken?.contents).toBe("// now in git\n");
  });

  it("refuses a stale plan and leaves the service as it was", async () => {
    const p = await plan(specs(3));
    h.emulator.seed({ pipelines: [{ name: "late", contents: "// x\n", source: { type: "git", namespace: "repo" } }] });
    const before = h.emulator.state().pipelines;
    const err = (await applyPlan(h.client, p, { mode }).catch((e: unknown) => e)) as ApplyError;
    expect(err).toBeInstanceOf(ApplyError);
    expect(err.code).toBe("STALE_PLAN");
    expect(err.message).toContain("late");
    expect(h.emulator.state().pipelines).toEqual(before);
  });
});

describe("fallback under injected failures", () => {
  it("reports partial failure, and the same plan converges on rerun", async () => {
    await applyPlan(h.client, await plan(specs(10)), { mode: "fallback" });
    const next = [...specs(6, "p", "v2"), ...specs(8, "q")];
    const p = await plan(next);
    const outside = outsideScope(h.emulator.state().pipelines, "repo");
    // Retries off: every injected fault becomes a failure of that write.
    h.emulator.setFaults({ rate: 0.5, seed: 7, kinds: ["unavailable", "unavailable_after", "drop"], methods: ["UpsertPipeline", "BulkDeletePipelines"] });
    const { createFleetClient } = await import("../../src/client/index.js");
    const fragile = createFleetClient({ baseUrl: h.emulator.url, rateLimit: false, retry: false });
    const err = (await applyPlan(fragile, p, { mode: "fallback" }).catch((e: unknown) => e)) as ApplyError;
    expect(err).toBeInstanceOf(ApplyError);
    expect(err.code).toBe("APPLY_FAILED");
    const failed = err.result!.failures;
    expect(failed.length).toBeGreaterThan(0);
    const done = err.result!.changes;
    // What the result says was done is done; what it says failed is listed once each.
    const state = h.emulator.state().pipelines;
    for (const name of [...done.created, ...done.updated]) {
      expect(state.find((x) => x.name === name)?.source).toEqual({ type: "SOURCE_TYPE_GIT", namespace: "repo" });
    }
    for (const name of done.deleted) expect(state.some((x) => x.name === name)).toBe(false);
    expect(new Set(failed.map((f) => f.name)).size).toBe(failed.length);

    h.emulator.setFaults(undefined);
    const rerun = await applyPlan(h.client, p, { mode: "fallback" });
    expect(rerun.verification?.ok).toBe(true);
    expect(rerun.alreadyDone.length).toBeGreaterThan(0);
    expect(scopeNames(h.emulator.state().pipelines, "repo")).toEqual(next.map((s) => s.name).sort());
    expect(outsideScope(h.emulator.state().pipelines, "repo")).toEqual(outside);
  });

  it("survives faults with the client's retries (including after-the-fact faults)", async () => {
    h.emulator.setFaults({ rate: 0.25, seed: 3, kinds: ["unavailable", "unavailable_after", "drop", "drop_after"] });
    const { createFleetClient } = await import("../../src/client/index.js");
    const patient = createFleetClient({
      baseUrl: h.emulator.url,
      rateLimit: false,
      retry: { maxAttempts: 8, initialDelayMs: 1, maxDelayMs: 5 },
    });
    for (const mode of ["fallback", "sync"] as const) {
      const desired = mode === "sync" ? [...specs(12, "f", "v2"), ...specs(6, "s")] : specs(12, "f");
      const remote = await remoteFromPipelineList(patient);
      const p = planSync({ desired, remote, scope });
      // A create is never repeated by the client: one that got no answer and is
      // not there fails this run, and the same plan finishes it on a rerun.
      let result: Awaited<ReturnType<typeof applyPlan>> | undefined;
      for (let run = 0; run < 8 && result === undefined; run++) {
        result = await applyPlan(patient, p, { mode }).catch((e: unknown) => {
          if (e instanceof ApplyError && e.code === "APPLY_FAILED") return undefined;
          throw e;
        });
      }
      expect(result?.verification?.ok).toBe(true);
      expect(result?.overwritten).toEqual([]);
    }
    expect(h.emulator.requests().some((r) => r.fault !== undefined)).toBe(true);
  });
});

describe("syncPipelines", () => {
  it("loads the example folder, plans, applies and verifies in one call; dry run writes nothing", async () => {
    const dry = await syncPipelines(h.client, { dir: examples, scope, dryRun: true });
    expect(dry.result).toBeUndefined();
    expect(dry.plan.counts.create).toBe(5);
    expect(h.emulator.requests().filter((r) => r.method !== "ListPipelines" && r.method !== "GetLimits")).toEqual([]);

    const run = await syncPipelines(h.client, { dir: examples, scope, mode: "fallback" });
    expect(run.result?.changes.created).toEqual(["journal_logs", "k8s_pod_metrics", "node_metrics", "otlp_gateway", "windows_metrics"]);
    // The five creates, then the stack's history to check them against.
    expect(run.result?.calls.byMethod).toEqual({ GetLimits: 1, ListPipelines: 2, CreatePipeline: 5, ListPipelinesRevisions: 1 });
    const again = await syncPipelines(h.client, { dir: examples, scope });
    expect(again.result?.changes).toEqual({ created: [], updated: [], deleted: [], takenOver: [] });
    expect(again.result?.unchanged).toBe(5);
  });

  it("refuses an empty desired set that would wipe the scope", async () => {
    await syncPipelines(h.client, { desired: specs(3), scope });
    await expect(syncPipelines(h.client, { desired: [], scope })).rejects.toMatchObject({ code: "SAFETY_CHECK" });
    expect(scopeNames(h.emulator.state().pipelines, "repo")).toHaveLength(3);
  });
});

describe("validatePipelines, limits, collectors, export", () => {
  it("validates on the service without storing anything", async () => {
    const before = h.emulator.state();
    const results = await validatePipelines(h.client, [
      { name: "good", contents: "// ok\n", matchers: ['env="prod"'] },
      { name: "bad", contents: "// ok\n", matchers: ["env=~(unclosed"] },
    ]);
    expect(results.map((r) => [r.name, r.ok, r.code])).toEqual([
      ["good", true, undefined],
      ["bad", false, "invalid_argument"],
    ]);
    expect(h.emulator.state().pipelines).toEqual(before.pipelines);
    expect(h.emulator.state().revisions).toEqual(before.revisions);
  });

  it("reads the pipeline limit from GetLimits, with an override", async () => {
    expect(await resolvePipelineLimit(h.client)).toEqual({ limit: 200, limitSource: "stack" });
    expect(await resolvePipelineLimit(h.client, { override: 7 })).toEqual({ limit: 7, limitSource: "configured" });
    const small = await startHarness({ pipelineLimit: 42 });
    try {
      expect(await resolvePipelineLimit(small.client)).toEqual({ limit: 42, limitSource: "stack" });
    } finally {
      await small.stop();
    }
  });

  it("a GetLimits answer without a pipeline limit means no limit; 200 only when GetLimits fails", async () => {
    const unlimited = await startHarness({ limits: { pipelines: null } });
    try {
      expect(await resolvePipelineLimit(unlimited.client)).toEqual({ limit: null, limitSource: "stack" });
    } finally {
      await unlimited.stop();
    }
    const failing = { getLimits: async () => Promise.reject(new Error("unavailable")) };
    expect(await resolvePipelineLimit(failing)).toEqual({ limit: 200, limitSource: "default" });
  });

  it("previews the collectors each pipeline reaches, locally and on the server alike", async () => {
    h.emulator.seed({
      collectors: [
        { id: "c1", localAttributes: { "collector.os": "linux", env: "prod", team: "platform" } },
        { id: "c2", localAttributes: { "collector.os": "linux", env: "staging" }, remoteAttributes: { team: "platform" } },
        { id: "c3", localAttributes: { "collector.os": "windows", site: "store-12" } },
        { id: "c4", localAttributes: { "collector.os": "linux", env: "prod" }, enabled: false },
        { id: "c5", localAttributes: { platform: "kubernetes", cluster: "eu-1" } },
      ],
    });
    const loaded = await loadPipelines(examples);
    const p = await plan(loaded.specs);
    const local = await previewCollectors(h.client, p);
    const server = await previewCollectors(h.client, p, { strategy: "server" });
    const reach = Object.fromEntries(local.pipelines.map((r) => [r.name, r.collectors]));
    expect(reach).toEqual({ journal_logs: 2, k8s_pod_metrics: 1, node_metrics: 2, otlp_gateway: 0, windows_metrics: 1 });
    expect(server.pipelines).toEqual(local.pipelines);
    expect(local.totalCollectors).toBe(4);
  });

  it("exports a scope so that a plan on the exported folder shows no change", async () => {
    await syncPipelines(h.client, { dir: examples, scope });
    const dir = await mkdtemp(join(tmpdir(), "fleet-export-"));
    try {
      const out = await exportPipelines(h.client, { dir, scope });
      expect(out.pipelines).toHaveLength(5);
      expect(out.files).toContain("otlp_gateway.otel.yaml");
      const loaded = await loadPipelines(dir);
      const p = await plan(loaded.specs);
      expect(p.counts).toMatchObject({ create: 0, update: 0, delete: 0, takeover: 0, noop: 5 });
      await expect(exportPipelines(h.client, { dir, scope })).rejects.toThrow(/already exists/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
