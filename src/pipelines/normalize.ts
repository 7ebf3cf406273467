// Normalisation of the desired state, and the comparison forms used by the
// semantic equality. Two rules keep these apart on purpose:
// - `normalizeSpec` only applies defaults. Contents, matchers and metadata
//   stay exactly as the user wrote them, because that is what gets sent.
// - The comparison forms (`normalizeContents`, `canonicalMatcherSet`,
//   `canonicalJson`) are used only to decide equality and to show diffs.
import { canonicalMatcher, MatcherError } from "../matchers/index.js";
import type { JsonObject, JsonValue, NormalizedPipelineSpec, PipelineSpec } from "./spec.js";

/** Applies the defaults: `enabled` true, `configType` "alloy", `matchers` []. Copies arrays. */
export function normalizeSpec(spec: PipelineSpec | NormalizedPipelineSpec): NormalizedPipelineSpec {
  const out: NormalizedPipelineSpec = {
    name: spec.name,
    contents: spec.contents,
    matchers: spec.matchers ? [...spec.matchers] : [],
    enabled: spec.enabled ?? true,
    configType: spec.configType ?? "alloy",
  };
  if (spec.metadata !== undefined) out.metadata = spec.metadata;
  if (spec.file !== undefined) out.file = spec.file;
  if (spec.contentsFile !== undefined) out.contentsFile = spec.contentsFile;
  if (spec.contentsLine !== undefined) out.contentsLine = spec.contentsLine;
  return out;
}

/**
 * The comparison form of contents: CRLF and lone CR become LF, and any run of
 * trailing line breaks becomes exactly one (empty text stays empty). An editor
 * adding or dropping the final newline, or a Windows checkout, is no change.
 */
export function normalizeContents(text: string): string {
  const lf = text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
  let end = lf.length;
  while (end > 0 && lf.charCodeAt(end - 1) === 10) end--;
  return end === 0 ? "" : lf.slice(0, end) + "\n";
}

/** What the model needs to know about one matcher text. */
export interface MatcherInfo {
  /** The canonical printing, or the raw text when it does not parse. */
  canonical: string;
  /** Why it does not parse (or is too long); absent when valid. */
  error?: MatcherError;
}

// Stacks repeat the same few matchers across many pipelines, and a plan looks
// at each one up to three times (validate, both sides of the diff): parsing
// once per distinct text keeps a 20 000-pipeline plan fast. Bounded, because
// matcher texts come from users.
const MATCHER_CACHE_LIMIT = 10_000;
const matcherCache = new Map<string, MatcherInfo>();

/** Parses a matcher once (memoised) and tells its canonical form and any error. */
export function matcherInfo(text: string): MatcherInfo {
  let info = matcherCache.get(text);
  if (info !== undefined) return info;
  try {
    info = { canonical: canonicalMatcher(text) };
  } catch (error) {
    if (!(error instanceof MatcherError)) throw error;
    info = { canonical: text, error };
  }
  if (matcherCache.size >= MATCHER_CACHE_LIMIT) {
    const oldest = matcherCache.keys().next();
    if (oldest.done !== true) matcherCache.delete(oldest.value);
  }
  matcherCache.set(text, info);
  return info;
}

/**
 * Canonical form of one matcher: the matcher engine's printing, or the raw
 * text when it does not parse (so an invalid matcher still equals itself).
 */
export function canonicalMatcherOrRaw(text: string): string {
  return matcherInfo(text).canonical;
}

/** Matchers as a set: canonical forms, deduplicated, sorted by code unit. */
export function canonicalMatcherSet(matchers: readonly string[]): string[] {
  const set = new Set<string>();
  for (const m of matchers) set.add(canonicalMatcherOrRaw(m));
  return [...set].sort(compareStrings);
}

/**
 * Metadata as compared: absent and `{}` are the same (an empty Struct carries
 * nothing), and key order does not matter.
 */
export function metadataForComparison(metadata: JsonObject | undefined): JsonObject | null {
  if (metadata === undefined || metadata === null) return null;
  return Object.keys(metadata).length === 0 ? null : metadata;
}

/** JSON with object keys sorted at every level: equal values give equal text. */
export function canonicalJson(value: JsonValue | undefined): string {
  if (value === undefined) return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return "[" + value.map((v) => canonicalJson(v)).join(",") + "]";
  const keys = Object.keys(value).sort(compareStrings);
  return "{" + keys.map((k) => JSON.stringify(k) + ":" + canonicalJson(value[k])).join(",") + "}";
}

/** A copy of a JSON value with object keys sorted at every level. */
export function sortJsonKeys(value: JsonValue): JsonValue {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(sortJsonKeys);
  const out: JsonObject = {};
  for (const k of Object.keys(value).sort(compareStrings)) out[k] = sortJsonKeys(value[k] as JsonValue);
  return out;
}

/** Code-unit order: deterministic and locale-independent. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
