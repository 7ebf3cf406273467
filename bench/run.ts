// `npm run bench`: runs every bench/*.bench.ts in turn and prints its tables.
// Each bench module default-exports `(report) => Promise<void>` and measures
// its figures together with their baseline in the same run.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createReporter, type BenchModule } from "./report.js";

const only = process.argv.slice(2);
const dir = import.meta.dirname;
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const report = createReporter();
for (const file of files) {
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as BenchModule;
  const started = performance.now();
  console.log(`\n# ${file}`);
  await mod.default(report);
  console.log(`(${file}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
