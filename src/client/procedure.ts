import type { DescMethod, DescService } from "@bufbuild/protobuf";

/** `pipeline.v1.PipelineService/ListPipelines`, the name used in logs and messages. */
export function procedureOf(req: { service: Pick<DescService, "typeName">; method: Pick<DescMethod, "name"> }): string {
  return `${req.service.typeName}/${req.method.name}`;
}
