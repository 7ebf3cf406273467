// `fleet-pipelines validate`: local checks of every pipeline file, and with
// --remote the service's own validation (validate_only: nothing is stored).
import { listCollectorInventory, validatePipelines, type RemoteValidationResult } from "../../apply/index.js";
import { checkDependencies, type Finding } from "../../plan/index.js";
import { LoadError, type LoadResult } from "../../loader/index.js";
import { validateSpec, type SpecIssue } from "../../pipelines/index.js";
import { displayName, renderFindingText, safeText } from "../../render/index.js";
import { parseFlags, type CliCommand } from "../command.js";
import { CONNECTION_FLAGS, CONNECTION_USAGE, clientFromFlags, refuseTokenFlag } from "../connection.js";
import { EXIT_ERROR, EXIT_OK } from "../exit-codes.js";
import { folderFindings, reportFailure } from "../failure.js";
import { annotation, findingAnnotations } from "../github.js";
import type { CliIo } from "../io.js";
import { annotator, type OutputTarget } from "../output.js";
import { FOLDER_FLAGS, SCOPE_FLAGS, loadFolder, requireDir, scopeFromFlags } from "../pipeline-flags.js";

const usage = `Usage: fleet-pipelines validate --dir D [--remote] [flags]

Checks every pipeline in the folder: the files (unknown keys, missing
contents, duplicate names...), then each pipeline (name, contents, matchers
with the exact Alertmanager grammar, config type). With --remote, also asks
the service to validate each pipeline without storing anything
(UpsertPipeline with validate_only), for pull-request checks.

Flags:
  --dir D                the folder of pipeline files (required)
  --exclude GLOB         skip matching files or folders; repeatable
  --remote               also validate on the service (needs the connection below)
  --collectors           also check cross-pipeline dependencies against the pipelines
                         and collectors on the service (needs the connection below)
  --namespace NS         with --remote: the source namespace to validate with (optional)
  --source T             git | terraform (default git)
  --json                 print the JSON result only

${CONNECTION_USAGE}

Exit codes: 0 every pipeline is valid, 1 a problem was found (or an error).`;

const flags = {
  ...FOLDER_FLAGS,
  ...SCOPE_FLAGS,
  ...CONNECTION_FLAGS,
  remote: { type: "boolean" },
  collectors: { type: "boolean" },
  json: { type: "boolean" },
} as const;

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, flags);
  refuseTokenFlag(values);
  const dir = requireDir(values);
  const scope = scopeFromFlags(values, false);
  const target: OutputTarget = { io, json: values.json === true };
  const annotate = annotator(target);

  let loaded: LoadResult | undefined;
  try {
    loaded = await loadFolder(dir, values.exclude, io, annotate);
  } catch (error) {
    if (!(error instanceof LoadError)) throw error;
    // Reported as plan and apply report it, but validate's answer to "a file has errors" is exit 1.
    reportFailure(error, { io, json: target.json, wroteStdout: true, dir });
    if (target.json) {
      const body = { ok: false, loaded: false, error: { code: error.code, message: `${dir} cannot be loaded` }, findings: folderFindings(error.issues) };
      io.stdout.write(JSON.stringify(body, null, 2) + "\n");
    }
    return EXIT_ERROR;
  }
  if (!loaded) return EXIT_ERROR;
  const local: SpecIssue[] = loaded.specs.flatMap((s) => validateSpec(s));
  const invalid = new Set(local.map((i) => i.name));
  let remote: RemoteValidationResult[] | undefined;
  const client = values.remote || values.collectors ? await clientFromFlags(values, io) : undefined;
  let dependencies: Finding[] | undefined;
  if (client && values.collectors) {
    const [listed, collectors] = await Promise.all([
      client.pipelines.listPipelines({}, { signal: io.signal }),
      listCollectorInventory(client, { signal: io.signal }),
    ]);
    const checkable = loaded.specs.filter((s) => !invalid.has(s.name));
    dependencies = checkDependencies({ desired: checkable, remote: listed.pipelines, scope, collectors });
  }
  const dependencyProblems = (dependencies ?? []).filter((f) => f.blocking);
  if (client && values.remote) {
    const checkable = loaded.specs.filter((s) => !invalid.has(s.name));
    remote = await validatePipelines(client, checkable, { signal: io.signal, ...(scope ? { scope } : {}) });
  }
  const rejected = (remote ?? []).filter((r) => !r.ok);
  const ok = local.length === 0 && rejected.length === 0 && dependencyProblems.length === 0;

  annotate(
    local.flatMap((i) => (i.file ? [annotation("error", i.message, { file: i.file, ...(i.line !== undefined ? { line: i.line } : {}), title: "fleet-pipelines: INVALID_PIPELINE" })] : [])),
  );
  annotate(
    rejected.flatMap((r) =>
      r.file ? [annotation("error", `pipeline "${r.name}" rejected by the service: ${r.code}: ${r.message}`, { file: r.file, title: "fleet-pipelines: validate --remote" })] : [],
    ),
  );

  annotate(findingAnnotations((dependencies ?? []).filter((f) => f.files.length > 0)));

  if (target.json) {
    io.stdout.write(JSON.stringify({ ok, pipelines: loaded.specs.length, local, remote: remote ?? null, dependencies: dependencies ?? null }, null, 2) + "\n");
    return ok ? EXIT_OK : EXIT_ERROR;
  }
  for (const i of local) io.stdout.write(`${safeText(i.message)}\n`);
  for (const r of rejected) {
    io.stdout.write(`${r.file ? `${safeText(r.file)}: ` : ""}pipeline "${displayName(r.name)}": rejected by the service: ${safeText(r.code ?? "")}: ${safeText(r.message ?? "")}\n`);
  }
  for (const f of dependencies ?? []) io.stdout.write(renderFindingText(f).join("\n") + "\n");
  const where = values.remote || values.collectors ? "locally and on the service" : "locally";
  io.stdout.write(
    ok
      ? `${loaded.specs.length} pipeline(s) valid (${where}).\n`
      : `${local.length + rejected.length + dependencyProblems.length} problem(s) in ${loaded.specs.length} pipeline(s) (checked ${where}).\n`,
  );
  return ok ? EXIT_OK : EXIT_ERROR;
}

export const validateCommand: CliCommand = {
  name: "validate",
  summary: "Check pipeline files locally, and with --remote on the service (validate_only)",
  usage,
  run,
};
