// Server-side validation without changes: one `validate_only` upsert per
// pipeline. Nothing is stored, no revision is written.
import type { PipelineSpec, NormalizedPipelineSpec, SourceScope } from "../pipelines/index.js";
import { normalizeSpec, pipelineMessageFromSpec } from "../pipelines/index.js";
import { failureFrom, resolveConcurrency, runPool } from "./calls.js";
import type { PipelinesClient } from "./remote.js";

/** The service's verdict on one pipeline, from a `validate_only` write. */
export interface RemoteValidationResult {
  /** The pipeline. */
  name: string;
  /** The file the spec was read from, when known. */
  file?: string;
  /** True when the service accepted it. */
  ok: boolean;
  /** Connect code in snake_case when the service refused the pipeline. */
  code?: string;
  /** The service's reason, when it refused. */
  message?: string;
}

/** Options of `validatePipelines`. */
export interface ValidatePipelinesOptions {
  /** Sent as each pipeline's source, as a real write would. Optional. */
  scope?: SourceScope | undefined;
  /** Aborts the remaining calls. */
  signal?: AbortSignal | undefined;
  /** Parallel calls in flight (the client's rate limiter still paces them). Default 4. */
  concurrency?: number | undefined;
}

/**
 * Asks the service to validate every spec (`UpsertPipeline` with
 * `validate_only`), returning one result per spec in input order. RPC errors
 * become failed results, except a cancelled signal, which throws.
 */
export async function validatePipelines(
  client: PipelinesClient,
  specs: readonly (PipelineSpec | NormalizedPipelineSpec)[],
  options: ValidatePipelinesOptions = {},
): Promise<RemoteValidationResult[]> {
  const { signal, scope } = options;
  const concurrency = resolveConcurrency(options.concurrency, 4);
  const results: RemoteValidationResult[] = new Array(specs.length);
  const indexed = specs.map((spec, index) => ({ spec: normalizeSpec(spec), index }));
  await runPool(
    indexed,
    concurrency,
    async ({ spec, index }) => {
      const base: RemoteValidationResult = { name: spec.name, ok: true };
      if (spec.file !== undefined) base.file = spec.file;
      try {
        await client.pipelines.upsertPipeline(
          { pipeline: pipelineMessageFromSpec(spec, scope), validateOnly: true },
          signal ? { signal } : {},
        );
        results[index] = base;
      } catch (err) {
        if (signal?.aborted) throw err;
        const f = failureFrom(err, "update", spec.name);
        results[index] = { ...base, ok: false, code: f.code, message: f.message };
      }
    },
    () => signal?.aborted === true,
  );
  signal?.throwIfAborted();
  return results;
}
