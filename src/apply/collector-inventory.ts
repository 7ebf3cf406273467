// The collector inventory the plan's dependency checks evaluate matchers on:
// one ListCollectors, enabled collectors only, with the attributes matchers
// see (the plan itself does no I/O, so the listing happens here).
import type { FleetClient } from "../client/index.js";
import type { CollectorInventoryEntry } from "../plan/index.js";
import { effectiveAttributes } from "./collectors.js";

export async function listCollectorInventory(
  client: Pick<FleetClient, "collectors">,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<CollectorInventoryEntry[]> {
  const res = await client.collectors.listCollectors({}, options.signal ? { signal: options.signal } : {});
  return res.collectors.filter((c) => c.enabled !== false).map((c) => ({ id: c.id, attributes: effectiveAttributes(c) }));
}
