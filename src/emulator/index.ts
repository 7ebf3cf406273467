// The local Fleet Management emulator: an in-memory pipeline.v1 +
// collector.v1 (management and agent calls) + tenant limits service on a real HTTP server.
export { startEmulator } from "./server.js";
export type { Emulator, EmulatorOptions, EmulatorLimits } from "./server.js";
export type { BasicAuthCredentials } from "./auth.js";
export { FAULT_KINDS, FAULT_PHASES } from "./faults.js";
export type { FaultDecision, FaultKind, FaultOptions, FaultPhase } from "./faults.js";
export type { RequestLogEntry } from "./request-log.js";
export type {
  CollectorJson,
  CollectorSeed,
  EmulatorSeed,
  EmulatorState,
  PipelineJson,
  PipelineRevisionJson,
  PipelineSeed,
} from "./state.js";
export { DEFAULT_PIPELINE_LIMIT, EmulatorStore } from "./store.js";
export type { EmptyMatchersMode, ListPipelinesFilter, StoreOptions } from "./store.js";
export { createPrng } from "./prng.js";
