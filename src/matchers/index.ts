// Alertmanager UTF-8 matchers: parse, print canonically, evaluate against
// collector attributes. Pure functions; depends only on errors/ and re2js.

export { FLEET_EMPTY_MATCHERS, MAX_MATCHER_LENGTH } from "./types.js";
export type { MatchOperator, Matcher, MatchOptions } from "./types.js";
export { MatcherError } from "./matcher-error.js";
export { parseMatcher, validateMatcher } from "./parse.js";
export { formatMatcher, canonicalMatcher } from "./format.js";
export { matches, compileMatchers } from "./evaluate.js";
