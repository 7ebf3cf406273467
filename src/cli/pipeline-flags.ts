// Flags and steps shared by plan, apply, diff and validate: the folder, the
// scope, the policy, and loading with every problem reported on its file.
import { resolve } from "node:path";
import type { SyncPipelinesOptions } from "../apply/index.js";
import type { FleetClient } from "../client/index.js";
import { formatLoadIssue, loadPipelines, type LoadResult } from "../loader/index.js";
import type { SourceScope } from "../pipelines/index.js";
import { parseNameList, type SyncPolicy } from "../plan/index.js";
import { numberFlag, UsageError } from "./command.js";
import { clientFromFlags, type ConnectionValues } from "./connection.js";
import { loadIssueAnnotations, onGitHubActions } from "./github.js";
import type { CliIo } from "./io.js";

export const FOLDER_FLAGS = {
  dir: { type: "string" },
  exclude: { type: "string", multiple: true },
} as const;

export const SCOPE_FLAGS = {
  namespace: { type: "string" },
  source: { type: "string" },
} as const;

export const POLICY_FLAGS = {
  "allow-takeover": { type: "string", multiple: true },
  "allow-dependency-break": { type: "string", multiple: true },
  "allow-empty": { type: "boolean" },
  "max-deletes": { type: "string" },
  limit: { type: "string" },
} as const;

export const SCOPE_USAGE = `  --namespace NS         the namespace this folder owns (required)
  --source T             git | terraform (default git)`;

export const POLICY_USAGE = `Safety checks (a blocked plan exits 3):
  --allow-takeover N,…   allow overwriting these pipelines owned by another source
                         or made by hand ("*" for all); repeatable
  --allow-empty          allow an empty folder to delete every pipeline of the namespace
  --max-deletes N        allow up to N deletes past the mass-delete guard
  --limit N              pipeline limit to check against (default: the stack's, else 200)
  --allow-dependency-break N,…
                         allow deleting or changing these pipelines although pipelines
                         outside the folder read their exports ("*" for all); repeatable`;

export function requireDir(values: { dir?: string | undefined }): string {
  if (values.dir === undefined || values.dir === "") throw new UsageError("--dir is required");
  return values.dir;
}

export function scopeFromFlags(values: { namespace?: string | undefined; source?: string | undefined }, required = true): SourceScope | undefined {
  const source = values.source ?? "git";
  if (source !== "git" && source !== "terraform") {
    throw new UsageError(`--source must be git or terraform, got ${JSON.stringify(source)}`);
  }
  if (values.namespace === undefined || values.namespace === "") {
    if (required) throw new UsageError("--namespace is required: the namespace this folder owns (e.g. the repository name)");
    if (values.source !== undefined) throw new UsageError("--source needs --namespace");
    return undefined;
  }
  return { type: source, namespace: values.namespace };
}

export function policyFromFlags(values: {
  "allow-takeover"?: string[] | undefined;
  "allow-empty"?: boolean | undefined;
  "max-deletes"?: string | undefined;
  "allow-dependency-break"?: string[] | undefined;
}): SyncPolicy {
  const policy: SyncPolicy = {};
  // Commas separate names; a name's own comma, backslash or edge space comes escaped (\\,) as the hints print it.
  const names = (values["allow-takeover"] ?? []).flatMap(parseNameList);
  if (names.includes("*")) policy.allowTakeover = "*";
  else if (names.length > 0) policy.allowTakeover = [...new Set(names)].sort();
  if (values["allow-empty"]) policy.allowEmpty = true;
  const maxDeletes = numberFlag("max-deletes", values["max-deletes"], { integer: true, min: 0 });
  if (maxDeletes !== undefined) policy.maxDeletes = maxDeletes;
  const breaks = (values["allow-dependency-break"] ?? []).flatMap(parseNameList);
  if (breaks.includes("*")) policy.allowDependencyBreak = "*";
  else if (breaks.length > 0) policy.allowDependencyBreak = [...new Set(breaks)].sort();
  return policy;
}

export function limitFromFlags(values: { limit?: string | undefined }): number | undefined {
  return numberFlag("limit", values.limit, { integer: true, min: 0 });
}

/**
 * Loads the folder. Warnings go to stderr (and become annotations under
 * GitHub Actions); a folder that cannot be loaded throws its LoadError, which
 * the CLI reports as findings with exit 3 (src/cli/failure.ts).
 */
export async function loadFolder(
  dir: string,
  exclude: string[] | undefined,
  io: CliIo,
  annotate: (lines: string[]) => void,
): Promise<LoadResult | undefined> {
  const loaded = await loadPipelines(resolve(io.cwd, dir), { cwd: io.cwd, signal: io.signal, checkFormatting: true, ...(exclude ? { exclude } : {}) });
  for (const w of loaded.warnings) io.stderr.write(formatLoadIssue(w) + "\n");
  if (onGitHubActions(io.env)) annotate(loadIssueAnnotations(loaded.warnings));
  return loaded;
}

export interface FolderRun {
  dir: string;
  scope: SourceScope;
  client: FleetClient;
  /** The syncPipelines options plan, diff and apply share. */
  sync: Pick<SyncPipelinesOptions, "desired" | "scope" | "limit" | "signal">;
}

/**
 * What plan, diff and apply do before planning: the folder, scope and limit
 * flags (bad ones fail before any I/O), the folder loaded, then the client.
 * `undefined` when the folder cannot be loaded (already reported).
 */
export async function prepareFolderRun(
  values: ConnectionValues & {
    dir?: string | undefined;
    exclude?: string[] | undefined;
    namespace?: string | undefined;
    source?: string | undefined;
    limit?: string | undefined;
  },
  io: CliIo,
  annotate: (lines: string[]) => void,
): Promise<FolderRun | undefined> {
  const dir = requireDir(values);
  const scope = scopeFromFlags(values)!;
  const limit = limitFromFlags(values);
  const loaded = await loadFolder(dir, values.exclude, io, annotate);
  if (!loaded) return undefined;
  const client = await clientFromFlags(values, io);
  return {
    dir,
    scope,
    client,
    sync: { desired: loaded.specs, scope, signal: io.signal, ...(limit !== undefined ? { limit } : {}) },
  };
}
