// The plan as JSON: exactly the SyncPlan data (with its `version`), pretty
// printed, so `parsePlan(renderPlanJson(plan))` gives the plan back.
import type { SyncPlan } from "../plan/index.js";

/** The plan as pretty-printed JSON, `version` first; `parsePlan` reads it back. */
export function renderPlanJson(plan: SyncPlan): string {
  return JSON.stringify(plan, null, 2) + "\n";
}
