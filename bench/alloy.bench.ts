// The Alloy language core: parse and format throughput on generated typical
// pipeline files, whether parsing stays linear (1×, 4×, 16× the input), and
// `fleet-pipelines fmt --check` over 600 files (~0.4 MB) as a fresh process
// against `node -e 0` (target: under 1 s). The CLI row measures dist/, built
// first when it is missing or older than src/ (FLEET_BENCH_NO_BUILD=1 skips
// the build and that row).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { formatAlloy, parseAlloy } from "../src/alloy/index.js";
import { median, type Reporter } from "./report.js";

const ROOT = join(import.meta.dirname, "..");
const DIST_CLI = join(ROOT, "dist/cli.js");

/** One typical pipeline, written the way people do before formatting (spaces, unaligned). */
function typicalFile(i: number): string {
  return `// Pipeline ${i}: node metrics for team ${i % 7}.
prometheus.exporter.unix "node_${i}" {
  include_exporter_metrics = true
  disable_collectors = ["mdadm", "nfs"]
}

discovery.relabel "node_${i}" {
  targets = prometheus.exporter.unix.node_${i}.targets
  rule {
    source_labels = ["__address__"]
    target_label = "instance" // shown on dashboards
    replacement = constants.hostname
  }
}

prometheus.scrape "node_${i}" {
  targets = discovery.relabel.node_${i}.output
  scrape_interval = "${15 + (i % 4) * 15}s"
  forward_to = [
    prometheus.remote_write.cloud_${i}.receiver,
  ]
}

prometheus.remote_write "cloud_${i}" {
  endpoint {
    url = sys.env("PROMETHEUS_URL")
    basic_auth {
      username = sys.env("PROMETHEUS_USER")
      password = sys.env("GRAFANA_CLOUD_TOKEN")
    }
  }
  external_labels = { team = "team-${i % 7}", "env-name" = "prod" }
}
`;
}

function corpus(files: number): string {
  const parts: string[] = [];
  for (let i = 0; i < files; i++) parts.push(typicalFile(i));
  return parts.join("\n");
}

/**
 * Median CPU ms (user + system, this process) of `task` over `runs` runs
 * after one warm-up: on a shared machine, wall time mostly measures the
 * other processes. Garbage collection is included (its threads count).
 */
function time(task: () => void, runs: number): number {
  task();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const before = process.cpuUsage();
    task();
    const used = process.cpuUsage(before);
    times.push((used.user + used.system) / 1000);
  }
  return median(times);
}

function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return t;
}

function spawnMedian(args: string[], runs: number): { ms: number; status: number | null } {
  let status: number | null = null;
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
    if (i > 0) times.push(performance.now() - t);
    status = r.status;
  }
  return { ms: median(times), status };
}

export default async function alloyBench(report: Reporter): Promise<void> {
  const encoder = new TextEncoder();
  const text = corpus(1500);
  const bytes = encoder.encode(text);
  const mb = bytes.length / 1e6;
  const formatted = formatAlloy(bytes);
  if (!formatted.ok) throw new Error("the generated corpus does not parse");
  const canonical = encoder.encode(formatted.text);

  const parseMs = time(() => parseAlloy(bytes), 5);
  const formatMs = time(() => formatAlloy(bytes), 5);
  const canonicalMs = time(() => formatAlloy(canonical), 5);
  report.table(`alloy: throughput on ${(mb).toFixed(2)} MB of typical pipelines (1500 files concatenated; median CPU time of 5)`, [
    { what: "parseAlloy", "median ms": Number(parseMs.toFixed(1)), "MB/s": Number((mb / (parseMs / 1000)).toFixed(1)) },
    { what: "formatAlloy (unformatted input)", "median ms": Number(formatMs.toFixed(1)), "MB/s": Number((mb / (formatMs / 1000)).toFixed(1)) },
    {
      what: "formatAlloy (already formatted)",
      "median ms": Number(canonicalMs.toFixed(1)),
      "MB/s": Number((canonical.length / 1e6 / (canonicalMs / 1000)).toFixed(1)),
    },
  ]);

  // Linearity: the time per MB should not grow with the input.
  const base = corpus(100);
  const rows = [1, 4, 16].map((factor) => {
    const input = encoder.encode(Array.from({ length: factor }, (_, k) => base.replaceAll("node_", `n${k}_`)).join("\n"));
    const parse = time(() => parseAlloy(input), 7);
    const format = time(() => formatAlloy(input), 5);
    return { factor, bytes: input.length, parse, format };
  });
  const first = rows[0]!;
  report.table("alloy: linearity (CPU time per MB relative to 1×; ~1.0 means linear; garbage collection grows with the live heap)", rows.map((r) => ({
    input: `${r.factor}× (${(r.bytes / 1e6).toFixed(2)} MB)`,
    "parse ms": Number(r.parse.toFixed(1)),
    "parse per MB vs 1×": Number((r.parse / r.bytes / (first.parse / first.bytes)).toFixed(2)),
    "format ms": Number(r.format.toFixed(1)),
    "format per MB vs 1×": Number((r.format / r.bytes / (first.format / first.bytes)).toFixed(2)),
  })));

  // Deep nesting up to the cap and a long single line: no overflow, still fast.
  const deep = encoder.encode(`x = ${"[".repeat(190)}${"]".repeat(190)}\n`);
  const longLine = encoder.encode(`x = [${Array.from({ length: 100_000 }, (_, i) => i).join(", ")}]\n`);
  report.table("alloy: awkward shapes (median CPU time of 5)", [
    { input: "arrays nested 190 deep", "parse ms": Number(time(() => parseAlloy(deep), 5).toFixed(2)), "format ms": Number(time(() => formatAlloy(deep), 5).toFixed(2)) },
    {
      input: `one line of 100 000 numbers (${(longLine.length / 1e6).toFixed(2)} MB)`,
      "parse ms": Number(time(() => parseAlloy(longLine), 5).toFixed(1)),
      "format ms": Number(time(() => formatAlloy(longLine), 5).toFixed(1)),
    },
  ]);

  // The CLI over a folder of 600 files, as a fresh process.
  const stale = !existsSync(DIST_CLI) || statSync(DIST_CLI).mtimeMs < newest(join(ROOT, "src"));
  if (stale) {
    if (process.env["FLEET_BENCH_NO_BUILD"]) {
      report.note("alloy: dist/ is missing or older than src/; run `npm run build` (FLEET_BENCH_NO_BUILD is set): the CLI row is skipped.");
      return;
    }
    report.note("alloy: dist/ is missing or older than src/; building it (npm run build) ...");
    const build = spawnSync(process.platform === "win32" ? "npm.cmd" : "npm", ["run", "build"], { cwd: ROOT, encoding: "utf8" });
    if (build.status !== 0) {
      report.note(`alloy: the build failed, the CLI row is skipped:\n${build.stdout}\n${build.stderr}`);
      return;
    }
  }
  const dir = await mkdtemp(join(tmpdir(), "alloy-bench-"));
  try {
    let total = 0;
    for (let team = 0; team < 6; team++) {
      await mkdir(join(dir, `team-${team}`));
      for (let i = team * 100; i < (team + 1) * 100; i++) {
        const content = typicalFile(i);
        total += encoder.encode(content).length;
        await writeFile(join(dir, `team-${team}`, `pipeline_${i}.alloy`), content);
      }
    }
    const baseline = spawnMedian(["-e", "0"], 5);
    const check = spawnMedian([DIST_CLI, "fmt", "--check", dir], 5);
    if (check.status !== 2) report.note(`alloy: fmt --check exited ${String(check.status)}, expected 2 (every file needs formatting)`);
    report.table(`alloy: fleet-pipelines fmt --check over 600 files (${(total / 1e6).toFixed(2)} MB), fresh process (median of 5)`, [
      { what: "node -e 0 (baseline)", "median ms": Number(baseline.ms.toFixed(1)), "over baseline ms": "-" },
      { what: "fmt --check DIR", "median ms": Number(check.ms.toFixed(1)), "over baseline ms": Number((check.ms - baseline.ms).toFixed(1)) },
    ]);
    report.note(`alloy: fmt --check target is under 1000 ms: ${check.ms < 1000 ? "met" : "NOT met"}.`);
    // Wall times on a shared machine say little without its load.
    report.note(`alloy: load average during the run: ${loadavg().map((l) => l.toFixed(1)).join(", ")} (${availableParallelism()} cores).`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
