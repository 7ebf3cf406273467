import type { FleetClient } from "../client/index.js";
import { DEFAULT_PIPELINE_LIMIT, type LimitSource } from "../plan/index.js";

/** The pipeline limit to plan against, and where it came from. */
export interface ResolvedLimit {
  /** `null`: the stack has no pipeline limit. */
  limit: number | null;
  /** Where the limit came from: the override, the stack's `GetLimits`, or the default. */
  limitSource: LimitSource;
}

/**
 * The pipeline limit to plan against: `override` when given; else the
 * stack's, from GetLimits, where an answer without a pipeline limit means
 * there is none (as the tenant API documents); else, only when GetLimits
 * cannot be read, the documented 200.
 */
export async function resolvePipelineLimit(
  client: Pick<FleetClient, "getLimits">,
  options: { override?: number | undefined; signal?: AbortSignal | undefined } = {},
): Promise<ResolvedLimit> {
  if (options.override !== undefined) return { limit: options.override, limitSource: "configured" };
  try {
    const limits = await client.getLimits(options.signal ? { signal: options.signal } : {});
    return { limit: limits.pipelines ?? null, limitSource: "stack" };
  } catch (err) {
    if (options.signal?.aborted) throw err;
    return { limit: DEFAULT_PIPELINE_LIMIT, limitSource: "default" };
  }
}
