// One hostile-input measurement, run by loader.bench.ts in a child process of
// its own so that its peak RSS is its own: loads the folder given as the only
// argument, and when it loads, plans it against an empty service and renders
// the plan (text, Markdown, JSON), as `plan` would. Prints one JSON line:
// { outcome, ms, maxRssMiB }.
import { LoadError, loadPipelines } from "../src/loader/index.js";
import { planSync } from "../src/plan/index.js";
import { renderPlanJson, renderPlanMarkdown, renderPlanText } from "../src/render/index.js";

const dir = process.argv[2];
if (dir === undefined) throw new Error("usage: hostile-child.ts DIR");

const started = performance.now();
let outcome: string;
try {
  const { specs } = await loadPipelines(dir);
  const plan = planSync({ desired: specs, remote: [], scope: { type: "git", namespace: "bench" }, limit: 1_000_000 });
  const bytes = renderPlanText(plan).length + renderPlanMarkdown(plan).length + renderPlanJson(plan).length;
  outcome = `planned ${specs.length} (${Math.round(bytes / 1024)} KiB rendered)`;
} catch (error) {
  if (!(error instanceof LoadError)) {
    outcome = `CRASH: ${error instanceof Error ? error.message : String(error)}`;
  } else {
    const codes = new Map<string, number>();
    for (const issue of error.issues) codes.set(issue.code, (codes.get(issue.code) ?? 0) + 1);
    outcome = [...codes].map(([code, n]) => (n === 1 ? code : `${code}×${n}`)).join(", ");
  }
}
const ms = performance.now() - started;
// resourceUsage().maxRSS is in KiB.
console.log(JSON.stringify({ outcome, ms, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
