// The cost of checking every write against the revision history, by how the
// history is read: the whole stack's in one ListPipelinesRevisions, or each
// written pipeline's in one ListPipelineRevisions per write. Measured on a
// stack of 200 pipelines with a long history (5 000 revisions), for 1, 3, 10
// and 50 updates, at the service's 3 requests/s with 50 ms latency, with the
// client's default rate limiter. `off` is the apply without the check.
import { create } from "@bufbuild/protobuf";
import { ConfigType, PipelineSchema, PipelineSource_SourceType } from "../gen/pipeline/v1/pipeline_pb.js";
import { applyPlan } from "../src/apply/index.js";
import { createFleetClient } from "../src/client/index.js";
import { startEmulator, type EmulatorStore } from "../src/emulator/index.js";
import { planSync, type SyncPlan } from "../src/plan/index.js";
import type { PipelineSpec } from "../src/pipelines/index.js";
import type { Reporter } from "./report.js";

const N = 200;
const HISTORY = 5_000;
const RPS = 3;
const LATENCY_MS = 50;
const scope = { type: "git", namespace: "bench" } as const;

const contents = (i: number, rev: number) => `prometheus.exporter.self "p${i}" { }\n// revision ${rev}\n`;
const name = (i: number) => `pipeline_${String(i).padStart(3, "0")}`;

async function measure(writes: number, mode: "stack" | "pipeline" | "off"): Promise<Record<string, string | number>> {
  let store: EmulatorStore | undefined;
  const emulator = await startEmulator({ rps: RPS, latencyMs: LATENCY_MS, pipelineLimit: N, beforeRequest: (_e, s) => void (store ??= s) });
  try {
    const setup = createFleetClient({ baseUrl: emulator.url, rateLimit: false });
    await setup.pipelines.listPipelines({}).catch(() => undefined);
    // A long history: every pipeline rewritten until the stack holds HISTORY revisions.
    for (let rev = 0; rev * N < HISTORY; rev++) {
      for (let i = 0; i < N; i++) {
        store!.upsertPipeline(
          create(PipelineSchema, {
            name: name(i),
            contents: contents(i, rev),
            matchers: ['team="a"'],
            enabled: true,
            configType: ConfigType.ALLOY,
            source: { type: PipelineSource_SourceType.GIT, namespace: scope.namespace },
          }),
        );
      }
    }
    const last = Math.ceil(HISTORY / N) - 1;
    const client = createFleetClient({ baseUrl: emulator.url, timeoutMs: 120_000 });
    const remote = (await client.pipelines.listPipelines({})).pipelines;
    const desired: PipelineSpec[] = Array.from({ length: N }, (_, i) => ({
      name: name(i),
      contents: contents(i, i < writes ? last + 1 : last),
      matchers: ['team="a"'],
    }));
    const plan: SyncPlan = planSync({ desired, remote, scope, limit: N });
    const before = emulator.requests().length;
    const started = performance.now();
    const result = await applyPlan(client, plan, { mode: "fallback", historyCheck: mode });
    const seconds = (performance.now() - started) / 1000;
    const history = (result.calls.byMethod["ListPipelinesRevisions"] ?? 0) + (result.calls.byMethod["ListPipelineRevisions"] ?? 0);
    return {
      writes,
      history: mode,
      "history calls": history,
      "API calls": result.calls.total,
      "HTTP requests": emulator.requests().length - before,
      "wall s": Number(seconds.toFixed(1)),
      "revisions": emulator.state().revisions.length,
    };
  } finally {
    await emulator.stop();
  }
}

export default async function historyBench(report: Reporter): Promise<void> {
  const jobs = [1, 3, 10, 50].flatMap((w) => (["off", "stack", "pipeline"] as const).map((m) => measure(w, m)));
  const rows = await Promise.all(jobs);
  report.table(
    `history check: fallback updates on ${N} pipelines with ~${HISTORY} revisions, emulator at ${RPS} req/s with ${LATENCY_MS} ms latency`,
    rows,
  );
  report.note(
    "A plan made apart (applyPlan, apply --plan) also reads the stack's history once before writing, to refuse a plan whose writes were undone since; both checks are in these counts. `auto` (the default) reads per pipeline for a fallback of one write, and the stack's history otherwise.",
  );
}
