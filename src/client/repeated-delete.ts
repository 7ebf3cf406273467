// A delete repeated after an attempt whose answer was lost may find nothing
// left to delete: the lost attempt did it. Connect gives the repeat a
// not_found, which would report a failure for a delete that happened.
//
// - DeletePipeline, DeleteCollector: the one id is gone, which is what the
//   caller asked for: done.
// - BulkDeletePipelines, BulkDeleteCollectors are all or nothing, so a
//   not_found says only that at least one id is missing now. Either the lost
//   attempt deleted them all, or one id was already missing before it (then
//   that attempt failed too and deleted nothing). One listing tells which: if
//   none of the ids is left the delete is done; if any is left, nothing was
//   deleted and the not_found stands.
//
// Only for a repeat: a not_found on the first attempt is the caller's to see.
import { create, type DescMethodUnary } from "@bufbuild/protobuf";
import { ConnectError, type UnaryRequest, type UnaryResponse } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import { CollectorService } from "../../gen/collector/v1/collector_pb.js";
import { PipelineService } from "../../gen/pipeline/v1/pipeline_pb.js";
import type { Log } from "./logger.js";
import { procedureOf } from "./procedure.js";

type Next = (req: UnaryRequest) => Promise<UnaryResponse>;

interface BulkDelete {
  list: DescMethodUnary;
  /** The ids present in the listing's answer. */
  ids(message: unknown): Iterable<string | undefined>;
}

const bulkDeletes: ReadonlyMap<string, BulkDelete> = new Map<string, BulkDelete>([
  [
    "pipeline.v1.PipelineService/BulkDeletePipelines",
    {
      list: PipelineService.method.listPipelines,
      ids: (m) => (m as { pipelines?: Array<{ id?: string }> }).pipelines?.map((p) => p.id) ?? [],
    },
  ],
  [
    "collector.v1.CollectorService/BulkDeleteCollectors",
    {
      list: CollectorService.method.listCollectors,
      ids: (m) => (m as { collectors?: Array<{ id?: string }> }).collectors?.map((c) => c.id) ?? [],
    },
  ],
]);

function emptyResponse(req: UnaryRequest): UnaryResponse {
  return {
    stream: false,
    service: req.service,
    method: req.method,
    header: new Headers(),
    message: create(req.method.output),
    trailer: new Headers(),
  };
}

function withMessage(error: ConnectError, message: string): ConnectError {
  const out = new ConnectError(message, error.code, error.metadata, undefined, error.cause);
  for (const detail of error.details) out.details.push(detail);
  return out;
}

/**
 * Settles a delete whose repeat got `notFound` after an earlier attempt may
 * have taken effect: resolves with the empty response when the delete is
 * done, rejects with `notFound` (explained) when it is not.
 */
export async function settleRepeatedDelete(req: UnaryRequest, notFound: ConnectError, next: Next, log: Log, attempt: number): Promise<UnaryResponse> {
  const procedure = procedureOf(req);
  const bulk = bulkDeletes.get(procedure);
  if (bulk === undefined) {
    log.info("fleet rpc delete already done", { procedure, attempt, reason: "repeat found nothing to delete after a lost answer" });
    return emptyResponse(req);
  }
  const wanted = (req.message as { ids?: string[] }).ids ?? [];
  const list = bulk.list;
  let listed: UnaryResponse;
  try {
    listed = await next({
      ...req,
      service: list.parent,
      method: list,
      url: req.url.slice(0, req.url.length - procedure.length) + `${list.parent.typeName}/${list.name}`,
      header: new Headers(req.header),
      message: create(list.input),
    });
  } catch (e) {
    const error = ConnectError.from(e);
    throw withMessage(
      notFound,
      `${notFound.rawMessage} (an earlier attempt's answer was lost; checking with ${list.name} whether it deleted the ids failed: ${codeToString(error.code)})`,
    );
  }
  const present = new Set<string | undefined>(bulk.ids(listed.message));
  let left = 0;
  for (const id of wanted) if (present.has(id)) left++;
  if (left === 0) {
    log.info("fleet rpc delete already done", { procedure, attempt, reason: `none of the ${wanted.length} ids is left` });
    return emptyResponse(req);
  }
  throw withMessage(
    notFound,
    `${notFound.rawMessage} (an earlier attempt's answer was lost, but ${left} of the ${wanted.length} ids still exist: ` +
      "nothing was deleted, as the call is all or nothing)",
  );
}
