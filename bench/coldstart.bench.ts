// Cold start of the built package against a bare `node -e 0`: importing it
// (ESM), requiring it (CJS), and `fleet-pipelines --version` / `--help`. It
// measures dist/, so it builds first (`npm run build`) when dist/ is missing
// or older than any file in src/ or gen/; set FLEET_BENCH_NO_BUILD=1 to skip
// that and measure dist/ as it is.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { median, type Reporter } from "./report.js";

const ROOT = join(import.meta.dirname, "..");
const RUNS = 15;
const OUTPUTS = ["dist/index.js", "dist/index.cjs", "dist/cli.js"].map((f) => join(ROOT, f));

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

function timeRuns(args: string[]): { ms: number; output: string } {
  const times: number[] = [];
  let output = "";
  // One warm-up run fills the file system cache, as on a CI runner after checkout.
  for (let i = 0; i <= RUNS; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
    const ms = performance.now() - t;
    if (r.status !== 0) throw new Error(`node ${args.join(" ")} failed (${String(r.status)}): ${r.stderr}`);
    if (i > 0) times.push(ms);
    output = r.stdout.trim();
  }
  return { ms: median(times), output };
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
    ["fleet-pipelines --version", ["dist/cli.js", "--version"]],
    ["fleet-pipelines --help", ["dist/cli.js", "--help"]],
    ["fleet-pipelines plan --help", ["dist/cli.js", "plan", "--help"]],
  ];
  const results = cases.map(([name, args]) => ({ name, ...timeRuns(args) }));
  const base = results[0]!.ms;
  report.table(
    `coldstart: wall time of a fresh node process (median of ${RUNS}, after one warm-up run)`,
    results.map((r) => ({
      what: r.name,
      "median ms": Number(r.ms.toFixed(1)),
      "over node -e 0, ms": r === results[0] ? "-" : Number((r.ms - base).toFixed(1)),
    })),
  );
  const version = results.find((r) => r.name === "fleet-pipelines --version")!.output;
  report.note(`fleet-pipelines --version printed ${JSON.stringify(version)}.`);
}
