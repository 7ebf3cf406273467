// Plan a folder against the service, show the plan, and apply it only when
// no safety check blocks it. Run: tsx examples/scripts/plan-and-apply.ts DIR NAMESPACE
import {
  ApplyError,
  FleetApiError,
  SafetyCheckError,
  loadPipelines,
  planSync,
  renderPlanText,
  renderResultText,
  resolvePipelineLimit,
  applyPlan,
  type ApplyResult,
  type FleetClient,
  type SyncPlan,
} from "fleet-pipelines";
import { clientFromEnv, isMain } from "./connect.js";

export interface PlanAndApplyOptions {
  dir: string;
  namespace: string;
  /** Names that may be taken over from another source. */
  allowTakeover?: string[];
  mode?: "sync" | "fallback";
  log?: (text: string) => void;
}

export async function planAndApply(
  client: FleetClient,
  options: PlanAndApplyOptions,
): Promise<{ plan: SyncPlan; result?: ApplyResult }> {
  const log = options.log ?? ((t: string) => process.stdout.write(t));
  const { specs } = await loadPipelines(options.dir);
  // The plan compares against the generated messages, as the service sent them.
  const remote = (await client.raw.pipelines.listPipelines({})).pipelines;
  const plan = planSync({
    desired: specs,
    remote,
    scope: { type: "git", namespace: options.namespace },
    ...(await resolvePipelineLimit(client)),
    policy: options.allowTakeover ? { allowTakeover: options.allowTakeover } : {},
  });
  log(renderPlanText(plan));
  if (plan.blocked) return { plan };
  // applyPlan lists again and refuses the plan if the service changed meanwhile.
  const result = await applyPlan(client, plan, { mode: options.mode ?? "sync" });
  log(renderResultText(result));
  return { plan, result };
}

if (isMain(import.meta.url)) {
  const [dir = "examples/pipelines", namespace = "example-repo"] = process.argv.slice(2);
  try {
    const { plan } = await planAndApply(clientFromEnv(), { dir, namespace });
    process.exitCode = plan.blocked ? 3 : 0;
  } catch (error) {
    if (error instanceof SafetyCheckError || error instanceof ApplyError) {
      console.error(error.message);
      process.exitCode = error instanceof SafetyCheckError || error.code === "STALE_PLAN" ? 3 : 1;
    } else if (error instanceof FleetApiError) {
      // The service refused or could not be reached (bad credentials, rate limit, ...).
      console.error(`${error.message}${error.requestId ? ` (request id ${error.requestId})` : ""}`);
      process.exitCode = 1;
    } else throw error;
  }
}
