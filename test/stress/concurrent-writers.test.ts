// Concurrent writers: someone changes the scope between plan and apply (a
// colleague's job, a hand edit through the API). The apply must refuse with
// STALE_PLAN, write nothing, and leave the other writer's change as it is —
// in both modes, for a saved plan through the CLI, and for the rerun of a
// half-applied plan.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApplyError, applyPlan } from "../../src/apply/index.js";
import { createFleetClient, type FleetClient } from "../../src/client/index.js";
import { createPrng, startEmulator, type Emulator, type PipelineJson } from "../../src/emulator/index.js";
import { pipelineMessageFromSpec, normalizeSpec, remoteFromPipeline, type PipelineSpec } from "../../src/pipelines/index.js";
import { planSync, type SyncPlan } from "../../src/plan/index.js";
import { WRITE_METHODS } from "./convergence-run.js";
import { runCliInProcess, tempDir, writeFolder } from "./cli-harness.js";
import { makeScenario, SCOPE } from "./scenario.js";

let emulator: Emulator;
let client: FleetClient;
/** The other writer: its own client, as another CI job would have. */
let colleague: FleetClient;

beforeAll(async () => {
  emulator = await startEmulator();
  const options = { baseUrl: emulator.url, rateLimit: false as const, retry: { initialDelayMs: 1, maxDelayMs: 5 } };
  client = createFleetClient(options);
  colleague = createFleetClient(options);
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(() => {
  emulator.setFaults(undefined);
  emulator.reset();
});

const spec = (name: string, revision: number, extra: Partial<PipelineSpec> = {}): PipelineSpec => ({
  name,
  contents: `// ${name} revision ${revision}\n`,
  matchers: ['team="platform"'],
  ...extra,
});

const START: PipelineSpec[] = [spec("keep", 1), spec("change", 1), spec("drop", 1)];
const DESIRED: PipelineSpec[] = [spec("keep", 1), spec("change", 2), spec("fresh", 1)];

async function seedScope(specs: PipelineSpec[]): Promise<void> {
  for (const s of specs) await client.pipelines.upsertPipeline({ pipeline: pipelineMessageFromSpec(normalizeSpec(s), SCOPE) });
  emulator.seed({ pipelines: [{ name: "theirs", contents: "// terraform\n", source: { type: "terraform", namespace: "infra" } }] });
}

async function makePlan(desired: PipelineSpec[]): Promise<SyncPlan> {
  const remote = (await client.pipelines.listPipelines({})).pipelines.map(remoteFromPipeline);
  return planSync({ desired, remote, scope: SCOPE });
}

function writesSince(seq: number): string[] {
  return emulator.requests().filter((r) => r.seq > seq && WRITE_METHODS.has(r.method)).map((r) => r.method);
}

function lastSeq(): number {
  return emulator.requests().reduce((max, r) => Math.max(max, r.seq), 0);
}

const idOf = (name: string): string => emulator.state().pipelines.find((p) => p.name === name)!.id!;

const EDITS: [string, string, () => Promise<unknown>][] = [
  ["edits a pipeline the plan updates", "change", () => colleague.pipelines.upsertPipeline({ pipeline: pipelineMessageFromSpec(normalizeSpec(spec("change", 9)), SCOPE) })],
  ["edits a pipeline the plan leaves alone", "keep", () => colleague.pipelines.upsertPipeline({ pipeline: pipelineMessageFromSpec(normalizeSpec(spec("keep", 9, { enabled: false })), SCOPE) })],
  ["edits a pipeline the plan deletes", "drop", () => colleague.pipelines.upsertPipeline({ pipeline: pipelineMessageFromSpec(normalizeSpec(spec("drop", 9)), SCOPE) })],
  ["deletes a pipeline the plan updates", "change", () => colleague.pipelines.deletePipeline({ id: idOf("change") })],
  ["creates a pipeline the plan creates", "fresh", () => colleague.pipelines.upsertPipeline({ pipeline: pipelineMessageFromSpec(normalizeSpec(spec("fresh", 9)), SCOPE) })],
  ["adds a pipeline to the scope", "sneaked", () => colleague.pipelines.upsertPipeline({ pipeline: pipelineMessageFromSpec(normalizeSpec(spec("sneaked", 1)), SCOPE) })],
];

describe.each(["sync", "fallback"] as const)("%s: an edit between plan and apply", (mode) => {
  it.each(EDITS)("someone %s (%s): STALE_PLAN, nothing written, their edit kept", async (_what, name, edit) => {
    await seedScope(START);
    const plan = await makePlan(DESIRED);
    await edit();
    const edited = emulator.state().pipelines;
    const seq = lastSeq();

    const err = (await applyPlan(client, plan, { mode }).catch((e: unknown) => e)) as ApplyError;
    expect(err).toBeInstanceOf(ApplyError);
    expect(err.code).toBe("STALE_PLAN");
    expect(err.message).toContain(name);
    expect(err.result).toBeUndefined();
    expect(writesSince(seq)).toEqual([]);
    expect(emulator.state().pipelines).toEqual(edited);
  });
});

describe("a half-applied plan rerun after someone else's edit", () => {
  it("is refused too: the resume check accepts only the plan's own progress", async () => {
    const random = createPrng(99);
    const desired = Array.from({ length: 12 }, (_, i) => spec(`p${i}`, 1 + Math.floor(random() * 2)));
    await seedScope(desired.map((d) => ({ ...d, contents: "// old\n" })));
    const plan = await makePlan(desired);
    // Stop the fallback after a few writes.
    const controller = new AbortController();
    let seen = 0;
    await applyPlan(client, plan, {
      mode: "fallback",
      concurrency: 1,
      signal: controller.signal,
      onProgress: () => {
        if (++seen === 4) controller.abort();
      },
    }).catch(() => undefined);
    const pending = emulator.state().pipelines.filter((p) => p.contents === "// old\n").map((p) => p.name);
    expect(pending.length).toBeGreaterThan(0);
    // Someone edits one that is still to do.
    await colleague.pipelines.upsertPipeline({ pipeline: pipelineMessageFromSpec(normalizeSpec(spec(pending[0]!, 7)), SCOPE) });
    const edited = emulator.state().pipelines;
    const seq = lastSeq();

    const err = (await applyPlan(client, plan, { mode: "fallback" }).catch((e: unknown) => e)) as ApplyError;
    expect(err).toBeInstanceOf(ApplyError);
    expect(err.code).toBe("STALE_PLAN");
    expect(err.message).toContain(pending[0]!);
    expect(writesSince(seq)).toEqual([]);
    expect(emulator.state().pipelines).toEqual(edited);
  });
});

describe("random scenarios, one random edit in the scope", () => {
  it.each([31, 32, 33, 34, 35, 36])("seed %i: refused in both modes, the edit kept", async (seed) => {
    let scenario = makeScenario(seed);
    for (let s = seed; scenario.initial.filter((p) => p.source?.namespace === "ci" && p.source.type === "git").length === 0; ) scenario = makeScenario(++s * 100);
    const random = createPrng(seed);
    emulator.seed({ pipelines: scenario.initial });
    const remote = (await client.pipelines.listPipelines({})).pipelines.map(remoteFromPipeline);
    const plan = planSync({ desired: scenario.desired, remote, scope: scenario.scope, policy: scenario.policy });
    const scoped = emulator.state().pipelines.filter((p) => p.source?.type === "SOURCE_TYPE_GIT" && p.source.namespace === "ci");
    const victim = scoped[Math.floor(random() * scoped.length)]!;
    await colleague.pipelines.upsertPipeline({
      pipeline: pipelineMessageFromSpec(normalizeSpec({ name: victim.name, contents: "// edited by a colleague\n" }), SCOPE),
    });
    const edited: PipelineJson[] = emulator.state().pipelines;
    for (const mode of ["sync", "fallback"] as const) {
      const seq = lastSeq();
      const err = (await applyPlan(client, plan, { mode }).catch((e: unknown) => e)) as ApplyError;
      expect(err.code).toBe("STALE_PLAN");
      expect(err.message).toContain(victim.name);
      expect(writesSince(seq)).toEqual([]);
      expect(emulator.state().pipelines).toEqual(edited);
    }
  });
});

describe("through the CLI: plan --out, an edit, apply --plan", () => {
  it("exits 3 with STALE_PLAN naming the pipeline and writes nothing; --force applies on purpose", async () => {
    const dir = await tempDir("fleet-stale-");
    try {
      await seedScope(START);
      await writeFolder(`${dir.path}/pipelines`, DESIRED);
      const env = { FLEET_URL: emulator.url };
      const plan = await runCliInProcess(["plan", "--dir", "pipelines", "--namespace", "ci", "--out", "plan.json"], env, dir.path);
      expect(plan.code).toBe(0);
      await colleague.pipelines.upsertPipeline({ pipeline: pipelineMessageFromSpec(normalizeSpec(spec("change", 9)), SCOPE) });
      const edited = emulator.state().pipelines;
      const seq = lastSeq();

      for (const mode of ["sync", "fallback"]) {
        const apply = await runCliInProcess(["apply", "--plan", "plan.json", "--mode", mode], env, dir.path);
        expect(apply.code).toBe(3);
        expect(apply.err).toMatch(/changed since the plan/);
        expect(apply.err).toContain("change");
        expect(writesSince(seq)).toEqual([]);
        expect(emulator.state().pipelines).toEqual(edited);
      }

      const forced = await runCliInProcess(["apply", "--plan", "plan.json", "--force"], env, dir.path);
      expect(forced.code).toBe(0);
      expect(emulator.state().pipelines.find((p) => p.name === "change")?.contents).toBe("// change revision 2\n");
    } finally {
      await dir.dispose();
    }
  });
});
