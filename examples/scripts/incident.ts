// A bespoke automation on top of the typed client: during an incident,
// disable every pipeline that targets collectors with a given attribute
// (e.g. team="payments"), and restore exactly those afterwards.
//
// The pipelines are marked in their own metadata (key `incident_disabled`),
// so the restore needs no state file and cannot re-enable a pipeline that
// was disabled for another reason. Each change is a `fleet.pipelines.update`:
// it keeps every other field (the source too, so GitOps ownership is
// unchanged) and refuses, writing nothing, if someone changed the pipeline
// between its read and its write.
//
// Run: tsx examples/scripts/incident.ts disable INC-42 team=payments
//      tsx examples/scripts/incident.ts restore INC-42
import { ConflictError, matches, parseMatcher, type FleetClient, type JsonObject, type Pipeline } from "fleet-pipelines";
import { clientFromEnv, isMain } from "./connect.js";

const MARK = "incident_disabled";

/** True when some matcher of the pipeline selects `key` with an equality or regex that `value` satisfies, and none on `key` rejects it. */
export function targetsAttribute(matchers: readonly string[], key: string, value: string): boolean {
  const onKey = matchers.map((m) => parseMatcher(m)).filter((m) => m.name === key);
  const positive = onKey.some((m) => m.op === "=" || m.op === "=~");
  return positive && matches(onKey, { [key]: value });
}

function isMarked(p: Pipeline, incident: string): boolean {
  const mark = p.metadata?.[MARK];
  return typeof mark === "object" && mark !== null && !Array.isArray(mark) && mark["incident"] === incident;
}

export async function disableForIncident(
  client: FleetClient,
  options: { incident: string; key: string; value: string; now?: () => Date },
): Promise<string[]> {
  const pipelines = await client.pipelines.list();
  const targets = pipelines.filter((p) => p.enabled && targetsAttribute(p.matchers, options.key, options.value));
  const at = (options.now ?? (() => new Date()))().toISOString();
  for (const p of targets) {
    await client.pipelines.update({ id: p.id }, (current) => ({
      enabled: false,
      metadata: { ...current.metadata, [MARK]: { incident: options.incident, at } },
    }));
  }
  return targets.map((p) => p.name).sort();
}

export async function restoreAfterIncident(client: FleetClient, options: { incident: string }): Promise<string[]> {
  const marked = (await client.pipelines.list()).filter((p) => isMarked(p, options.incident));
  for (const p of marked) {
    await client.pipelines.update({ id: p.id }, (current) => {
      const { [MARK]: _removed, ...rest }: JsonObject = current.metadata ?? {};
      // `null` removes the metadata when the mark was all it held.
      return { enabled: true, metadata: Object.keys(rest).length === 0 ? null : rest };
    });
  }
  return marked.map((p) => p.name).sort();
}

if (isMain(import.meta.url)) {
  const [action, incident, attribute] = process.argv.slice(2);
  const client = clientFromEnv();
  try {
    if (action === "disable" && incident && attribute?.includes("=")) {
      const [key = "", ...rest] = attribute.split("=");
      const names = await disableForIncident(client, { incident, key, value: rest.join("=") });
      console.log(`disabled ${names.length} pipeline(s) for ${incident}: ${names.join(", ") || "none"}`);
    } else if (action === "restore" && incident) {
      const names = await restoreAfterIncident(client, { incident });
      console.log(`re-enabled ${names.length} pipeline(s) after ${incident}: ${names.join(", ") || "none"}`);
    } else {
      console.error("usage: incident.ts disable INCIDENT key=value | incident.ts restore INCIDENT");
      process.exitCode = 1;
    }
  } catch (error) {
    // Someone edited a pipeline while this ran: nothing was written to it; run again.
    if (!(error instanceof ConflictError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}
