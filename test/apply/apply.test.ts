import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { ApplyError, applyPlan, validatePipelines, type ApplyProgress } from "../../src/apply/index.js";
import type { PipelineSpec, SourceScope } from "../../src/pipelines/index.js";
import { SafetyCheckError, planSync, type SyncPolicy } from "../../src/plan/index.js";
import { GIT, GRAFANA, TERRAFORM, fakeService, type FakeService } from "./fake-service.js";

const scope: SourceScope = { type: "git", namespace: "repo" };

function spec(name: string, contents = `// ${name}\n`, extra: Partial<PipelineSpec> = {}): PipelineSpec {
  return { name, contents, matchers: ['collector.os="linux"'], ...extra };
}

async function planFor(svc: FakeService, desired: PipelineSpec[], policy?: SyncPolicy) {
  const remote = (await svc.client.pipelines.listPipelines({})).pipelines;
  svc.calls.length = 0;
  return planSync({ desired, remote, scope, ...(policy ? { policy } : {}) });
}

/** keep (noop), change (update), gone (delete); other scopes: tf (terraform), ui (grafana). */
function seeded(): FakeService {
  const svc = fakeService();
  const git = { type: GIT, namespace: "repo" };
  svc.seed({ name: "keep", contents: "// keep\n", matchers: ['collector.os="linux"'], source: git });
  svc.seed({ name: "change", contents: "// old\n", matchers: ['collector.os="linux"'], source: git });
  svc.seed({ name: "gone", source: git });
  svc.seed({ name: "tf", source: { type: TERRAFORM, namespace: "infra" } });
  svc.seed({ name: "other-ns", source: { type: GIT, namespace: "another-repo" } });
  return svc;
}

const desired = [spec("keep"), spec("change", "// new\n"), spec("fresh")];

function outOfScope(svc: FakeService) {
  return svc
    .pipelines()
    .filter((p) => !(p.source?.type === GIT && p.source.namespace === "repo"))
    .map((p) => [p.name, p.id, p.contents]);
}

describe("applyPlan, sync mode", () => {
  it("sends one SyncPipelines with every desired pipeline, then verifies", async () => {
    const svc = seeded();
    const before = outOfScope(svc);
    const plan = await planFor(svc, desired);
    const result = await applyPlan(svc.client, plan, { mode: "sync" });
    // List, sync, read back, and the stack's history to check that no other writer's work was replaced.
    expect(svc.calls.map((c) => c.method)).toEqual(["ListPipelines", "SyncPipelines", "ListPipelines", "ListPipelinesRevisions"]);
    expect(result.changes).toEqual({ created: ["fresh"], updated: ["change"], deleted: ["gone"], takenOver: [] });
    expect(result.unchanged).toBe(1);
    expect(result.calls).toEqual({ total: 4, byMethod: { ListPipelines: 2, ListPipelinesRevisions: 1, SyncPipelines: 1 } });
    expect(result.historyCheck).toBe("stack");
    expect(result.overwritten).toEqual([]);
    expect(result.verification).toEqual({ ok: true, missing: [], unexpected: [], different: [] });
    expect(outOfScope(svc)).toEqual(before);
    expect(svc.pipelines().find((p) => p.name === "change")?.contents).toBe("// new\n");
  });

  it("makes no write when the plan has nothing to do", async () => {
    const svc = seeded();
    await applyPlan(svc.client, await planFor(svc, desired));
    const again = await planFor(svc, desired);
    const result = await applyPlan(svc.client, again);
    expect(svc.calls.map((c) => c.method)).toEqual(["ListPipelines", "ListPipelines"]);
    expect(result.ok).toBe(true);
    expect(result.changes).toEqual({ created: [], updated: [], deleted: [], takenOver: [] });
  });

  it("reports a failed sync as one failure and throws APPLY_FAILED", async () => {
    const svc = seeded();
    const plan = await planFor(svc, desired);
    svc.failWhen((c) => (c.method === "SyncPipelines" ? new ConnectError("limit reached", Code.ResourceExhausted) : undefined));
    const err = await applyPlan(svc.client, plan).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplyError);
    const e = err as ApplyError;
    expect(e.code).toBe("APPLY_FAILED");
    expect(e.result?.failures).toEqual([{ action: "sync", code: "resource_exhausted", message: "limit reached" }]);
    expect(e.result?.changes).toEqual({ created: [], updated: [], deleted: [], takenOver: [] });
    expect(e.result?.verification?.ok).toBe(false);
  });
});

describe("applyPlan, fallback mode", () => {
  it("creates and updates first, then deletes with one bulk call after a fresh listing", async () => {
    const svc = seeded();
    const before = outOfScope(svc);
    const plan = await planFor(svc, desired);
    const progress: ApplyProgress[] = [];
    const result = await applyPlan(svc.client, plan, { mode: "fallback", onProgress: (p) => progress.push(p) });
    const calls = svc.calls.map((c) => c.method + (c.key ? `:${c.key}` : ""));
    expect(calls.slice(0, 6)).toEqual([
      "ListPipelines",
      "UpdatePipeline:change",
      "CreatePipeline:fresh",
      "ListPipelines",
      "BulkDeletePipelines",
      "ListPipelines",
    ]);
    // Three writes: the stack's history in one call.
    expect(calls.slice(6)).toEqual(["ListPipelinesRevisions"]);
    expect(result.historyCheck).toBe("stack");
    expect(result.deleteStrategy).toBe("bulk");
    expect(result.changes).toEqual({ created: ["fresh"], updated: ["change"], deleted: ["gone"], takenOver: [] });
    expect(result.verification?.ok).toBe(true);
    expect(outOfScope(svc)).toEqual(before);
    expect(progress.at(-1)).toMatchObject({ done: 3, total: 3 });
    expect(progress.map((p) => p.action).sort()).toEqual(["create", "delete", "update"]);
    // The scope is the written source.
    const fresh = svc.pipelines().find((p) => p.name === "fresh");
    expect([fresh?.source?.type, fresh?.source?.namespace]).toEqual([GIT, "repo"]);
  });

  it("deletes one by one when BulkDeletePipelines is unimplemented; one already gone is not reported as this run's delete", async () => {
    const svc = seeded();
    svc.seed({ name: "gone2", source: { type: GIT, namespace: "repo" } });
    const plan = await planFor(svc, desired);
    svc.bulkDeleteImplemented = false;
    const goneId = svc.pipelines().find((p) => p.name === "gone")!.id!;
    // Someone else deletes "gone" while we delete: DeletePipeline answers not_found.
    svc.failWhen((c) => (c.method === "DeletePipeline" && c.key === goneId ? new ConnectError("no such pipeline", Code.NotFound) : undefined));
    const result = await applyPlan(svc.client, plan, { mode: "fallback", verify: false });
    expect(result.deleteStrategy).toBe("each");
    expect(result.changes.deleted).toEqual(["gone2"]);
    expect(result.alreadyDone).toContain("gone");
    expect(result.calls.byMethod).toMatchObject({ BulkDeletePipelines: 1, DeletePipeline: 2 });
    expect(result.failures).toEqual([]);
  });

  it("keeps going after a failed create, holds the deletes back, reports exactly what failed, and converges on rerun", async () => {
    const svc = seeded();
    const many = [...desired, spec("a1"), spec("a2"), spec("a3")];
    const plan = await planFor(svc, many);
    svc.failWhen((c) => (c.method === "CreatePipeline" && c.key === "a2" ? new ConnectError("backend down", Code.Unavailable) : undefined));
    const err = (await applyPlan(svc.client, plan, { mode: "fallback", concurrency: 2 }).catch((e: unknown) => e)) as ApplyError;
    expect(err).toBeInstanceOf(ApplyError);
    expect(err.code).toBe("APPLY_FAILED");
    expect(err.result?.failures).toEqual([{ action: "create", name: "a2", code: "unavailable", message: "backend down", outcomeUnknown: true }]);
    expect(err.result?.changes.created).toEqual(["a1", "a3", "fresh"]);
    // The delete waits: with a create missing, deleting could leave collectors with less.
    expect(err.result?.changes.deleted).toEqual([]);
    expect(err.result?.skipped.map((s) => [s.name, s.action])).toEqual([["gone", "delete"]]);
    expect(svc.pipelines().some((p) => p.name === "gone")).toBe(true);
    expect(err.result?.verification?.missing).toEqual(["a2"]);
    expect(err.message).toContain("a2");
    // The create got no answer: it was settled by reading the name back, never repeated.
    expect(svc.calls.filter((c) => c.method === "CreatePipeline" && c.key === "a2")).toHaveLength(1);
    expect(svc.calls.some((c) => c.method === "GetPipelineID" && c.key === "a2")).toBe(true);

    svc.failWhen(() => undefined);
    svc.calls.length = 0;
    const rerun = await applyPlan(svc.client, plan, { mode: "fallback" });
    expect(svc.calls.filter((c) => c.method === "CreatePipeline").map((c) => c.key)).toEqual(["a2"]);
    expect(svc.calls.filter((c) => c.method === "BulkDeletePipelines")).toHaveLength(1);
    expect(rerun.alreadyDone).toEqual(["a1", "a3", "change", "fresh"]);
    expect(rerun.changes).toMatchObject({ created: ["a2"], deleted: ["gone"] });
    expect(rerun.verification?.ok).toBe(true);
  });

  it("checks one write against that pipeline's own history, several against the stack's", async () => {
    const svc = seeded();
    const gone = { name: "gone", contents: "// gone\n" };
    const plan = await planFor(svc, [spec("keep"), spec("change", "// new\n"), gone]);
    const result = await applyPlan(svc.client, plan, { mode: "fallback" });
    expect(result.historyCheck).toBe("pipeline");
    expect(svc.calls.filter((c) => c.method.startsWith("ListPipeline") && c.method.includes("Revisions")).map((c) => `${c.method}:${c.key}`)).toEqual([
      `ListPipelineRevisions:${svc.pipelines().find((p) => p.name === "change")!.id}`,
    ]);
    const off = await applyPlan(svc.client, await planFor(svc, [spec("keep"), spec("change", "// newer\n"), gone]), { mode: "fallback", historyCheck: "off" });
    expect(off.historyCheck).toBeUndefined();
    expect(svc.calls.some((c) => c.method.includes("Revisions"))).toBe(false);
  });

  it("takes over an allowed pipeline made by hand, moving it into the scope", async () => {
    const svc = seeded();
    svc.seed({ name: "handmade", source: { type: GRAFANA, namespace: "" } });
    const plan = await planFor(svc, [...desired, spec("handmade", "// from git\n")], { allowTakeover: ["handmade"] });
    expect(plan.blocked).toBe(false);
    const result = await applyPlan(svc.client, plan, { mode: "fallback" });
    expect(result.changes.takenOver).toEqual(["handmade"]);
    const p = svc.pipelines().find((x) => x.name === "handmade");
    expect([p?.source?.type, p?.contents]).toEqual([GIT, "// from git\n"]);
  });
});

describe("applyPlan, refusals", () => {
  it("refuses a concurrency that would start no worker, before any write", async () => {
    for (const concurrency of [0, Number.NaN, 1.5]) {
      const svc = seeded();
      const plan = await planFor(svc, desired);
      await expect(applyPlan(svc.client, plan, { mode: "fallback", concurrency })).rejects.toThrow(/concurrency must be an integer >= 1/);
      expect(svc.calls.map((c) => c.method)).toEqual(["ListPipelines"]);
      await expect(validatePipelines(svc.client, desired, { concurrency })).rejects.toThrow(/concurrency/);
    }
  });

  it("refuses a blocked plan before any call", async () => {
    const svc = seeded();
    svc.seed({ name: "handmade", source: { type: GRAFANA, namespace: "" } });
    const plan = await planFor(svc, [spec("handmade")]);
    expect(plan.blocked).toBe(true);
    await expect(applyPlan(svc.client, plan)).rejects.toBeInstanceOf(SafetyCheckError);
    expect(svc.calls).toEqual([]);
  });

  it("refuses a plan whose remote changed (STALE_PLAN), and applies it with force", async () => {
    for (const mode of ["sync", "fallback"] as const) {
      const svc = seeded();
      const plan = await planFor(svc, desired);
      svc.seed({ name: "tf2", source: { type: TERRAFORM, namespace: "infra" } });
      const err = (await applyPlan(svc.client, plan, { mode }).catch((e: unknown) => e)) as ApplyError;
      expect(err).toBeInstanceOf(ApplyError);
      expect(err.code).toBe("STALE_PLAN");
      expect(err.finding?.code).toBe("STALE_PLAN");
      expect(svc.calls.map((c) => c.method)).toEqual(["ListPipelines"]);
      const forced = await applyPlan(svc.client, plan, { mode, force: true });
      expect(forced.verification?.ok).toBe(true);
      expect(svc.pipelines().some((p) => p.name === "tf2")).toBe(true);
    }
  });

  it("never takes over a pipeline the plan did not allow, even with force", async () => {
    const svc = seeded();
    const plan = await planFor(svc, desired);
    svc.seed({ name: "fresh", source: { type: GRAFANA, namespace: "" } });
    const err = (await applyPlan(svc.client, plan, { force: true }).catch((e: unknown) => e)) as ApplyError;
    expect(err.code).toBe("STALE_PLAN");
    expect(err.message).toContain("fresh");
    expect(svc.calls.map((c) => c.method)).toEqual(["ListPipelines"]);
  });

  it("throws VERIFY_FAILED with the differences when the read-back does not match", async () => {
    const svc = seeded();
    const plan = await planFor(svc, desired);
    const result = applyPlan(svc.client, plan, { mode: "fallback" });
    // Someone rewrites "keep" between our writes and the read-back.
    svc.failWhen((c) => {
      if (c.method === "ListPipelines" && svc.calls.filter((x) => x.method === "ListPipelines").length === 2) {
        svc.seed({ name: "keep", contents: "// edited in the UI\n", matchers: ['collector.os="linux"'], source: { type: GIT, namespace: "repo" } });
      }
      return undefined;
    });
    const err = (await result.catch((e: unknown) => e)) as ApplyError;
    expect(err.code).toBe("VERIFY_FAILED");
    expect(err.result?.verification?.different.map((d) => [d.name, d.diff.map((x) => x.field)])).toEqual([["keep", ["contents"]]]);
  });

  it("stops starting writes when aborted and throws APPLY_ABORTED with what was done", async () => {
    const svc = seeded();
    const plan = await planFor(svc, [...desired, spec("a1"), spec("a2"), spec("a3")]);
    const controller = new AbortController();
    const err = (await applyPlan(svc.client, plan, {
      mode: "fallback",
      concurrency: 1,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 2) controller.abort();
      },
    }).catch((e: unknown) => e)) as ApplyError;
    expect(err.code).toBe("APPLY_ABORTED");
    // Writes go one at a time (concurrency 1): after the second, nothing more starts, and the delete (last) never runs.
    expect(svc.calls.filter((c) => c.method === "CreatePipeline" || c.method === "UpdatePipeline")).toHaveLength(2);
    expect(err.result?.changes.deleted).toEqual([]);
    expect(err.result?.verification).toBeUndefined();
  });

  it("measures duration with the injected clock", async () => {
    const svc = seeded();
    const plan = await planFor(svc, desired);
    let t = 1000;
    const result = await applyPlan(svc.client, plan, { now: () => (t += 250) });
    expect(result.durationMs).toBe(250);
  });
});

describe("validatePipelines", () => {
  it("asks the service with validate_only and stores nothing", async () => {
    const svc = seeded();
    const before = svc.pipelines().map((p) => [p.name, p.contents]);
    const results = await validatePipelines(svc.client, [spec("ok1", "// x\n", { file: "a/ok1.yaml" }), spec("bad", "")], { scope });
    expect(results).toEqual([
      { name: "ok1", file: "a/ok1.yaml", ok: true },
      { name: "bad", ok: false, code: "invalid_argument", message: "contents is required" },
    ]);
    expect(svc.pipelines().map((p) => [p.name, p.contents])).toEqual(before);
  });
});
