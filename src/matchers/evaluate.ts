import { ConfigurationError } from "../errors/index.js";
import { BoundedCache } from "./bounded-cache.js";
import { formatMatcher } from "./format.js";
import { MatcherError } from "./matcher-error.js";
import { parseMatcher } from "./parse.js";
import { anchoredRegex, regexProblem } from "./regex.js";
import type { MatchOptions, Matcher } from "./types.js";

type Attributes = Readonly<Record<string, string>>;
type Predicate = (attributes: Attributes) => boolean;

// Matcher texts the emulator evaluates again and again; bounded because they come from users.
const MAX_CACHED_TEXTS = 1000;
const compiledTexts = new BoundedCache<string, Predicate>(MAX_CACHED_TEXTS);

// Own properties only: a name like `constructor` must not read Object.prototype.
function attributeValue(attributes: Attributes, name: string): string {
  if (!Object.hasOwn(attributes, name)) return "";
  const value = attributes[name];
  return typeof value === "string" ? value : "";
}

function compileParsed(m: Matcher): Predicate {
  const { name, value } = m;
  switch (m.op) {
    case "=":
      return (attributes) => attributeValue(attributes, name) === value;
    case "!=":
      return (attributes) => attributeValue(attributes, name) !== value;
    case "=~":
    case "!~": {
      const problem = regexProblem(value);
      if (problem !== undefined) {
        // Point at the value: the canonical text with an empty value ends in `""`.
        const valueStart = Array.from(formatMatcher({ ...m, value: "" })).length - 2;
        throw new MatcherError(formatMatcher(m), valueStart, problem);
      }
      const regex = anchoredRegex(value);
      return m.op === "=~"
        ? (attributes) => regex.test(attributeValue(attributes, name))
        : (attributes) => !regex.test(attributeValue(attributes, name));
    }
    default: {
      const op: unknown = (m as { op: unknown }).op;
      throw new MatcherError(`${name}${String(op)}${value}`, name.length, `unknown operator ${JSON.stringify(op)}`);
    }
  }
}

function compileOne(matcher: string | Matcher): Predicate {
  if (typeof matcher !== "string") return compileParsed(matcher);
  const hit = compiledTexts.get(matcher);
  if (hit !== undefined) return hit;
  const predicate = compileParsed(parseMatcher(matcher));
  compiledTexts.set(matcher, predicate);
  return predicate;
}

function matchesWhenEmpty(options: MatchOptions | undefined): boolean {
  const mode = options?.emptyMatchers ?? "all";
  if (mode !== "all" && mode !== "none") {
    throw new ConfigurationError(`emptyMatchers must be "all" or "none", got ${JSON.stringify(mode)}`);
  }
  return mode === "all";
}

/**
 * Parses the matchers and compiles their regexes once; the returned function
 * tells whether an attribute set satisfies all of them (AND). A missing
 * attribute reads as "". Throws MatcherError for an invalid matcher.
 */
export function compileMatchers(matchers: readonly (string | Matcher)[], options?: MatchOptions): Predicate {
  const whenEmpty = matchesWhenEmpty(options);
  if (matchers.length === 0) return () => whenEmpty;
  const predicates = matchers.map(compileOne);
  return (attributes) => predicates.every((predicate) => predicate(attributes));
}

/**
 * Whether the attributes satisfy every matcher, with Alertmanager semantics:
 * regexes are RE2 and fully anchored, a missing attribute reads as "", and an
 * empty list matches everything unless `emptyMatchers: "none"`.
 */
export function matches(
  matchers: readonly (string | Matcher)[],
  attributes: Attributes,
  options?: MatchOptions,
): boolean {
  return compileMatchers(matchers, options)(attributes);
}
