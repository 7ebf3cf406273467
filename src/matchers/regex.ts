import { RE2JS, RE2JSException } from "re2js";
import { BoundedCache } from "./bounded-cache.js";

// Alertmanager compiles regex values with Go's regexp as `^(?:value)$`; re2js
// is a port of the same RE2 syntax, so it accepts and rejects the same
// patterns (no lookaround, no backreferences) and matches in linear time.
const MAX_CACHED_REGEXES = 1000;
const compiled = new BoundedCache<string, RE2JS>(MAX_CACHED_REGEXES);

/** The anchored regex for a matcher value; throws the re2js error if RE2 refuses it. */
export function anchoredRegex(value: string): RE2JS {
  const hit = compiled.get(value);
  if (hit !== undefined) return hit;
  const regex = RE2JS.compile(`^(?:${value})$`);
  compiled.set(value, regex);
  return regex;
}

/** Why RE2 refuses the value as a regex, or undefined when it compiles. */
export function regexProblem(value: string): string | undefined {
  try {
    anchoredRegex(value);
    return undefined;
  } catch (error) {
    if (error instanceof RE2JSException) {
      return `invalid regular expression: ${error.message.replace(/^error parsing regexp: /, "")}`;
    }
    throw error;
  }
}

/** Number of compiled regexes currently cached (for tests and diagnostics). */
export function cachedRegexCount(): number {
  return compiled.size;
}
