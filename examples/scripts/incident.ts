// A bespoke automation on top of the typed client: during an incident,
// disable every pipeline that targets collectors with a given attribute
// (e.g. team="payments"), and restore exactly those afterwards.
//
// The pipelines are marked in their own metadata (key `incident_disabled`),
// so the restore needs no state file and cannot re-enable a pipeline that
// was disabled for another reason. Each write is a full UpsertPipeline that
// keeps the pipeline's source, so GitOps ownership is unchanged.
//
// Run: tsx examples/scripts/incident.ts disable INC-42 team=payments
//      tsx examples/scripts/incident.ts restore INC-42
import {
  matches,
  parseMatcher,
  pipelineMessageFromSpec,
  remoteFromPipeline,
  type FleetClient,
  type JsonObject,
  type RemotePipeline,
  type SourceScope,
} from "fleet-pipelines";
import { clientFromEnv, isMain } from "./connect.js";

const MARK = "incident_disabled";

/** True when some matcher of the pipeline selects `key` with an equality or regex that `value` satisfies, and none on `key` rejects it. */
export function targetsAttribute(matchers: readonly string[], key: string, value: string): boolean {
  const onKey = matchers.map((m) => parseMatcher(m)).filter((m) => m.name === key);
  const positive = onKey.some((m) => m.op === "=" || m.op === "=~");
  return positive && matches(onKey, { [key]: value });
}

async function write(client: FleetClient, remote: RemotePipeline, enabled: boolean, metadata: JsonObject | undefined): Promise<void> {
  const spec = { ...remote.spec, enabled };
  if (metadata === undefined || Object.keys(metadata).length === 0) delete spec.metadata;
  else spec.metadata = metadata;
  // Keep the pipeline's owner: a write without a source would clear it.
  const source: SourceScope | undefined =
    remote.source && remote.source.type !== "unspecified" ? { type: remote.source.type, namespace: remote.source.namespace } : undefined;
  await client.pipelines.upsertPipeline({ pipeline: pipelineMessageFromSpec(spec, source) });
}

export async function disableForIncident(
  client: FleetClient,
  options: { incident: string; key: string; value: string; now?: () => Date },
): Promise<string[]> {
  const remote = (await client.pipelines.listPipelines({})).pipelines.map(remoteFromPipeline);
  const targets = remote.filter((r) => r.spec.enabled && targetsAttribute(r.spec.matchers, options.key, options.value));
  const at = (options.now ?? (() => new Date()))().toISOString();
  for (const r of targets) {
    await write(client, r, false, { ...r.spec.metadata, [MARK]: { incident: options.incident, at } });
  }
  return targets.map((r) => r.spec.name).sort();
}

export async function restoreAfterIncident(client: FleetClient, options: { incident: string }): Promise<string[]> {
  const remote = (await client.pipelines.listPipelines({})).pipelines.map(remoteFromPipeline);
  const marked = remote.filter((r) => {
    const mark = r.spec.metadata?.[MARK];
    return typeof mark === "object" && mark !== null && !Array.isArray(mark) && mark["incident"] === options.incident;
  });
  for (const r of marked) {
    const { [MARK]: _removed, ...rest } = r.spec.metadata ?? {};
    await write(client, r, true, rest);
  }
  return marked.map((r) => r.spec.name).sort();
}

if (isMain(import.meta.url)) {
  const [action, incident, attribute] = process.argv.slice(2);
  const client = clientFromEnv();
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
}
