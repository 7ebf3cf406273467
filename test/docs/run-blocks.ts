// Runs the extracted `ts` blocks of the docs, one after another, in this one
// process (started with tsx by ts-blocks.test.ts: one start-up instead of one
// per block). Before each block the emulator is reset and seeded over its
// inspection routes, and the working folder becomes the block's own copy of
// the workspace. Usage: tsx run-blocks.ts JOBS.json RESULTS.json
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

interface Job {
  id: string;
  file: string;
  cwd: string;
}
interface Result {
  id: string;
  ok: boolean;
  error?: string;
  ms: number;
}

const [jobsFile, resultsFile] = process.argv.slice(2);
if (!jobsFile || !resultsFile) throw new Error("usage: run-blocks.ts JOBS.json RESULTS.json");
const { jobs, seed, timeoutMs } = JSON.parse(readFileSync(jobsFile, "utf8")) as { jobs: Job[]; seed: unknown; timeoutMs: number };
const url = process.env["FLEET_URL"];
if (!url) throw new Error("FLEET_URL is not set");

async function inspect(route: string, body: unknown): Promise<void> {
  const response = await fetch(`${url}/_emulator/${route}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  if (!response.ok) throw new Error(`/_emulator/${route}: HTTP ${response.status} ${await response.text()}`);
}

const results: Result[] = [];
for (const job of jobs) {
  const started = performance.now();
  process.stdout.write(`\n=== ${job.id}\n`);
  try {
    await inspect("reset", {});
    await inspect("seed", seed);
    process.chdir(job.cwd);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([import(pathToFileURL(job.file).href), timeout]);
    } finally {
      clearTimeout(timer);
    }
    results.push({ id: job.id, ok: true, ms: performance.now() - started });
  } catch (error) {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    results.push({ id: job.id, ok: false, error: text, ms: performance.now() - started });
  }
  writeFileSync(resultsFile, JSON.stringify(results));
}
// A block that leaves a handle open (a client, a timer) must not hang the run.
process.exit(0);
