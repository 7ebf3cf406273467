// `fleet-pipelines diff`: a drift report. Where does the service differ from
// the folder? Exit 2 when it does, 0 when it matches.
import { syncPipelines } from "../../apply/index.js";
import { formatSource } from "../../pipelines/index.js";
import { renderPlanJson, renderPlanMarkdown, renderPlanText, safeText } from "../../render/index.js";
import { parseFlags, type CliCommand } from "../command.js";
import { CONNECTION_FLAGS, CONNECTION_USAGE, refuseTokenFlag } from "../connection.js";
import { EXIT_CHANGES, EXIT_ERROR, EXIT_OK } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { annotator, planHasChanges, publishMarkdown, useColor, type OutputTarget } from "../output.js";
import { FOLDER_FLAGS, SCOPE_FLAGS, SCOPE_USAGE, prepareFolderRun } from "../pipeline-flags.js";

const usage = `Usage: fleet-pipelines diff --dir D --namespace NS [flags]

Reports drift: where the pipelines on the service differ from the folder
(edited in the UI, deleted by hand, never applied). Changes nothing.

  + create    in the folder, missing on the service
  ~ update    on the service with other contents, matchers or settings
  - delete    on the service in this namespace, not in the folder
  ! takeover  the name exists on the service under another source

Flags:
  --dir D                the folder of pipeline files (required)
  --exclude GLOB         skip matching files or folders; repeatable
${SCOPE_USAGE}
  --limit N              pipeline limit for the checks shown (default: the stack's, else 200)
  --json                 print { "drift": bool, "plan": … } only
  --markdown FILE        also write the Markdown report to FILE

${CONNECTION_USAGE}

Exit codes: 0 no drift, 1 could not run, 2 drift found, 3 the folder's files
have problems (findings with file and line).`;

const flags = {
  ...FOLDER_FLAGS,
  ...SCOPE_FLAGS,
  ...CONNECTION_FLAGS,
  limit: { type: "string" },
  json: { type: "boolean" },
  markdown: { type: "string" },
} as const;

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, flags);
  refuseTokenFlag(values);
  const target: OutputTarget = { io, json: values.json === true, ...(values.markdown !== undefined ? { markdownFile: values.markdown } : {}) };
  const run = await prepareFolderRun(values, io, annotator(target));
  if (!run) return EXIT_ERROR;
  const { dir, scope } = run;
  const { plan } = await syncPipelines(run.client, { ...run.sync, dryRun: true });
  const drift = planHasChanges(plan);
  if (target.json) {
    io.stdout.write(`{\n  "drift": ${drift},\n  "plan": ${renderPlanJson(plan).trimEnd().replace(/\n/g, "\n  ")}\n}\n`);
  } else if (drift) {
    io.stdout.write(`Drift in ${safeText(formatSource(scope))}: the service differs from ${safeText(dir)}.\n\n`);
    io.stdout.write(renderPlanText(plan, { color: useColor(io) }));
  } else {
    io.stdout.write(`No drift: ${safeText(formatSource(scope))} on the service matches ${safeText(dir)} (${plan.counts.noop} pipeline(s)).\n`);
  }
  await publishMarkdown(target, renderPlanMarkdown(plan, { title: `Fleet pipelines drift: ${formatSource(scope)}` }));
  return drift ? EXIT_CHANGES : EXIT_OK;
}

export const diffCommand: CliCommand = {
  name: "diff",
  summary: "Report drift: where the service differs from the folder (exit 2 when it does)",
  usage,
  run,
};
