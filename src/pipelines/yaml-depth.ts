// Depth guards run before the YAML composer, whose recursion a hostile file
// could otherwise drive into a stack overflow (at a few thousand levels it
// can even take the whole process down). Two steps: a linear byte scan that
// rejects absurd nesting without parsing at all, then an exact, iterative
// walk of the parser's CST that rejects anything deeper than the cap.
import { Parser, type CST } from "yaml";

/** Far above any real file, low enough that the parser never sees a bomb. */
export const SCAN_DEPTH_LIMIT = 256;

/**
 * Offset at which a rough count of nesting passes `limit`, or -1. Counts
 * unclosed flow brackets and, per line, leading block indicators (`- - - x`).
 * Brackets inside strings are counted too: it may overestimate, never by
 * enough to reject a real file.
 */
export function scanNesting(text: string, limit = SCAN_DEPTH_LIMIT): number {
  let flow = 0;
  let lineStart = true;
  let compact = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++flow > limit) return i;
      lineStart = false;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      if (flow > 0) flow--;
      lineStart = false;
    } else if (c === 0x0a) {
      lineStart = true;
      compact = 0;
    } else if (lineStart && (c === 0x2d /* - */ || c === 0x3f /* ? */ || c === 0x3a /* : */)) {
      const next = text.charCodeAt(i + 1);
      if (next === 0x20 || next === 0x09) {
        if (++compact > limit) return i;
      } else {
        lineStart = false;
      }
    } else if (c !== 0x20 && c !== 0x09) {
      lineStart = false;
    }
  }
  return -1;
}

/** Offset of the first CST node nested deeper than `maxDepth`, or -1. Iterative. */
export function findTooDeep(tokens: readonly CST.Token[], maxDepth: number): number {
  const stack: [CST.Token, number][] = tokens.map((t) => [t, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    switch (token.type) {
      case "document":
        if (token.value) stack.push([token.value, depth]);
        break;
      case "block-map":
      case "block-seq":
      case "flow-collection": {
        if (depth + 1 > maxDepth) return token.offset;
        for (const item of token.items) {
          if ("key" in item && item.key) stack.push([item.key, depth + 1]);
          if (item.value) stack.push([item.value, depth + 1]);
        }
        break;
      }
      default:
        break;
    }
  }
  return -1;
}

/**
 * Offset at which `text` nests deeper than `maxDepth`, or -1. Safe on any
 * input: it never hands a bomb to the recursive composer.
 */
export function findYamlTooDeep(text: string, maxDepth: number): number {
  const scanned = scanNesting(text);
  if (scanned >= 0) return scanned;
  return findTooDeep(Array.from(new Parser().parse(text)), maxDepth);
}

/**
 * Most values (scalars, keys, list items) a YAML text may hold before it is
 * parsed. A metadata file holds a few dozen and a real collector
 * configuration a few thousand. The parser keeps objects per value with its
 * position, so 500 000 of them (a 1 MiB flow list `[1,1,1,…]`) cost close to
 * a gigabyte, and parsing costs about 20 µs per value on a busy machine: the
 * cap is what bounds the worst file under the 1 MiB size cap to about a
 * second and 200 MB.
 */
export const MAX_YAML_NODES = 50_000;

/**
 * Offset at which a rough count of values in `text` passes `limit`, or -1.
 * Linear and allocation-free. Every value but the first needs a line break or
 * a comma before it, so their count bounds the number of values from above
 * (commas inside strings are counted too: it may overestimate, never
 * underestimate).
 */
export function countYamlNodes(text: string, limit = MAX_YAML_NODES): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c === 0x0a /* \n */ || c === 0x2c) /* , */ && ++count > limit) return i;
  }
  return -1;
}
