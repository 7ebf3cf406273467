// `fleet-pipelines apply`: plan, check, apply (sync or fallback), verify,
// render. With --plan FILE, applies a plan saved by `plan --out` / `plan
// --json` in another job; the stale check refuses it if the service changed.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { ApplyError, applyPlan, syncPipelines, type ApplyMode, type ApplyOptions, type ApplyResult } from "../../apply/index.js";
import { FleetError } from "../../errors/index.js";
import { SafetyCheckError, parsePlan, type SyncPlan } from "../../plan/index.js";
import { renderResultMarkdown, renderResultText, safeText } from "../../render/index.js";
import { parseFlags, UsageError, type CliCommand } from "../command.js";
import { CONNECTION_FLAGS, CONNECTION_USAGE, clientFromFlags, refuseTokenFlag } from "../connection.js";
import { EXIT_BLOCKED, EXIT_CHANGES, EXIT_ERROR, EXIT_OK } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import {
  OUTPUT_FLAGS,
  OUTPUT_USAGE,
  annotateFindings,
  annotator,
  planMarkdown,
  printPlan,
  publishMarkdown,
  useColor,
  type OutputTarget,
} from "../output.js";
import { FOLDER_FLAGS, POLICY_FLAGS, POLICY_USAGE, SCOPE_FLAGS, SCOPE_USAGE, policyFromFlags, prepareFolderRun } from "../pipeline-flags.js";
import { writeErrorLine } from "../failure.js";
import { createProgressLine } from "../progress.js";

const usage = `Usage: fleet-pipelines apply --dir D --namespace NS [flags]
       fleet-pipelines apply --plan FILE [flags]

Plans the folder against the service, refuses a plan blocked by a safety
check, applies it, then reads back and verifies that the namespace holds
exactly the folder's pipelines. Nothing outside the namespace is deleted, and
nothing outside it is overwritten unless named with --allow-takeover.

Pipelines:
  --dir D                the folder of pipeline files
  --exclude GLOB         skip matching files or folders; repeatable
${SCOPE_USAGE}
  --plan FILE            apply a plan saved by "plan --out FILE" (or plan --json)
                         instead of planning now; refused if the service changed since

Apply:
  --mode M               sync: one atomic SyncPipelines (default)
                         fallback: delete, then upsert only what changed
  --force                apply even if the service changed since the plan was made
  --no-verify            skip the read-back verification

${POLICY_USAGE}

${OUTPUT_USAGE}

${CONNECTION_USAGE}

Exit codes: 0 applied (or nothing to do), 1 error (the apply is idempotent:
run it again to converge), 2 changes were applied (--detailed-exitcode),
3 blocked by a problem in the folder's files or a safety check (nothing was
written). With --json, stdout holds one JSON document, failures included.`;

const flags = {
  ...FOLDER_FLAGS,
  ...SCOPE_FLAGS,
  ...POLICY_FLAGS,
  ...OUTPUT_FLAGS,
  ...CONNECTION_FLAGS,
  plan: { type: "string" },
  mode: { type: "string" },
  force: { type: "boolean" },
  "no-verify": { type: "boolean" },
} as const;

function modeFrom(value: string | undefined): ApplyMode {
  if (value === undefined || value === "sync" || value === "fallback") return value ?? "sync";
  throw new UsageError(`--mode must be sync or fallback, got ${JSON.stringify(value)}`);
}

async function readPlan(file: string, io: CliIo): Promise<SyncPlan> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), "utf8");
  } catch (error) {
    throw new UsageError(`cannot read --plan ${safeText(file)}: ${safeText((error as NodeJS.ErrnoException).code ?? (error as Error).message)}`);
  }
  return parsePlan(text);
}

function changed(result: ApplyResult): boolean {
  const c = result.changes;
  return c.created.length + c.updated.length + c.deleted.length + c.takenOver.length > 0;
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, flags);
  refuseTokenFlag(values);
  const mode = modeFrom(values.mode);
  const target: OutputTarget = { io, json: values.json === true, ...(values.markdown !== undefined ? { markdownFile: values.markdown } : {}) };
  if (values.plan !== undefined) {
    const conflicting = (["dir", "exclude", "namespace", "source", "allow-takeover", "allow-empty", "max-deletes", "limit"] as const).filter(
      (k) => values[k] !== undefined,
    );
    if (conflicting.length) throw new UsageError(`--plan FILE carries its own folder, scope and policy: drop --${conflicting.join(", --")}`);
  }

  let plan: SyncPlan | undefined;
  const showPlan = (p: SyncPlan): void => {
    plan = p;
    if (!target.json) printPlan(p, target);
  };
  const progress = createProgressLine(io.stderr, { enabled: io.isTTY && !target.json });
  const applyOptions: ApplyOptions = {
    mode,
    signal: io.signal,
    onProgress: (e) => progress.update(e),
    ...(values.force ? { force: true } : {}),
    ...(values["no-verify"] ? { verify: false } : {}),
  };

  let result: ApplyResult | undefined;
  let failure: FleetError | undefined;
  try {
    if (values.plan !== undefined) {
      const saved = await readPlan(values.plan, io);
      const client = await clientFromFlags(values, io);
      showPlan(saved);
      result = await applyPlan(client, saved, applyOptions);
    } else {
      const policy = policyFromFlags(values);
      const prepared = await prepareFolderRun(values, io, annotator(target));
      if (!prepared) return EXIT_ERROR;
      const run = await syncPipelines(prepared.client, { ...applyOptions, ...prepared.sync, policy, onPlan: showPlan });
      result = run.result;
    }
  } catch (error) {
    if (error instanceof ApplyError) {
      failure = error;
      result = error.result;
    } else if (error instanceof SafetyCheckError) {
      failure = error;
    } else {
      throw error;
    }
  } finally {
    progress.done();
  }

  if (plan) annotateFindings(target, [...plan.findings, ...(failure instanceof ApplyError && failure.finding ? [failure.finding] : [])]);
  if (target.json) {
    const body: Record<string, unknown> = { plan: plan ?? null, result: result ?? null };
    if (failure) body["error"] = { code: failure.code, message: failure.message };
    if (failure) body["findings"] = failure instanceof SafetyCheckError ? failure.findings : failure instanceof ApplyError && failure.finding ? [failure.finding] : [];
    io.stdout.write(JSON.stringify(body, null, 2) + "\n");
  } else if (result) {
    io.stdout.write("\n" + renderResultText(result, { color: useColor(io) }));
  }
  if (plan) await publishMarkdown(target, planMarkdown(plan) + (result ? "\n" + renderResultMarkdown(result) : ""));

  if (failure) {
    writeErrorLine(io, failure.message);
    const blocked = failure instanceof SafetyCheckError || failure.code === "STALE_PLAN";
    return blocked ? EXIT_BLOCKED : EXIT_ERROR;
  }
  return values["detailed-exitcode"] && result && changed(result) ? EXIT_CHANGES : EXIT_OK;
}

export const applyCommand: CliCommand = {
  name: "apply",
  summary: "Plan, check, apply (sync or fallback) and verify",
  usage,
  run,
};
