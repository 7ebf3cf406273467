import type { FleetClient } from "../client/index.js";
import { DEFAULT_PIPELINE_LIMIT } from "../plan/index.js";

/**
 * The pipeline limit to plan against: `override` when given, else the stack's
 * (GetLimits), else 200. A GetLimits that fails or omits `pipelines` falls
 * back to 200 rather than "unlimited": the documented limit is the safer guess.
 */
export async function resolvePipelineLimit(
  client: Pick<FleetClient, "getLimits">,
  options: { override?: number; signal?: AbortSignal } = {},
): Promise<number> {
  if (options.override !== undefined) return options.override;
  try {
    const limits = await client.getLimits(options.signal ? { signal: options.signal } : {});
    return limits.pipelines ?? DEFAULT_PIPELINE_LIMIT;
  } catch (err) {
    if (options.signal?.aborted) throw err;
    return DEFAULT_PIPELINE_LIMIT;
  }
}
