// `fleet-pipelines/emulator`: the local Fleet Management emulator, for
// scripts and test suites. `startEmulator()` here is the emulator's own plus
// a client made for it: no client-side rate limit (the emulator has none
// unless asked), the emulator's credentials, and retries that back off in
// milliseconds, so a test file can start one, use it and stop it at once.
import { createFleetClient, type FleetClient, type FleetClientOptions } from "./client/index.js";
import { startEmulator as startServer, type Emulator as EmulatorServer, type EmulatorOptions } from "./emulator/index.js";

/** A running emulator (`startEmulator`): its URL, inspection and control, and a client for it. */
export interface Emulator extends EmulatorServer {
  /** A client for this emulator, made on first use and shared (see `createClient` for the settings). */
  readonly client: FleetClient;
  /**
   * A new client for this emulator. Defaults: the emulator's URL and
   * credentials, `rateLimit: false`, retries with backoffs of a few
   * milliseconds; `options` overrides any of them.
   */
  createClient(options?: Partial<FleetClientOptions>): FleetClient;
}

/** Retries for a local server: the same attempts, but backoffs short enough for a test. */
const FAST_RETRY = { initialDelayMs: 5, maxDelayMs: 50 } as const;

/**
 * Starts an emulator on a free loopback port (unless `options.port`/`host`
 * say otherwise) and resolves once it accepts calls.
 *
 * ```ts
 * const emu = await startEmulator();
 * try {
 *   await emu.client.pipelines.listPipelines({});
 * } finally {
 *   await emu.stop();
 * }
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const server = await startServer(options);
  const createClient = (overrides: Partial<FleetClientOptions> = {}): FleetClient =>
    createFleetClient({
      baseUrl: server.url,
      ...(options.auth !== undefined ? { auth: { user: options.auth.user, token: options.auth.token } } : {}),
      rateLimit: false,
      retry: FAST_RETRY,
      ...overrides,
    });
  let client: FleetClient | undefined;
  // The server object itself, extended: whatever the emulator gains later stays available here.
  return Object.defineProperties(server, {
    client: {
      enumerable: true,
      get: (): FleetClient => (client ??= createClient()),
    },
    createClient: { enumerable: true, value: createClient },
  }) as Emulator;
}

export { FAULT_KINDS, FAULT_PHASES } from "./emulator/index.js";
/** The emulator without the client helpers: what `Emulator` extends. */
export type { EmulatorServer };
// FleetClient and FleetClientOptions are the SDK's: import them from "fleet-pipelines".
export type {
  BasicAuthCredentials,
  CollectorJson,
  CollectorSeed,
  EmptyMatchersMode,
  EmulatorLimits,
  EmulatorOptions,
  EmulatorSeed,
  EmulatorState,
  FaultDecision,
  FaultKind,
  FaultOptions,
  FaultPhase,
  PipelineJson,
  PipelineRevisionJson,
  PipelineSeed,
  RequestLogEntry,
} from "./emulator/index.js";
