// Cold start of the built package against a bare `node -e 0`, all in the
// same run: importing it (ESM), requiring it (CJS; its exports load on first
// access, so also with one light and one heavy name touched), and
// `fleet-pipelines --version` / `--help` / `plan --help`, checked against the
// targets (require at most +60 ms, `plan --help` at most 1.5× node -e 0).
// Then what a test suite pays for one emulator per file (start, first call,
// stop), and the size of the packed tarball. It measures dist/, so it builds
// first (`npm run build`) when dist/ is missing or older than any file in
// src/ or gen/; set FLEET_BENCH_NO_BUILD=1 to skip that and measure dist/ as it is.
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { median, type Reporter } from "./report.js";

const ROOT = join(import.meta.dirname, "..");
const RUNS = 15;
const OUTPUTS = ["dist/index.js", "dist/index.cjs", "dist/emulator.js", "dist/cli.js", "dist/cli-help.json"].map((f) => join(ROOT, f));
/** The targets of the start-up work, in ms over `node -e 0` and as a multiple of it. */
const REQUIRE_MAX_OVER_MS = 60;
const PLAN_HELP_MAX_RATIO = 1.5;
const EMULATOR_RUNS = 30;

function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return t;
}

/** Why dist/ cannot be measured as it is, or undefined when it is current. */
function staleReason(): string | undefined {
  const missing = OUTPUTS.filter((f) => !existsSync(f));
  if (missing.length) return `missing ${missing.map((f) => f.slice(ROOT.length + 1)).join(", ")}`;
  const built = Math.min(...OUTPUTS.map((f) => statSync(f).mtimeMs));
  const sources = Math.max(newest(join(ROOT, "src")), newest(join(ROOT, "gen")));
  return sources > built ? "older than the sources" : undefined;
}

function timeOnce(args: string[]): { ms: number; output: string } {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} failed (${String(r.status)}): ${r.stderr}`);
  return { ms, output: r.stdout.trim() };
}

export default async function coldstartBench(report: Reporter): Promise<void> {
  const reason = staleReason();
  if (reason !== undefined) {
    if (process.env["FLEET_BENCH_NO_BUILD"]) {
      report.note(`coldstart: dist/ is ${reason}; run \`npm run build\` first (FLEET_BENCH_NO_BUILD is set, so the bench does not build).`);
      return;
    }
    report.note(`coldstart: dist/ is ${reason}; building it (npm run build) ...`);
    const build = spawnSync(process.platform === "win32" ? "npm.cmd" : "npm", ["run", "build"], { cwd: ROOT, encoding: "utf8" });
    if (build.status !== 0) {
      report.note(`coldstart: the build failed, nothing measured:\n${build.stdout}\n${build.stderr}`);
      process.exitCode = 1;
      return;
    }
  }
  const cases: [string, string[]][] = [
    ["node -e 0 (baseline)", ["-e", "0"]],
    ["import (ESM) dist/index.js", ["--input-type=module", "-e", "await import('./dist/index.js')"]],
    ["require (CJS) dist/index.cjs", ["-e", "require('./dist/index.cjs')"]],
    ["require + .parseMatcher", ["-e", "require('./dist/index.cjs').parseMatcher"]],
    ["require + .createFleetClient", ["-e", "require('./dist/index.cjs').createFleetClient"]],
    ["import (ESM) dist/emulator.js", ["--input-type=module", "-e", "await import('./dist/emulator.js')"]],
    [
      "… + startEmulator, first call, stop",
      [
        "--input-type=module",
        "-e",
        "const { startEmulator } = await import('./dist/emulator.js'); const e = await startEmulator(); await e.client.pipelines.listPipelines({}); await e.stop();",
      ],
    ],
    ["fleet-pipelines --version", ["dist/cli.js", "--version"]],
    ["fleet-pipelines --help", ["dist/cli.js", "--help"]],
    ["fleet-pipelines plan --help", ["dist/cli.js", "plan", "--help"]],
  ];
  // Interleaved rounds, so that a busy machine slows every case alike rather than one of them.
  const times = new Map<string, number[]>(cases.map(([name]) => [name, []]));
  const outputs = new Map<string, string>();
  for (let round = 0; round <= RUNS; round++) {
    for (const [name, args] of cases) {
      const run = timeOnce(args);
      if (round > 0) times.get(name)!.push(run.ms); // round 0 warms the file system cache, as on a CI runner after checkout
      outputs.set(name, run.output);
    }
  }
  const ms = (name: string): number => median(times.get(name)!);
  const base = ms(cases[0]![0]);
  report.table(
    `coldstart: wall time of a fresh node process (median of ${RUNS} interleaved rounds, after one warm-up round)`,
    cases.map(([name]) => ({
      what: name,
      "median ms": Number(ms(name).toFixed(1)),
      "over node -e 0, ms": name === cases[0]![0] ? "-" : Number((ms(name) - base).toFixed(1)),
      "× node -e 0": Number((ms(name) / base).toFixed(2)),
    })),
  );
  const requireOver = ms("require (CJS) dist/index.cjs") - base;
  const planHelpRatio = ms("fleet-pipelines plan --help") / base;
  const verdict = (ok: boolean): string => (ok ? "met" : "MISSED");
  report.note(
    `targets: require("fleet-pipelines") +${requireOver.toFixed(1)} ms (at most +${REQUIRE_MAX_OVER_MS}: ${verdict(requireOver <= REQUIRE_MAX_OVER_MS)}); ` +
      `plan --help ${planHelpRatio.toFixed(2)}× node -e 0 (at most ${PLAN_HELP_MAX_RATIO}×: ${verdict(planHelpRatio <= PLAN_HELP_MAX_RATIO)}).`,
  );
  const perFile = ms("… + startEmulator, first call, stop") - ms("import (ESM) dist/emulator.js");
  report.note(`a test file's own emulator in a fresh process (start, first call, stop; the import aside): ${perFile.toFixed(1)} ms.`);
  report.note(`fleet-pipelines --version printed ${JSON.stringify(outputs.get("fleet-pipelines --version"))}.`);

  await emulatorPerTestFile(report);
  tarballSize(report);
}

/** What `beforeAll(startEmulator)` + first call + `afterAll(stop)` costs a test file, in process, from dist/. */
async function emulatorPerTestFile(report: Reporter): Promise<void> {
  const { startEmulator } = (await import(pathToFileURL(join(ROOT, "dist/emulator.js")).href)) as typeof import("../src/emulator-entry.js");
  const rows: { start: number; call: number; stop: number; total: number }[] = [];
  for (let i = 0; i < EMULATOR_RUNS; i++) {
    const t0 = performance.now();
    const emu = await startEmulator();
    const t1 = performance.now();
    await emu.client.pipelines.listPipelines({});
    const t2 = performance.now();
    await emu.stop();
    const t3 = performance.now();
    rows.push({ start: t1 - t0, call: t2 - t1, stop: t3 - t2, total: t3 - t0 });
  }
  const [first, ...rest] = rows;
  const col = (k: keyof (typeof rows)[number]) => (list: typeof rows) => Number(median(list.map((r) => r[k])).toFixed(2));
  const max = (list: typeof rows) => Number(Math.max(...list.map((r) => r.total)).toFixed(2));
  report.table(`emulator per test file: startEmulator() + emu.client's first call + stop(), in process (${EMULATOR_RUNS} in a row)`, [
    { which: "first (loads connect-node)", "start ms": col("start")([first!]), "first call ms": col("call")([first!]), "stop ms": col("stop")([first!]), "total ms": col("total")([first!]), "max total ms": max([first!]) },
    { which: `next ${rest.length} (median)`, "start ms": col("start")(rest), "first call ms": col("call")(rest), "stop ms": col("stop")(rest), "total ms": col("total")(rest), "max total ms": max(rest) },
  ]);
}

/** The packed tarball, as `npm pack` would publish it. */
function tarballSize(report: Reporter): void {
  const pack = spawnSync(process.platform === "win32" ? "npm.cmd" : "npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" });
  if (pack.status !== 0) {
    report.note(`package size: npm pack --dry-run failed: ${pack.stderr}`);
    return;
  }
  const [info] = JSON.parse(pack.stdout) as { size: number; unpackedSize: number; entryCount: number; files: { path: string; size: number }[] }[];
  const maps = info!.files.filter((f) => f.path.endsWith(".map")).reduce((n, f) => n + f.size, 0);
  const kib = (n: number): number => Number((n / 1024).toFixed(0));
  report.table("package: the npm tarball", [
    { "tarball KiB (gzip)": kib(info!.size), "unpacked KiB": kib(info!.unpackedSize), "of which source maps KiB": kib(maps), files: info!.entryCount },
  ]);
}
