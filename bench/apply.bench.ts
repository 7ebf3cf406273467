// Apply cost: API calls and wall time of `sync` and `fallback` against the
// seed document's naive workflow (one list, one delete per stale pipeline,
// one upsert per pipeline), for an initial apply of 200 pipelines and for a
// change of 10 of them. The emulator enforces 3 requests/s and the client
// runs with its default rate limiter (3 requests/s, burst 3), so the wall
// time can be compared with the bound the rate sets: (requests − burst) / 3 s.
import {
  createFleetClient,
  normalizeSpec,
  pipelineMessageFromSpec,
  syncPipelines,
  type FleetClient,
  type PipelineSpec,
  type SourceScope,
} from "../src/index.js";
import { startEmulator, type Emulator } from "../src/emulator/index.js";
import type { Reporter } from "./report.js";

const RPS = 3;
const BURST = 3;
const N = 200;
const CHANGED = 10;
const scope: SourceScope = { type: "git", namespace: "bench" };

function desiredSet(changed: number): PipelineSpec[] {
  return Array.from({ length: N }, (_, i) => ({
    name: `pipeline_${String(i).padStart(3, "0")}`,
    contents: `prometheus.exporter.self "p${i}" { }\n// revision ${i < changed ? 2 : 1}\n`,
    matchers: [`team="team-${i % 7}"`, 'collector.os="linux"'],
    enabled: true,
  }));
}

/** The seed document's workflow, as written there: list, delete the stale ones, upsert everything. */
async function naiveApply(client: FleetClient, desired: PipelineSpec[]): Promise<void> {
  const remote = (await client.pipelines.listPipelines({})).pipelines;
  const wanted = new Set(desired.map((d) => d.name));
  for (const p of remote) {
    if (p.source?.namespace === scope.namespace && !wanted.has(p.name)) await client.pipelines.deletePipeline({ id: p.id ?? "" });
  }
  for (const d of desired) await client.pipelines.upsertPipeline({ pipeline: pipelineMessageFromSpec(normalizeSpec(d), scope) });
}

interface Run {
  scenario: string;
  workflow: string;
  calls: number;
  requests: number;
  retried: number;
  seconds: number;
  bound: number;
}

async function measure(
  emulator: Emulator,
  scenario: string,
  workflow: "sync" | "fallback" | "naive",
  desired: PipelineSpec[],
  seed: PipelineSpec[],
): Promise<Run> {
  emulator.reset();
  if (seed.length) {
    emulator.seed({
      pipelines: seed.map((s) => ({
        name: s.name,
        contents: s.contents,
        matchers: s.matchers ?? [],
        enabled: true,
        source: { type: scope.type, namespace: scope.namespace },
      })),
    });
  }
  // A fresh client per run: its token bucket starts full, as in a CI job.
  const client = createFleetClient({ baseUrl: emulator.url, timeoutMs: 120_000 });
  const started = performance.now();
  let calls: number;
  if (workflow === "naive") {
    await naiveApply(client, desired);
    calls = emulator.requests().length;
  } else {
    // What `fleet-pipelines apply` does: list, plan, apply on that listing, read back.
    const { result } = await syncPipelines(client, { desired, scope, mode: workflow, limit: N });
    if (!result?.verification?.ok) throw new Error(`${workflow} did not verify`);
    calls = result.calls.total;
  }
  const seconds = (performance.now() - started) / 1000;
  const requests = emulator.requests().length;
  const rejected = emulator.requests().filter((r) => r.code === "resource_exhausted").length;
  return {
    scenario,
    workflow,
    calls,
    requests,
    retried: rejected,
    seconds: Number(seconds.toFixed(1)),
    bound: Number((Math.max(0, requests - BURST) / RPS).toFixed(1)),
  };
}

export default async function applyBench(report: Reporter): Promise<void> {
  const emulator = await startEmulator({ rps: RPS, pipelineLimit: N });
  try {
    const initial = desiredSet(0);
    const changed = desiredSet(CHANGED);
    const rows: Run[] = [];
    for (const workflow of ["sync", "fallback", "naive"] as const) {
      rows.push(await measure(emulator, `initial ${N}`, workflow, initial, []));
    }
    for (const workflow of ["sync", "fallback", "naive"] as const) {
      rows.push(await measure(emulator, `change ${CHANGED} of ${N}`, workflow, changed, initial));
    }
    report.table(
      `apply: API calls and wall time at ${RPS} req/s (sync/fallback: one listing for plan and stale check, the writes, one read-back to verify; naive: no verification)`,
      rows.map((r) => ({
        scenario: r.scenario,
        workflow: r.workflow,
        "API calls": r.calls,
        "HTTP requests": r.requests,
        "429s": r.retried,
        "wall s": r.seconds,
        "bound s": r.bound,
      })),
    );
    report.note(`bound s = (HTTP requests − ${BURST} burst) / ${RPS} req/s: the least time the service's rate allows.`);
  } finally {
    await emulator.stop();
  }
}
