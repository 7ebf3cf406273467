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
export {
  MAX_MATCHER_LENGTH,
  MatcherError,
  parseMatcher,
  validateMatcher,
  formatMatcher,
  canonicalMatcher,
  matches,
  compileMatchers,
} from "./matchers/index.js";
export type { MatchOperator, Matcher, MatchOptions } from "./matchers/index.js";

// --- pipelines (model) ---

// --- loader ---

// --- plan ---

// --- render ---

// --- client ---

// --- apply ---

// --- emulator ---
