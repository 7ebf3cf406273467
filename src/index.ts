// The public surface of fleet-pipelines. Every exported name is listed
// explicitly: nothing becomes public by accident.

export { FleetError, ConfigurationError } from "./errors/index.js";
export type {
  ConfigTypeName,
  JsonObject,
  JsonValue,
  PipelineSpec,
  SourceScope,
  SourceTypeName,
} from "./pipelines/spec.js";

// --- matchers ---

// --- pipelines (model) ---

// --- loader ---

// --- plan ---

// --- render ---

// --- client ---

// --- apply ---

// --- emulator ---
