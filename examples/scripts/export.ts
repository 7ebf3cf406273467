// Bootstrap a repository from what is live: write one namespace's pipelines
// (or all of them) as files that `fleet-pipelines plan` reads back with no
// change. Run: tsx examples/scripts/export.ts OUT_DIR [NAMESPACE]
import { exportPipelines, type ExportPipelinesResult, type FleetClient } from "fleet-pipelines";
import { clientFromEnv, isMain } from "./connect.js";

export async function exportNamespace(client: FleetClient, outDir: string, namespace?: string): Promise<ExportPipelinesResult> {
  return exportPipelines(client, {
    dir: outDir,
    ...(namespace !== undefined ? { scope: { type: "git" as const, namespace } } : {}),
  });
}

if (isMain(import.meta.url)) {
  const [out = "exported-pipelines", namespace] = process.argv.slice(2);
  const result = await exportNamespace(clientFromEnv(), out, namespace);
  console.log(`wrote ${result.files.length} files for ${result.pipelines.length} pipelines to ${out}`);
}
