// Collector preview: how many collectors each pipeline of a plan reaches.
// One ListCollectors and local evaluation (default), or one ListCollectors
// per pipeline with its matchers (the server's own matching).
import type { Collector } from "../../gen/collector/v1/collector_pb.js";
import type { FleetClient } from "../client/index.js";
import { compileMatchers, FLEET_EMPTY_MATCHERS } from "../matchers/index.js";
import type { ActionKind, SyncPlan } from "../plan/index.js";

/** How many collectors one pipeline of a plan reaches. */
export interface CollectorReach {
  /** The pipeline. */
  name: string;
  /** What the plan does with it. */
  action: ActionKind;
  /** Enabled collectors whose attributes satisfy the pipeline's matchers. For a delete: the ones it reaches now. */
  collectors: number;
  /** A disabled pipeline reaches no collector whatever its matchers. */
  enabled: boolean;
}

/** The result of `previewCollectors`. */
export interface CollectorPreview {
  /** Enabled collectors on the service. */
  totalCollectors: number;
  /** `local`: matchers evaluated here over one listing of the collectors; `server`: the service filtered. */
  strategy: "local" | "server";
  /** One entry per pipeline of the plan, sorted by name. */
  pipelines: CollectorReach[];
}

/** Options of `previewCollectors`. */
export interface CollectorPreviewOptions {
  /** `local` (default): one listing, matchers evaluated here. `server`: one ListCollectors per pipeline. */
  strategy?: "local" | "server" | undefined;
  /** How a pipeline without matchers is counted (local strategy). Default `FLEET_EMPTY_MATCHERS` (`"none"`), as the emulator's GetConfig. */
  emptyMatchers?: "all" | "none" | undefined;
  /** Aborts the listing calls. */
  signal?: AbortSignal | undefined;
}

/**
 * The attributes a collector is matched on: local ∪ remote, remote winning
 * except for the reserved `collector.*` keys, plus the virtual `collector.ID`.
 */
export function effectiveAttributes(c: Collector): Record<string, string> {
  const attrs: Record<string, string> = { ...c.attributes, ...c.localAttributes };
  for (const [key, value] of Object.entries({ ...c.attributeOverrides, ...c.remoteAttributes })) {
    if (!key.startsWith("collector.")) attrs[key] = value;
  }
  attrs["collector.ID"] = c.id;
  return attrs;
}

export async function previewCollectors(
  client: Pick<FleetClient, "collectors">,
  plan: SyncPlan,
  options: CollectorPreviewOptions = {},
): Promise<CollectorPreview> {
  const callOptions = options.signal ? { signal: options.signal } : {};
  const strategy = options.strategy ?? "local";
  const all = (await client.collectors.listCollectors({}, callOptions)).collectors.filter((c) => c.enabled !== false);
  const targets = plan.actions.flatMap((a) => {
    const spec = a.desired ?? a.remote?.spec;
    return spec ? [{ name: a.name, action: a.kind, matchers: spec.matchers, enabled: spec.enabled }] : [];
  });
  const pipelines: CollectorReach[] = [];
  for (const t of targets) {
    let count: number;
    if (strategy === "server") {
      const res = await client.collectors.listCollectors({ matchers: t.matchers }, callOptions);
      count = res.collectors.filter((c) => c.enabled !== false).length;
    } else {
      const match = compileMatchers(t.matchers, { emptyMatchers: options.emptyMatchers ?? FLEET_EMPTY_MATCHERS });
      count = all.filter((c) => match(effectiveAttributes(c))).length;
    }
    pipelines.push({ name: t.name, action: t.action, collectors: count, enabled: t.enabled });
  }
  return { totalCollectors: all.length, strategy, pipelines };
}
