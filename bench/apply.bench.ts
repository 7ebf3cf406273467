// Apply cost: API calls and wall time of `sync` and `fallback` against the
// seed document's naive workflow (one list, one delete per stale pipeline,
// one upsert per pipeline), for four changes to a stack of 200 pipelines: the
// initial apply, a change to 10 of them, 20 deleted, and no change at all.
//
// Each run has its own emulator enforcing 3 requests/s (bursts of 3) with
// 50 ms added to every call, and its own client with the default rate limiter
// (3 requests/s, burst 2): the wall time is compared with the least time the
// service's rate and the latency allow, and the 429s the client provoked are
// counted (target 0).
// The twelve runs go in parallel, each against its own emulator: they wait on
// the rate, not on the CPU, so this only shortens the bench.
import {
  createFleetClient,
  syncPipelines,
  type FleetClient,
  type PipelineSpec,
  type SourceScope,
} from "../src/index.js";
import { startEmulator, type PipelineSeed } from "../src/emulator/index.js";
import { normalizeSpec, pipelineMessageFromSpec } from "../src/pipelines/index.js";
import type { Reporter } from "./report.js";

const RPS = 3;
/** The emulator's burst (its bucket holds `rps` tokens); the client's default is 2. */
const BURST = 3;
const LATENCY_MS = 50;
const N = 200;
/** The fallback's parallel writes (ApplyOptions.concurrency default). */
const FALLBACK_CONCURRENCY = 4;
const scope: SourceScope = { type: "git", namespace: "bench" };

type Workflow = "sync" | "fallback" | "naive";

function pipeline(i: number, revision: number): PipelineSpec {
  return {
    name: `pipeline_${String(i).padStart(3, "0")}`,
    contents: `prometheus.exporter.self "p${i}" { }\n// revision ${revision}\n`,
    matchers: [`team="team-${i % 7}"`, 'collector.os="linux"'],
    enabled: true,
  };
}

const initial = Array.from({ length: N }, (_, i) => pipeline(i, 1));

interface Scenario {
  name: string;
  /** On the service before the run. */
  before: PipelineSpec[];
  desired: PipelineSpec[];
  creates: number;
  updates: number;
  deletes: number;
}

const SCENARIOS: Scenario[] = [
  { name: `initial ${N}`, before: [], desired: initial, creates: N, updates: 0, deletes: 0 },
  { name: `change 10 of ${N}`, before: initial, desired: initial.map((p, i) => (i < 10 ? pipeline(i, 2) : p)), creates: 0, updates: 10, deletes: 0 },
  { name: `delete 20 of ${N}`, before: initial, desired: initial.slice(20), creates: 0, updates: 0, deletes: 20 },
  { name: "no change", before: initial, desired: initial, creates: 0, updates: 0, deletes: 0 },
];

/** The seed document's workflow, as written there: list, delete the stale ones, upsert everything. */
async function naiveApply(client: FleetClient, desired: PipelineSpec[]): Promise<void> {
  const remote = (await client.pipelines.listPipelines({})).pipelines;
  const wanted = new Set(desired.map((d) => d.name));
  for (const p of remote) {
    if (p.source?.namespace === scope.namespace && !wanted.has(p.name)) await client.pipelines.deletePipeline({ id: p.id ?? "" });
  }
  for (const d of desired) await client.pipelines.upsertPipeline({ pipeline: pipelineMessageFromSpec(normalizeSpec(d), scope) });
}

/**
 * The fewest calls that converge: one listing to know the state, then the
 * writes, with no read-back. For sync one SyncPipelines; for fallback one
 * BulkDeletePipelines and one upsert per create or update; the naive workflow
 * has no such bound (it always upserts everything), so its minimum is what
 * the best strategy needs. Reading back to verify (as sync and fallback do)
 * costs one more listing.
 */
function minimumCalls(s: Scenario, workflow: Workflow): number {
  const changes = s.creates + s.updates + s.deletes;
  const sync = 1 + (changes > 0 ? 1 : 0);
  // Fallback: one CreatePipeline or UpdatePipeline per change, one bulk delete.
  if (workflow === "fallback") return 1 + (s.deletes > 0 ? 1 : 0) + s.creates + s.updates;
  return sync;
}

/** The least wall time the latency alone allows: calls on the critical path × latency. */
function latencyBoundS(workflow: Workflow, byMethod: Record<string, number>, requests: number): number {
  if (workflow !== "fallback") return (requests * LATENCY_MS) / 1000;
  const upserts = (byMethod["UpsertPipeline"] ?? 0) + (byMethod["CreatePipeline"] ?? 0) + (byMethod["UpdatePipeline"] ?? 0);
  const serial = requests - upserts;
  return ((serial + Math.ceil(upserts / FALLBACK_CONCURRENCY)) * LATENCY_MS) / 1000;
}

interface Run {
  scenario: string;
  workflow: Workflow;
  calls: number;
  minimum: number;
  requests: number;
  rejected: number;
  seconds: number;
  bound: number;
}

async function measure(s: Scenario, workflow: Workflow): Promise<Run> {
  const emulator = await startEmulator({ rps: RPS, latencyMs: LATENCY_MS, pipelineLimit: N });
  try {
    const seed: PipelineSeed[] = s.before.map((p) => ({
      name: p.name,
      contents: p.contents,
      matchers: p.matchers ?? [],
      enabled: true,
      source: { type: scope.type, namespace: scope.namespace },
    }));
    if (seed.length) emulator.seed({ pipelines: seed });
    // A fresh client per run: its token bucket starts full, as in a CI job.
    const client = createFleetClient({ baseUrl: emulator.url, timeoutMs: 120_000 });
    const started = performance.now();
    let byMethod: Record<string, number> = {};
    if (workflow === "naive") {
      await naiveApply(client, s.desired);
    } else {
      // What `fleet-pipelines apply --limit 200` does: list, plan, apply on that listing, read back.
      const { result } = await syncPipelines(client, { desired: s.desired, scope, mode: workflow, limit: N, policy: { maxDeletes: N } });
      if (!result?.verification?.ok) throw new Error(`${workflow} did not verify`);
      byMethod = result.calls.byMethod;
    }
    const seconds = (performance.now() - started) / 1000;
    const log = emulator.requests();
    if (workflow === "naive") for (const r of log) byMethod[r.method] = (byMethod[r.method] ?? 0) + 1;
    const calls = Object.values(byMethod).reduce((a, b) => a + b, 0);
    const rateBound = Math.max(0, log.length - BURST) / RPS;
    return {
      scenario: s.name,
      workflow,
      calls,
      minimum: minimumCalls(s, workflow),
      requests: log.length,
      rejected: log.filter((r) => r.code === "resource_exhausted").length,
      seconds: Number(seconds.toFixed(1)),
      bound: Number(Math.max(rateBound, latencyBoundS(workflow, byMethod, log.length)).toFixed(1)),
    };
  } finally {
    await emulator.stop();
  }
}

export default async function applyBench(report: Reporter): Promise<void> {
  const jobs = SCENARIOS.flatMap((s) => (["sync", "fallback", "naive"] as const).map((w) => measure(s, w)));
  const rows = await Promise.all(jobs);
  report.table(
    `apply: API calls and wall time, ${N} pipelines, emulator at ${RPS} req/s with ${LATENCY_MS} ms latency, client's default rate limit`,
    rows.map((r) => ({
      scenario: r.scenario,
      workflow: r.workflow,
      "API calls": r.calls,
      "minimum": r.minimum,
      "HTTP requests": r.requests,
      "429s": r.rejected,
      "wall s": r.seconds,
      "bound s": r.bound,
    })),
  );
  report.note(
    "API calls: sync and fallback list once (plan and stale check share the listing), write, list once more to verify, and read the revision history once to check that no other writer's work was replaced (fallback with deletes after writes also lists again right before deleting); naive lists once and upserts every pipeline, with no verification.",
  );
  report.note(
    "minimum: one listing plus the writes, no read-back (sync: one SyncPipelines; fallback: one bulk delete and one upsert per create or update; naive: the best strategy's). HTTP requests include retries.",
  );
  report.note(
    `bound s = max((HTTP requests − ${BURST} burst) / ${RPS} req/s, calls on the critical path × ${LATENCY_MS} ms): the least time the service's rate and the latency allow (fallback upserts ${FALLBACK_CONCURRENCY} at a time). The client's burst is 2, so it may take up to 1/${RPS} s more.`,
  );
  if (rows.some((r) => r.rejected > 0)) report.note("WARNING: the client provoked 429s; the target is 0.");
}
