// The list → compare → write workflow, for stacks or tools that do not use
// SyncPipelines: only what changed is written (CreatePipeline for a new name,
// UpdatePipeline by id for a change), and the deletes come last, held back if
// any write failed so that no collector loses configuration. A failed write
// does not stop the others; the same plan converges when run again.
// Run: tsx examples/scripts/fallback.ts DIR NAMESPACE
import { ApplyError, applyPlan, syncPipelines, type ApplyResult, type FleetClient } from "fleet-pipelines";
import { clientFromEnv, isMain } from "./connect.js";

export async function fallbackSync(
  client: FleetClient,
  options: { dir: string; namespace: string; attempts?: number; log?: (text: string) => void },
): Promise<ApplyResult> {
  const log = options.log ?? ((t: string) => process.stdout.write(t));
  // Plan only (dryRun), so that the same plan can be retried below.
  const { plan } = await syncPipelines(client, { dir: options.dir, scope: { type: "git", namespace: options.namespace }, dryRun: true });
  if (plan.blocked) throw new Error(`plan blocked: ${plan.findings.filter((f) => f.blocking).map((f) => f.code).join(", ")}`);
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await applyPlan(client, plan, {
        mode: "fallback",
        onProgress: (e) => log(`  [${e.done}/${e.total}] ${e.action}${e.name ? ` ${e.name}` : ""}${e.ok ? "" : " (failed)"}\n`),
      });
      log(`done in ${attempt} attempt(s): ${result.calls.total} calls, verified: ${result.verification?.ok}\n`);
      return result;
    } catch (error) {
      // Partial failure: what was done is done; rerunning the same plan picks up the rest.
      if (!(error instanceof ApplyError) || error.code !== "APPLY_FAILED" || attempt >= attempts) throw error;
      for (const f of error.result?.failures ?? []) log(`  failed: ${f.action} ${f.name ?? ""}: ${f.code}\n`);
      log(`attempt ${attempt} incomplete; running the same plan again\n`);
    }
  }
}

if (isMain(import.meta.url)) {
  const [dir = "examples/pipelines", namespace = "example-repo"] = process.argv.slice(2);
  await fallbackSync(clientFromEnv(), { dir, namespace });
}
