// `fleet-pipelines export`: the service's pipelines written as files in the
// folder format, to bootstrap a repository. A plan on the exported folder
// (same namespace and source) shows no change.
import { resolve } from "node:path";
import { exportPipelines } from "../../apply/index.js";
import { formatSource } from "../../pipelines/index.js";
import { safeText } from "../../render/index.js";
import { parseFlags, UsageError, type CliCommand } from "../command.js";
import { CONNECTION_FLAGS, CONNECTION_USAGE, clientFromFlags, refuseTokenFlag } from "../connection.js";
import { EXIT_OK } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { SCOPE_FLAGS, scopeFromFlags } from "../pipeline-flags.js";

const usage = `Usage: fleet-pipelines export --out D [--namespace NS [--source T]] [flags]

Writes the pipelines on the service as files in the folder format: one
NAME.yaml (name, enabled, config_type, matchers, metadata) next to NAME.alloy
or NAME.otel.yaml (the contents). With --namespace, only that namespace's
pipelines, so that "plan --dir D --namespace NS" on the result shows no change.

Flags:
  --out D                the folder to write (created if missing; required)
  --namespace NS         only pipelines of this namespace (default: every pipeline)
  --source T             git | terraform (default git)
  --overwrite            replace files that already exist (default: refuse)
  --json                 print { "dir", "pipelines", "files" } only

${CONNECTION_USAGE}

Exit codes: 0 exported, 1 error.`;

const flags = {
  ...SCOPE_FLAGS,
  ...CONNECTION_FLAGS,
  out: { type: "string" },
  overwrite: { type: "boolean" },
  json: { type: "boolean" },
} as const;

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, flags);
  refuseTokenFlag(values);
  if (values.out === undefined || values.out === "") throw new UsageError("--out is required");
  const scope = scopeFromFlags(values, false);
  const client = await clientFromFlags(values, io);
  const dir = resolve(io.cwd, values.out);
  const result = await exportPipelines(client, {
    dir,
    signal: io.signal,
    ...(scope ? { scope } : {}),
    ...(values.overwrite ? { overwrite: true } : {}),
  });
  if (values.json) {
    io.stdout.write(JSON.stringify({ dir: values.out, ...result }, null, 2) + "\n");
    return EXIT_OK;
  }
  const what = scope ? `the ${result.pipelines.length} pipeline(s) of ${safeText(formatSource(scope))}` : `all ${result.pipelines.length} pipeline(s)`;
  io.stdout.write(`Exported ${what} to ${safeText(values.out)} (${result.files.length} files).\n`);
  if (scope) {
    io.stdout.write(
      `Check the round trip: fleet-pipelines plan --dir ${safeText(values.out)} --namespace ${safeText(scope.namespace)} --source ${safeText(scope.type)}\n`,
    );
  } else if (result.pipelines.length > 0) {
    io.stdout.write("Note: pipelines from other sources would be takeovers when planned under one namespace; use --namespace to export one.\n");
  }
  return EXIT_OK;
}

export const exportCommand: CliCommand = {
  name: "export",
  summary: "Write the service's pipelines as files in the folder format",
  usage,
  run,
};
