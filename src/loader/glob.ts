// A deliberately small glob matcher for `exclude`. A pattern is matched
// against the whole `/`-separated path relative to the loaded folder:
//   *   any run of characters within one path segment
//   ?   one character within one path segment
//   **  as a whole segment: zero or more segments
// Everything else is literal (no braces, classes or negation), so a pattern
// means what it looks like. `dir/**` also matches `dir` itself, so the walk
// can skip the whole folder without reading it.
import { ConfigurationError } from "../errors/index.js";

export type PathMatcher = (relativePath: string) => boolean;

/** Compiles exclude patterns into one predicate; throws ConfigurationError on an unusable pattern. */
export function compileExcludes(patterns: readonly string[]): PathMatcher {
  if (!Array.isArray(patterns)) throw new ConfigurationError("exclude must be an array of glob patterns");
  if (patterns.length === 0) return () => false;
  const compiled = patterns.map(compileGlob);
  return (path) => compiled.some((match) => match(path));
}

export function compileGlob(pattern: string): PathMatcher {
  if (typeof pattern !== "string" || pattern.trim() === "") {
    throw new ConfigurationError(`exclude pattern must be a non-empty string, got ${JSON.stringify(pattern)}`);
  }
  const text = pattern.replace(/\\/g, "/");
  if (text.startsWith("/") || /^[a-zA-Z]:\//.test(text)) {
    throw new ConfigurationError(`exclude pattern ${JSON.stringify(pattern)} must be relative to the folder`);
  }
  const segments = text.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.length === 0 || segments.includes("..")) {
    throw new ConfigurationError(`exclude pattern ${JSON.stringify(pattern)} must name paths inside the folder`);
  }
  // Collapse runs of `**`: they mean the same and would only slow matching.
  const parts = segments.filter((s, i) => !(s === "**" && segments[i - 1] === "**")).map((s) => (s === "**" ? s : Array.from(s)));
  return (path) => matchPath(parts, path.split("/"));
}

function matchPath(parts: (string | string[])[], segments: string[]): boolean {
  // reachable[j]: pattern prefix so far can consume exactly segments[0..j).
  let reachable = new Array<boolean>(segments.length + 1).fill(false);
  reachable[0] = true;
  for (const part of parts) {
    const next = new Array<boolean>(segments.length + 1).fill(false);
    if (part === "**") {
      let any = false;
      for (let j = 0; j <= segments.length; j++) {
        any ||= reachable[j]!;
        next[j] = any;
      }
    } else {
      for (let j = 0; j < segments.length; j++) {
        if (reachable[j] && matchSegment(part as string[], Array.from(segments[j]!))) next[j + 1] = true;
      }
    }
    reachable = next;
  }
  return reachable[segments.length]!;
}

// Wildcard match of one segment: `*` any run, `?` one character.
function matchSegment(pattern: string[], text: string[]): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    const c = pattern[p];
    if (c === "?" || (c !== undefined && c !== "*" && c === text[t])) {
      p++;
      t++;
    } else if (c === "*") {
      star = p++;
      resume = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === "*") p++;
  return p === pattern.length;
}
