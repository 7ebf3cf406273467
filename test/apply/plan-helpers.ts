import type { FleetClient } from "../../src/client/index.js";
import { remoteFromPipeline, type RemotePipeline } from "../../src/pipelines/index.js";
export { planSync } from "../../src/plan/index.js";

export async function remoteFromPipelineList(client: Pick<FleetClient, "pipelines">): Promise<RemotePipeline[]> {
  return (await client.pipelines.listPipelines({})).pipelines.map(remoteFromPipeline);
}
