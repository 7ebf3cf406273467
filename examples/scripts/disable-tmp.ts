// A CRUD script on the resource API: disable every pipeline whose name starts
// with a prefix (default `tmp_`), whoever owns it. Each one is changed with
// `fleet.pipelines.update`, which keeps every other field (the source too)
// and writes nothing if someone changed that pipeline meanwhile.
//
// Run: tsx examples/scripts/disable-tmp.ts [PREFIX] [--dry-run]
import { ConflictError, NotFoundError, type FleetClient } from "fleet-pipelines";
import { clientFromEnv, isMain } from "./connect.js";

export interface DisableResult {
  disabled: string[];
  /** Changed by someone else between our read and our write: left as they are. */
  conflicts: string[];
  /** Deleted by someone else before we got to them. */
  gone: string[];
}

export async function disableByPrefix(
  client: FleetClient,
  options: { prefix?: string | undefined; dryRun?: boolean | undefined } = {},
): Promise<DisableResult> {
  const prefix = options.prefix ?? "tmp_";
  const targets = (await client.pipelines.list({ enabled: true })).filter((p) => p.name.startsWith(prefix));
  const result: DisableResult = { disabled: [], conflicts: [], gone: [] };
  for (const p of targets) {
    if (options.dryRun === true) {
      result.disabled.push(p.name);
      continue;
    }
    try {
      await client.pipelines.update({ id: p.id }, { enabled: false });
      result.disabled.push(p.name);
    } catch (error) {
      if (error instanceof ConflictError) result.conflicts.push(p.name);
      else if (error instanceof NotFoundError) result.gone.push(p.name);
      else throw error;
    }
  }
  return result;
}

if (isMain(import.meta.url)) {
  const args = process.argv.slice(2);
  const prefix = args.find((a) => !a.startsWith("--"));
  const result = await disableByPrefix(clientFromEnv(), { prefix, dryRun: args.includes("--dry-run") });
  console.log(`disabled: ${result.disabled.join(", ") || "none"}`);
  if (result.conflicts.length > 0) console.log(`changed meanwhile, left alone (run again): ${result.conflicts.join(", ")}`);
  if (result.gone.length > 0) console.log(`deleted meanwhile: ${result.gone.join(", ")}`);
  process.exitCode = result.conflicts.length > 0 ? 1 : 0;
}
