// Loader throughput and memory: folders of 200 … 10 000 pipelines (a metadata
// file and an .alloy file each, 100 per sub-folder), generated once outside
// the timing; then the time to reject hostile files; then the bounded
// resources table: each hostile folder of bench/hostile-cases.ts loaded,
// planned and rendered in a child process of its own, for its peak RSS.
import { mkdir, mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LoadError, loadPipelines } from "../src/loader/index.js";
import { HOSTILE_CASES, measureInChild } from "./hostile-cases.js";
import { median, type Reporter } from "./report.js";

const SIZES = [200, 1_000, 2_000, 10_000];

const ALLOY = `prometheus.exporter.unix "default" {
  include_exporter_metrics = true
  disable_collectors       = ["mdadm"]
}

prometheus.scrape "node" {
  targets         = prometheus.exporter.unix.default.targets
  scrape_interval = "60s"
  forward_to      = [prometheus.remote_write.cloud.receiver]
}

prometheus.remote_write "cloud" {
  endpoint {
    url = sys.env("PROMETHEUS_URL")
    basic_auth {
      username = sys.env("PROMETHEUS_USER")
      password = sys.env("GRAFANA_CLOUD_TOKEN")
    }
  }
}
`;

async function generate(root: string, count: number): Promise<void> {
  for (let folder = 0; folder * 100 < count; folder++) {
    const dir = join(root, `team-${folder}`);
    await mkdir(dir, { recursive: true });
    const writes: Promise<void>[] = [];
    for (let i = folder * 100; i < Math.min(count, (folder + 1) * 100); i++) {
      const yaml = `# Pipeline ${i}\nname: pipeline_${i}\nenabled: true\nmatchers:\n  - collector.os="linux"\n  - team="team-${folder}"\nmetadata:\n  owner: team-${folder}\n  tier: ${i % 3}\n`;
      writes.push(writeFile(join(dir, `pipeline_${i}.yaml`), yaml), writeFile(join(dir, `pipeline_${i}.alloy`), ALLOY));
    }
    await Promise.all(writes);
  }
}

/** Runs `task` while sampling heap and RSS; returns elapsed ms and peak growth in MiB. */
async function measure(task: () => Promise<unknown>): Promise<{ ms: number; heapMiB: number; rssMiB: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed;
  let peakRss = before.rss;
  const sample = () => {
    const now = process.memoryUsage();
    peakHeap = Math.max(peakHeap, now.heapUsed);
    peakRss = Math.max(peakRss, now.rss);
  };
  const timer = setInterval(sample, 2);
  const started = performance.now();
  await task();
  const ms = performance.now() - started;
  clearInterval(timer);
  sample();
  const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  return { ms, heapMiB: mib(peakHeap - before.heapUsed), rssMiB: mib(peakRss - before.rss) };
}

export default async function bench(report: Reporter): Promise<void> {
  const base = await mkdtemp(join(tmpdir(), "fleet-loader-bench-"));
  try {
    const rows: Record<string, string | number>[] = [];
    for (const size of SIZES) {
      const dir = join(base, `n${size}`);
      await generate(dir, size);
      const runs = size >= 10_000 ? 3 : 5;
      await loadPipelines(dir); // warm-up: module JIT and the OS file cache
      const results = [];
      for (let r = 0; r < runs; r++) {
        let loaded = 0;
        results.push(await measure(async () => (loaded = (await loadPipelines(dir)).specs.length)));
        if (loaded !== size) throw new Error(`expected ${size} pipelines, loaded ${loaded}`);
      }
      const ms = median(results.map((m) => m.ms));
      rows.push({
        pipelines: size,
        files: size * 2,
        "median ms": Math.round(ms),
        "µs / pipeline": Math.round((ms * 1000) / size),
        "peak heap Δ MiB": median(results.map((m) => m.heapMiB)),
        "peak RSS Δ MiB": median(results.map((m) => m.rssMiB)),
        runs,
      });
    }
    report.table("loadPipelines: pipelines (yaml + alloy) per folder", rows);
    report.note("Heap/RSS: growth over the run, sampled every 2 ms (GC not forced). Warm file cache.");

    const hostile: [string, () => Promise<void>][] = [
      ["alias bomb (9^12 expansions)", async () => {
        const levels = Array.from({ length: 12 }, (_, i) =>
          i === 0 ? `  l0: &l0 [${Array(9).fill('"lol"').join(", ")}]` : `  l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(", ")}]`);
        await writeFile(join(base, "h/node.yaml"), `enabled: true\nmetadata:\n${levels.join("\n")}\n`);
      }],
      ["1 MiB of nested '['", async () => writeFile(join(base, "h/node.yaml"), "enabled: true\nmetadata: " + "[".repeat(1024 * 1024 - 40))],
      ["80-level nesting (exact check)", async () => writeFile(join(base, "h/node.yaml"), "enabled: true\nmetadata:\n  x: " + "[".repeat(80) + "]".repeat(80))],
      ["5 GiB sparse metadata file", async () => {
        const handle = await open(join(base, "h/node.yaml"), "w");
        await handle.truncate(5 * 1024 ** 3);
        await handle.close();
      }],
      ["50 000 matchers (≈ 1 MiB)", async () => writeFile(join(base, "h/node.yaml"), `enabled: true\nmatchers:\n${Array.from({ length: 50_000 }, (_, i) => `- m${i}=x`).join("\n")}\n`)],
    ];
    const hostileRows: Record<string, string | number>[] = [];
    await mkdir(join(base, "h"));
    await writeFile(join(base, "h/node.alloy"), ALLOY);
    for (const [label, make] of hostile) {
      await rm(join(base, "h/node.yaml"), { force: true });
      await make();
      let code = "";
      const results = [];
      for (let r = 0; r < 5; r++) {
        results.push(
          await measure(async () => {
            code = await loadPipelines(join(base, "h")).then(
              () => "loaded!",
              (e: unknown) => (e instanceof LoadError ? e.issues.map((i) => i.code).join(",") : String(e)),
            );
          }),
        );
      }
      hostileRows.push({ input: label, code, "median ms": Math.round(median(results.map((m) => m.ms)) * 10) / 10, "peak heap Δ MiB": median(results.map((m) => m.heapMiB)) });
    }
    report.table("loadPipelines: time to reject a hostile file", hostileRows);

    const boundedRows: Record<string, string | number>[] = [];
    for (const [i, hostileCase] of HOSTILE_CASES.entries()) {
      const dir = join(base, `bounded-${i}`);
      await mkdir(dir);
      await hostileCase.build(dir);
      const m = measureInChild(dir);
      boundedRows.push({
        input: hostileCase.label,
        outcome: m.outcome,
        "load+plan+render ms": Math.round(m.ms),
        "peak RSS MiB": Math.round(m.maxRssMiB),
      });
      await rm(dir, { recursive: true, force: true });
    }
    report.table("bounded resources: hostile folders, one child process each", boundedRows);
    report.note("Peak RSS is the whole child's (Node and tsx included; see the baseline row). Target: under 2 s and 300 MiB each.");
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}
