// Issue "Safe against other writers and lost answers": one named regression
// test per hole. Another writer acts through the emulator's beforeRequest
// hook, that is between two of our calls, exactly where the API gives no
// protection; answers are lost with the emulator's `drop_after` fault.
import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PipelineSchema, PipelineSource_SourceType, ConfigType, type Pipeline } from "../../gen/pipeline/v1/pipeline_pb.js";
import { ApplyError, applyPlan, syncPipelines } from "../../src/apply/index.js";
import type { EmulatorStore, PipelineJson, RequestLogEntry } from "../../src/emulator/index.js";
import { remoteFromPipeline, type PipelineSpec, type SourceScope } from "../../src/pipelines/index.js";
import { checkStale, planSync, type SyncPlan } from "../../src/plan/index.js";
import { startHarness, type Harness } from "../apply/harness.js";

const SCOPE: SourceScope = { type: "git", namespace: "repo" };
const GIT = { type: PipelineSource_SourceType.GIT, namespace: "repo" };
const TERRAFORM = { type: PipelineSource_SourceType.TERRAFORM, namespace: "infra" };

let h: Harness;
/** The other writer: runs once, before the first call whose method it names (after `after` such calls). */
let hook: { method: string; after: number; times: number; act: (store: EmulatorStore) => void | "empty" } | undefined;
let seen = 0;

beforeAll(async () => {
  h = await startHarness({
    beforeRequest: (entry: Readonly<RequestLogEntry>, store: EmulatorStore) => {
      if (hook === undefined || entry.method !== hook.method) return undefined;
      if (seen++ < hook.after) return undefined;
      const act = hook.act;
      if (--hook.times <= 0) hook = undefined;
      return act(store);
    },
  });
});
afterAll(async () => {
  await h.stop();
});
beforeEach(() => {
  hook = undefined;
  seen = 0;
  h.emulator.setFaults(undefined);
  h.emulator.reset();
});

/** Acts before the `after`-th next call of `method` (0: the next), on `times` calls in a row. */
function otherWriter(method: string, act: (store: EmulatorStore) => void | "empty", after = 0, times = 1): void {
  hook = { method, after, times, act };
  seen = 0;
}

const msg = (name: string, contents: string, source?: { type: PipelineSource_SourceType; namespace: string }, extra: { id?: string | undefined } = {}): Pipeline =>
  create(PipelineSchema, { name, contents, matchers: ['team="a"'], enabled: true, configType: ConfigType.ALLOY, ...(source ? { source } : {}), ...extra });

const spec = (name: string, contents = `// ${name}\n`): PipelineSpec => ({ name, contents, matchers: ['team="a"'] });

async function seedScope(names: string[]): Promise<void> {
  for (const n of names) h.emulator.seed({ pipelines: [{ name: n, contents: `// ${n}\n`, matchers: ['team="a"'], enabled: true, source: { type: "git", namespace: "repo" } }] });
}

async function planNow(desired: PipelineSpec[], policy = {}): Promise<SyncPlan> {
  const res = await h.client.pipelines.listPipelines({});
  // Plans made apart carry the listing's time, as the CLI's do.
  return planSync({ desired, remote: res.pipelines, scope: SCOPE, policy, listedAt: new Date(Date.now() - 1000).toISOString() });
}

const byName = (name: string): PipelineJson | undefined => h.emulator.state().pipelines.find((p) => p.name === name);

async function applyError(p: Promise<unknown>): Promise<ApplyError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplyError);
  return err as ApplyError;
}

describe("point 4: a stale plan is always refused", () => {
  it.each(["sync", "fallback"] as const)("a change and its revert between plan and apply is detected (%s)", async (mode) => {
    await seedScope(["a", "b"]);
    const plan = await planNow([spec("a", "// new a\n"), spec("b")]);
    otherWriter("ListPipelines", (s) => {
      const b = s.listPipelines().find((p) => p.name === "b")!;
      s.updatePipeline(msg("b", "// edited\n", GIT, { id: b.id }));
      s.updatePipeline(msg("b", "// b\n", GIT, { id: b.id }));
    });
    const err = await applyError(applyPlan(h.client, plan, { mode }));
    expect(err.code).toBe("STALE_PLAN");
    expect(err.finding?.names).toEqual(["b"]);
    expect(byName("a")?.contents).toBe("// a\n");
  });

  it("re-running an old saved plan after a newer apply never rolls the newer state back", async () => {
    await seedScope(["a"]);
    const first = await planNow([spec("a"), spec("x")]);
    await applyPlan(h.client, first);
    const second = await planNow([spec("a")]);
    await applyPlan(h.client, second);
    expect(byName("x")).toBeUndefined();
    // The service is the first plan's snapshot again; only the history tells that x was made and removed since.
    const err = await applyError(applyPlan(h.client, first, { mode: "fallback" }));
    expect(err.code).toBe("STALE_PLAN");
    expect(err.finding?.names).toContain("x");
    expect(byName("x")).toBeUndefined();
  });

  it("checkStale and applyPlan decide alike: a planned delete done by someone else is progress, an edit is not", async () => {
    await seedScope(["a", "gone"]);
    const plan = await planNow([spec("a", "// new\n")]);
    const goneId = byName("gone")!.id!;
    await h.client.pipelines.deletePipeline({ id: goneId });
    const now = (await h.client.pipelines.listPipelines({})).pipelines;
    expect(checkStale(plan, now)).toBeUndefined();
    const result = await applyPlan(h.client, plan, { mode: "fallback" });
    expect(result.alreadyDone).toEqual(["gone"]);
    expect(result.changes.updated).toEqual(["a"]);

    const plan2 = await planNow([spec("a", "// newer\n")]);
    const a = byName("a")!;
    await h.client.pipelines.updatePipeline({ pipeline: msg("a", "// someone\n", GIT, { id: a.id! }) });
    const now2 = (await h.client.pipelines.listPipelines({})).pipelines;
    expect(checkStale(plan2, now2)?.names).toEqual(["a"]);
    expect((await applyError(applyPlan(h.client, plan2))).code).toBe("STALE_PLAN");
  });

  it("resuming a plan that was partly applied keeps working", async () => {
    await seedScope(["a", "b", "c"]);
    const plan = await planNow([spec("a", "// a2\n"), spec("b", "// b2\n"), spec("d")]);
    h.emulator.setFaults({ rate: 1, kinds: ["unavailable"], methods: ["UpdatePipeline"] });
    const { createFleetClient } = await import("../../src/client/index.js");
    const fragile = createFleetClient({ baseUrl: h.emulator.url, rateLimit: false, retry: false });
    const failed = await applyError(applyPlan(fragile, plan, { mode: "fallback" }));
    expect(failed.code).toBe("APPLY_FAILED");
    expect(failed.result?.changes.created).toEqual(["d"]);
    expect(failed.result?.skipped.map((s) => s.name)).toEqual(["c"]);
    h.emulator.setFaults(undefined);
    const resumed = await applyPlan(h.client, plan, { mode: "fallback" });
    expect(resumed.alreadyDone).toEqual(["d"]);
    expect(resumed.changes).toMatchObject({ updated: ["a", "b"], deleted: ["c"] });
    expect(resumed.verification?.ok).toBe(true);
  });
});

describe("point 5: a create never overwrites", () => {
  it("fallback: a name another team made after our listing stays untouched, and the run fails for it", async () => {
    const plan = await planNow([spec("new1"), spec("new2")]);
    otherWriter("CreatePipeline", (s) => {
      s.createPipeline(msg("new2", "// terraform's\n", TERRAFORM));
    });
    const err = await applyError(applyPlan(h.client, plan, { mode: "fallback" }));
    expect(err.code).toBe("APPLY_FAILED");
    expect(err.result?.failures).toEqual([expect.objectContaining({ name: "new2", action: "create", code: "already_exists" })]);
    expect(err.result?.changes.created).toEqual(["new1"]);
    expect(byName("new2")).toMatchObject({ contents: "// terraform's\n", source: { type: "SOURCE_TYPE_TERRAFORM" } });
  });

  it("fallback: a create that got no answer is settled by reading the name back, never repeated", async () => {
    const plan = await planNow([spec("new1")]);
    h.emulator.setFaults({ rate: 1, kinds: ["drop_after"], methods: ["CreatePipeline"] });
    const result = await applyPlan(h.client, plan, { mode: "fallback" });
    h.emulator.setFaults(undefined);
    expect(result.changes.created).toEqual(["new1"]);
    expect(h.emulator.requests().filter((r) => r.method === "CreatePipeline")).toHaveLength(1);
    expect(h.emulator.requests().some((r) => r.method === "GetPipelineID")).toBe(true);
  });

  it("sync: a name another writer made between our listing and the sync is reported with its previous content", async () => {
    await seedScope(["a"]);
    const plan = await planNow([spec("a"), spec("fresh")]);
    otherWriter("SyncPipelines", (s) => {
      s.createPipeline(msg("fresh", "// made by hand\n"));
    });
    const err = await applyError(applyPlan(h.client, plan, { mode: "sync" }));
    expect(err.code).toBe("OVERWRITE_DETECTED");
    expect(err.message).toContain("fresh");
    expect(err.result?.overwritten).toEqual([expect.objectContaining({ name: "fresh", action: "create" })]);
    expect(err.result?.overwritten[0]?.previous?.spec.contents).toBe("// made by hand\n");
    expect(err.result?.overwritten[0]?.previous?.source).toBeUndefined();
  });
});

describe("point 6: a failed apply never leaves collectors with less configuration", () => {
  async function collectorConfig(): Promise<string> {
    return (await h.client.collectors.getConfig({ id: "c1", localAttributes: { team: "a" } })).content;
  }

  it("a rename whose create fails keeps the old pipeline (no delete), and says the delete was held back", async () => {
    await h.client.collectors.registerCollector({ id: "c1", name: "c1", localAttributes: { team: "a" } });
    await seedScope(["old_name"]);
    const before = await collectorConfig();
    expect(before).toContain("old_name");
    const plan = await planNow([spec("new_name", "// old_name\n")]);
    h.emulator.setFaults({ rate: 1, kinds: ["unavailable"], methods: ["CreatePipeline"] });
    const err = await applyError(applyPlan(h.client, plan, { mode: "fallback" }));
    h.emulator.setFaults(undefined);
    expect(err.code).toBe("APPLY_FAILED");
    expect(err.result?.skipped).toEqual([expect.objectContaining({ name: "old_name", action: "delete" })]);
    expect(await collectorConfig()).toBe(before);
  });

  it("deletes first only as many pipelines as the limit needs, and says so", async () => {
    h.emulator.reset();
    const small = await startHarness({ pipelineLimit: 3 });
    try {
      small.emulator.seed({
        pipelines: ["a", "b", "c"].map((n) => ({ name: n, contents: `// ${n}\n`, enabled: true, source: { type: "git" as const, namespace: "repo" } })),
      });
      const remote = (await small.client.pipelines.listPipelines({})).pipelines;
      // Swap two of three: 2 creates, 2 deletes on a full stack of 3.
      const plan = planSync({ desired: [spec("a"), spec("d"), spec("e")], remote, scope: SCOPE, limit: 3 });
      expect(plan.blocked).toBe(false);
      const result = await applyPlan(small.client, plan, { mode: "fallback" });
      expect(result.deletedFirst).toEqual(["b", "c"]);
      expect(result.verification?.ok).toBe(true);

      const remote2 = (await small.client.pipelines.listPipelines({})).pipelines;
      const plan2 = planSync({ desired: [spec("a"), spec("d"), spec("f")], remote: remote2, scope: SCOPE, limit: 4 });
      const result2 = await applyPlan(small.client, plan2, { mode: "fallback" }).catch((e: ApplyError) => e.result!);
      // With room for the create, the delete waits until after it.
      expect(result2.deletedFirst).toBeUndefined();
    } finally {
      await small.stop();
    }
  });
});

describe("point 8: sync and fallback end in the same state; a no-op is never rewritten", () => {
  it("a pipeline the plan calls unchanged is sent exactly as stored: no revision, no updatedAt change", async () => {
    // Stored in a form that differs from ours only in spelling: CRLF, matcher order, no config type.
    h.emulator.seed({
      pipelines: [
        { name: "same", contents: "// same\r\n", matchers: ['env="prod"', 'team="a"'], enabled: true, source: { type: "git", namespace: "repo" } },
        { name: "other", contents: "// other\n", enabled: true, source: { type: "git", namespace: "repo" } },
      ],
    });
    const before = byName("same")!;
    const revisionsBefore = h.emulator.state().revisions.length;
    const plan = await planNow([{ name: "same", contents: "// same\n", matchers: ['team="a"', 'env="prod"'] }, spec("other", "// changed\n")]);
    expect(plan.actions.find((a) => a.name === "same")?.kind).toBe("noop");
    await applyPlan(h.client, plan, { mode: "sync" });
    expect(byName("same")).toEqual(before);
    const newRevisions = h.emulator.state().revisions.slice(revisionsBefore).map((r) => r.snapshot?.name);
    expect(newRevisions).toEqual(["other"]);
  });
});

describe("point 10: every write is checked after the fact", () => {
  it("a colleague's edit between our listing and our update is reported with its content (fallback)", async () => {
    await seedScope(["shared"]);
    const plan = await planNow([spec("shared", "// ours\n")]);
    otherWriter("UpdatePipeline", (s) => {
      const p = s.listPipelines().find((x) => x.name === "shared")!;
      s.updatePipeline(msg("shared", "// colleague's fix\n", GIT, { id: p.id }));
    });
    const err = await applyError(applyPlan(h.client, plan, { mode: "fallback" }));
    expect(err.code).toBe("OVERWRITE_DETECTED");
    expect(err.result?.overwritten).toEqual([expect.objectContaining({ name: "shared", action: "update" })]);
    expect(err.result?.overwritten[0]?.previous?.spec.contents).toBe("// colleague's fix\n");
  });

  it("a pipeline moved out of the scope between our listing and the delete is not deleted (fallback)", async () => {
    await seedScope(["keep", "drop"]);
    const plan = await planNow([spec("keep", "// keep v2\n")]);
    otherWriter("ListPipelines", (s) => {
      const p = s.listPipelines().find((x) => x.name === "drop")!;
      s.updatePipeline(msg("drop", "// drop\n", { type: PipelineSource_SourceType.GIT, namespace: "elsewhere" }, { id: p.id }));
    }, 1);
    const err = await applyError(applyPlan(h.client, plan, { mode: "fallback" }));
    expect(byName("drop")?.source).toEqual({ type: "SOURCE_TYPE_GIT", namespace: "elsewhere" });
    expect(err.result?.failures).toEqual([expect.objectContaining({ name: "drop", action: "delete", code: "changed" })]);
  });

  it("one listing answered empty by a flaky gateway is read again, and the takeover is blocked as usual", async () => {
    await h.client.pipelines.createPipeline({ pipeline: msg("shared_name", "// terraform\n", TERRAFORM) });
    otherWriter("ListPipelines", () => "empty");
    await expect(syncPipelines(h.client, { desired: [spec("shared_name", "// git\n")], scope: SCOPE, limit: 10 })).rejects.toMatchObject({
      code: "SAFETY_CHECK",
    });
    expect(byName("shared_name")?.contents).toBe("// terraform\n");
  });

  it("listings answered empty twice in a row do not take over a Terraform pipeline silently (sync)", async () => {
    await h.client.pipelines.createPipeline({ pipeline: msg("shared_name", "// terraform\n", TERRAFORM) });
    otherWriter("ListPipelines", () => "empty", 0, 2);
    const err = await applyError(syncPipelines(h.client, { desired: [spec("shared_name", "// git\n")], scope: SCOPE, limit: 10 }));
    expect(err.code).toBe("OVERWRITE_DETECTED");
    expect(err.result?.overwritten[0]).toMatchObject({ name: "shared_name", previous: { source: { type: "terraform", namespace: "infra" } } });
    expect(err.result?.overwritten[0]?.previous?.spec.contents).toBe("// terraform\n");
  });

  it("a taken-over name with no earlier history is still reported (the write was an update, not a create)", async () => {
    h.emulator.seed({ pipelines: [{ name: "seeded", contents: "// no history\n", enabled: true, source: { type: "terraform", namespace: "infra" } }] });
    otherWriter("ListPipelines", () => "empty", 0, 2);
    const err = await applyError(syncPipelines(h.client, { desired: [spec("seeded", "// git\n")], scope: SCOPE, limit: 10 }));
    expect(err.code).toBe("OVERWRITE_DETECTED");
    expect(err.result?.overwritten).toEqual([{ name: "seeded", id: expect.any(String), action: "create" }]);
  });

  it("a pipeline moved out of the scope right before the bulk delete is reported as deleted with its state", async () => {
    await seedScope(["keep", "drop"]);
    const plan = await planNow([spec("keep")]);
    otherWriter("BulkDeletePipelines", (s) => {
      const p = s.listPipelines().find((x) => x.name === "drop")!;
      s.updatePipeline(msg("drop", "// drop\n", { type: PipelineSource_SourceType.GIT, namespace: "elsewhere" }, { id: p.id }));
    });
    const err = await applyError(applyPlan(h.client, plan, { mode: "fallback" }));
    expect(err.code).toBe("OVERWRITE_DETECTED");
    expect(err.result?.overwritten).toEqual([expect.objectContaining({ name: "drop", action: "delete" })]);
    expect(err.result?.overwritten[0]?.previous?.source).toEqual({ type: "git", namespace: "elsewhere" });
  });

  it("the previous state in the error can be written back as it was", async () => {
    await seedScope(["shared"]);
    const plan = await planNow([spec("shared", "// ours\n")]);
    otherWriter("UpdatePipeline", (s) => {
      const p = s.listPipelines().find((x) => x.name === "shared")!;
      s.updatePipeline(msg("shared", "// theirs\n", GIT, { id: p.id }));
    });
    const err = await applyError(applyPlan(h.client, plan, { mode: "fallback" }));
    const lost = err.result!.overwritten[0]!;
    const { pipelineMessageFromRemote } = await import("../../src/pipelines/index.js");
    await h.client.pipelines.updatePipeline({ pipeline: { ...pipelineMessageFromRemote(lost.previous!, SCOPE), id: lost.id } });
    expect(remoteFromPipeline((await h.client.pipelines.getPipeline({ id: lost.id }))).spec.contents).toBe("// theirs\n");
  });
});

describe("the CLI when another writer's work was replaced", () => {
  it("exits 1, names the pipeline in the text, and carries its previous state in --json", async () => {
    // The first run takes it over unseen (the listing came back empty twice); the second, after Terraform wrote it again, likewise.
    const { runCliInProcess, tempDir } = await import("../stress/cli-harness.js");
    const { mkdir, writeFile } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const dir = await tempDir("fleet-overwrite-");
    try {
      await mkdir(join(dir.path, "pipelines"));
      await writeFile(join(dir.path, "pipelines/shared.yaml"), "name: shared\nenabled: true\n");
      await writeFile(join(dir.path, "pipelines/shared.alloy"), "// git\n");
      await h.client.pipelines.createPipeline({ pipeline: msg("shared", "// terraform\n", TERRAFORM) });
      const env = { FLEET_URL: h.emulator.url };
      otherWriter("ListPipelines", () => "empty", 0, 2);
      const text = await runCliInProcess(["apply", "--dir", "pipelines", "--namespace", "repo", "--limit", "10"], env, dir.path);
      expect(text.code).toBe(1);
      expect(text.out + text.err).toContain("was overwritten by this apply's create");

      await h.client.pipelines.updatePipeline({ pipeline: msg("shared", "// terraform again\n", TERRAFORM, { id: byName("shared")!.id }) });
      otherWriter("ListPipelines", () => "empty", 0, 2);
      const json = await runCliInProcess(["apply", "--dir", "pipelines", "--namespace", "repo", "--limit", "10", "--json"], env, dir.path);
      expect(json.code).toBe(1);
      const body = JSON.parse(json.out);
      expect(body.error.code).toBe("OVERWRITE_DETECTED");
      expect(body.result.overwritten[0].previous.spec.contents).toBe("// terraform again\n");
    } finally {
      await dir.dispose();
    }
  });
});
