// Emulator + client pairs for the apply integration tests: no client rate
// limit and quick retries (the subject here is the apply logic, not pacing).
import { createFleetClient, type FleetClient, type FleetClientOptions } from "../../src/client/index.js";
import { startEmulator, type Emulator, type EmulatorOptions, type PipelineJson } from "../../src/emulator/index.js";

export interface Harness {
  emulator: Emulator;
  client: FleetClient;
  stop(): Promise<void>;
}

export async function startHarness(
  emulatorOptions: EmulatorOptions = {},
  clientOptions: Partial<FleetClientOptions> = {},
): Promise<Harness> {
  const emulator = await startEmulator({ ...emulatorOptions });
  const client = createFleetClient({
    baseUrl: emulator.url,
    rateLimit: false,
    retry: { maxAttempts: 4, initialDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 0 },
    timeoutMs: 10_000,
    ...clientOptions,
  });
  return { emulator, client, stop: () => emulator.stop() };
}

/** Pipelines outside `git/<namespace>`, as comparable tuples (id, name, source, contents, updatedAt). */
export function outsideScope(pipelines: readonly PipelineJson[], namespace: string): unknown[] {
  return pipelines
    .filter((p) => !(p.source?.type === "SOURCE_TYPE_GIT" && p.source.namespace === namespace))
    .map((p) => [p.id, p.name, p.source, p.contents, p.matchers, p.enabled, p.updatedAt]);
}

export function scopeNames(pipelines: readonly PipelineJson[], namespace: string): string[] {
  return pipelines
    .filter((p) => p.source?.type === "SOURCE_TYPE_GIT" && p.source.namespace === namespace)
    .map((p) => p.name)
    .sort();
}
