// planSync on realistic stacks: 200, 2 000 and 20 000 pipelines on each side,
// with a mix of noop (70 %), update (20 %), create (10 %), delete (5 % of the
// remote) and pipelines of other sources (5 %), two matchers each and ~1 KB of
// Alloy contents. Prints the median time of several runs and the heap the
// plan holds, next to two baselines: normalising the inputs alone, and
// JSON.stringify of the resulting plan.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { PipelineSpec, RemotePipeline } from "../src/pipelines/index.js";
import { normalizeSpec } from "../src/pipelines/index.js";
import { planSync } from "../src/plan/index.js";
import { median, type Reporter } from "./report.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
// Twice: the first pass may leave work (e.g. large strings of the previous run) to the next.
const fullGc = async () => {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 20));
  gc();
};

const scope = { type: "git", namespace: "platform" } as const;
// Keeps measured plans reachable so the GC cannot collect them early.
const keep: unknown[] = [];

function contents(i: number, variant: number): string {
  const lines = [
    `prometheus.exporter.unix "node_${i}" {`,
    `  include_exporter_metrics = ${variant % 2 === 0}`,
    `  disable_collectors       = ["mdadm", "nfs"]`,
    `}`,
    ``,
    `prometheus.scrape "node_${i}" {`,
    `  targets         = prometheus.exporter.unix.node_${i}.targets`,
    `  forward_to      = [prometheus.remote_write.default.receiver]`,
    `  scrape_interval = "${30 + variant}s"`,
    `}`,
    ``,
    `discovery.relabel "node_${i}" {`,
    `  targets = prometheus.exporter.unix.node_${i}.targets`,
    `  rule {`,
    `    source_labels = ["__address__"]`,
    `    target_label  = "instance"`,
    `  }`,
    `}`,
  ];
  return lines.join("\n").repeat(2) + "\n";
}

function workload(n: number): { desired: PipelineSpec[]; remote: RemotePipeline[] } {
  const desired: PipelineSpec[] = [];
  const remote: RemotePipeline[] = [];
  const name = (i: number) => `pipeline_${String(i).padStart(6, "0")}`;
  const matchers = (i: number) => [`collector.os="linux"`, `team=~"team-${i % 17}|platform"`];
  for (let i = 0; i < n; i++) {
    const share = i % 20; // 0..13 noop, 14..17 update, 18..19 create
    desired.push({ name: name(i), contents: contents(i, 0), matchers: matchers(i), file: `pipelines/${name(i)}.yaml` });
    if (share < 18) {
      remote.push({
        id: String(1000 + i),
        source: { ...scope },
        spec: {
          name: name(i),
          contents: share < 14 ? contents(i, 0) : contents(i, 1),
          // Same matchers, spelled the way the service might store them.
          matchers: share % 3 === 0 ? [...matchers(i)].reverse() : matchers(i),
          enabled: true,
          configType: "alloy",
        },
      });
    }
  }
  // 10 % more remote: half in scope (deleted), half from other sources (untouched).
  for (let j = 0; j < n / 10; j++) {
    const other = j % 2 === 1;
    const r: RemotePipeline = {
      id: String(1_000_000 + j),
      spec: { name: `old_${j}`, contents: contents(j, 2), matchers: [], enabled: true, configType: "alloy" },
    };
    r.source = other ? { type: "terraform", namespace: "infra" } : { ...scope };
    remote.push(r);
  }
  return { desired, remote: remote.slice(0, n) };
}

function timeMs(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

/**
 * Heap growth while one plan is kept alive. Its own function, called before
 * the timing runs, so no stale reference to an earlier plan (e.g. in a stack
 * slot of the caller) is freed during the measurement and hides the growth.
 */
async function retainedBytes(input: Parameters<typeof planSync>[0]): Promise<{ bytes: number; jsonBytes: number }> {
  planSync(input); // warm-up, and fills the matcher cache
  await fullGc();
  const before = process.memoryUsage().heapUsed;
  keep.push(planSync(input));
  await fullGc();
  const bytes = process.memoryUsage().heapUsed - before;
  const jsonBytes = Buffer.byteLength(JSON.stringify(keep[0]));
  keep.length = 0;
  return { bytes, jsonBytes };
}

export default async function bench(report: Reporter): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  for (const [n, runs] of [
    [200, 15],
    [2_000, 7],
    [20_000, 5],
  ] as const) {
    const { desired, remote } = workload(n);
    const input = { desired, remote, scope, limit: 100_000, policy: { maxDeletes: n } };
    const memory = await retainedBytes(input);
    const plans: number[] = [];
    const normals: number[] = [];
    const jsons: number[] = [];
    let counts = "";
    for (let r = 0; r < runs; r++) {
      normals.push(timeMs(() => desired.map(normalizeSpec)));
      let plan!: ReturnType<typeof planSync>;
      plans.push(timeMs(() => (plan = planSync(input))));
      jsons.push(timeMs(() => JSON.stringify(plan)));
      counts = `${plan.counts.create}/${plan.counts.update}/${plan.counts.noop}/${plan.counts.delete}`;
    }
    rows.push({
      "pipelines (each side)": n,
      "create/update/noop/delete": counts,
      runs,
      "planSync median ms": median(plans).toFixed(1),
      "per pipeline µs": ((median(plans) * 1000) / n).toFixed(1),
      "baseline: normalise only ms": median(normals).toFixed(2),
      "baseline: JSON.stringify(plan) ms": median(jsons).toFixed(1),
      "plan heap MB": (memory.bytes / 1e6).toFixed(1),
      "plan JSON MB": (memory.jsonBytes / 1e6).toFixed(1),
    });
  }
  report.table("planSync: realistic mix, median of runs", rows);
  report.note("plan heap = heap growth while one plan is kept alive, after a full GC (the inputs are shared, not counted).");
}
