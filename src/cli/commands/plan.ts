// `fleet-pipelines plan`: load, validate, list, plan, check, render. Writes nothing.
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { listCollectorInventory, previewCollectors, syncPipelines } from "../../apply/index.js";
import { renderPlanJson } from "../../render/index.js";
import { parseFlags, type CliCommand } from "../command.js";
import { CONNECTION_FLAGS, CONNECTION_USAGE, refuseTokenFlag } from "../connection.js";
import { EXIT_BLOCKED, EXIT_CHANGES, EXIT_ERROR, EXIT_OK } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import {
  OUTPUT_FLAGS,
  OUTPUT_USAGE,
  annotateFindings,
  annotator,
  planHasChanges,
  planMarkdown,
  printPlan,
  publishMarkdown,
  type OutputTarget,
} from "../output.js";
import { FOLDER_FLAGS, POLICY_FLAGS, POLICY_USAGE, SCOPE_FLAGS, SCOPE_USAGE, policyFromFlags, prepareFolderRun } from "../pipeline-flags.js";

const usage = `Usage: fleet-pipelines plan --dir D --namespace NS [flags]

Shows what an apply would change in the namespace: creates, updates (with a
diff), deletes, and takeovers of pipelines owned elsewhere, and runs the
safety checks. Changes nothing on the service.

Pipelines:
  --dir D                the folder of pipeline files (required)
  --exclude GLOB         skip matching files or folders; repeatable
${SCOPE_USAGE}

${POLICY_USAGE}

${OUTPUT_USAGE}
  --out FILE             save the plan as JSON, for apply --plan FILE
  --collectors           show how many collectors each pipeline reaches, and check
                         cross-pipeline dependencies against the collectors

${CONNECTION_USAGE}

Exit codes: 0 planned (no changes, or changes without --detailed-exitcode),
1 could not run, 2 changes present (--detailed-exitcode), 3 blocked by a problem
in the folder's files (findings with file and line) or a safety check.
Under GITHUB_ACTIONS=true, findings become annotations on their files and the
Markdown plan is appended to the job summary.`;

const flags = {
  ...FOLDER_FLAGS,
  ...SCOPE_FLAGS,
  ...POLICY_FLAGS,
  ...OUTPUT_FLAGS,
  ...CONNECTION_FLAGS,
  out: { type: "string" },
  collectors: { type: "boolean" },
} as const;

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, flags);
  refuseTokenFlag(values);
  const policy = policyFromFlags(values);
  const target: OutputTarget = { io, json: values.json === true, ...(values.markdown !== undefined ? { markdownFile: values.markdown } : {}) };

  const run = await prepareFolderRun(values, io, annotator(target));
  if (!run) return EXIT_ERROR;
  const collectors = values.collectors ? await listCollectorInventory(run.client, { signal: io.signal }) : undefined;
  const { plan } = await syncPipelines(run.client, { ...run.sync, policy, dryRun: true, ...(collectors ? { collectors } : {}) });
  const preview = values.collectors ? await previewCollectors(run.client, plan, { signal: io.signal }) : undefined;

  printPlan(plan, target, preview);
  annotateFindings(target, plan.findings);
  await publishMarkdown(target, planMarkdown(plan, preview));
  if (values.out !== undefined) await writeFile(resolve(io.cwd, values.out), renderPlanJson(plan), "utf8");

  if (plan.blocked) return EXIT_BLOCKED;
  return values["detailed-exitcode"] && planHasChanges(plan) ? EXIT_CHANGES : EXIT_OK;
}

export const planCommand: CliCommand = {
  name: "plan",
  summary: "Show what an apply would change, and run the safety checks",
  usage,
  run,
};
