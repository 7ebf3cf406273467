// Grammar-based generation (fast-check): random valid Alloy, laid out with
// random line breaks, comments and spacing where the grammar allows them.
// Properties: it parses without diagnostics; formatting keeps the tree and
// the comments (parse → format → parse gives the same tree, positions
// aside); formatting is idempotent.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatAlloy, parseAlloy } from "../../src/alloy/index.js";
import { fileShape } from "./shape.js";

const ident = fc.constantFrom("a", "b", "x", "long_name", "é", "métrica", "_", "v2", "forward_to", "sys", "env");

const stringLit = fc.constantFrom(
  '""',
  '"text"',
  '"with space"',
  '"esc \\t \\" \\\\ \\u00e9"',
  '"tab\there"',
  "`raw`",
  "`multi\nline`",
  "`trailing  \nblanks`",
  "``",
);
const numberLit = fc.constantFrom("0", "1", "42", "007", "1.5", "1.", ".5", "1e3", "2E-4");
const keyword = fc.constantFrom("true", "false", "null");

/** A place where a line break is allowed (after `(`, `[`, `{`, `,`, `=`, an operator). */
const gap = fc.oneof(
  { weight: 6, arbitrary: fc.constant(" ") },
  { weight: 2, arbitrary: fc.constant("\n  ") },
  { weight: 1, arbitrary: fc.constant(" // note\n") },
  { weight: 1, arbitrary: fc.constant(" /* c */ ") },
  { weight: 1, arbitrary: fc.constant("\n\n") },
);
/** Between tokens on one line. */
const inline = fc.oneof({ weight: 8, arbitrary: fc.constant(" ") }, { weight: 1, arbitrary: fc.constant(" /* i */ ") });

const binaryOp = fc.constantFrom("||", "&&", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "^");

type Gen = fc.Arbitrary<string>;

/** A list `open items close`: a line break before the closer needs a trailing comma. */
function list(open: string, close: string, item: Gen): Gen {
  return fc
    .record({ items: fc.array(fc.tuple(gap, item), { maxLength: 3 }), end: gap, comma: fc.boolean() })
    .map(({ items, end, comma }) => {
      if (items.length === 0) return `${open}${end.includes("\n") ? "\n" : ""}${close}`;
      const body = items.map(([g, it]) => `${g}${it}`).join(",");
      const trailing = end.includes("\n") || comma ? "," : "";
      return `${open}${body}${trailing}${end}${close}`;
    });
}

const { expr } = fc.letrec<{ expr: string; operand: string; postfix: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    tie("operand"),
    fc.tuple(tie("operand"), inline, binaryOp, gap, tie("expr")).map(([l, s, op, g, r]) => `${l}${s}${op}${g}${r}`),
    fc.tuple(fc.constantFrom("-", "!"), tie("operand")).map(([op, e]) => `${op}${e}`),
  ),
  operand: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    stringLit,
    numberLit,
    keyword,
    tie("postfix"),
    list("[", "]", tie("expr")),
    list("{", "}", fc.tuple(fc.oneof(ident, fc.constantFrom('"x-y"', "`raw key`", '"k"')), inline, tie("expr")).map(([k, s, v]) => `${k}${s}=${s}${v}`)),
    fc.tuple(gap, tie("expr")).map(([g, e]) => `(${g}${e})`),
  ),
  postfix: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    ident,
    fc.tuple(ident, ident).map(([a, b]) => `${a}.${b}`),
    fc.tuple(ident, tie("expr")).map(([a, i]) => `${a}[${i}]`),
    fc.tuple(ident, ident, list("(", ")", tie("expr"))).map(([a, b, args]) => `${a}.${b}${args}`),
  ),
}));

const attribute = fc.tuple(ident, inline, expr).map(([n, s, v]) => `${n}${s}=${s}${v}`);
const lineEnd = fc.constantFrom("\n", "\n\n", " // trailing\n", "\n// own line\n");

const { statements } = fc.letrec<{ statements: string; block: string }>((tie) => ({
  statements: fc.array(fc.tuple(fc.oneof({ weight: 3, arbitrary: attribute }, { weight: 1, arbitrary: tie("block") }), lineEnd), { maxLength: 4 }).map((list) => list.map(([s, e]) => s + e).join("")),
  block: fc
    .tuple(fc.constantFrom("b", "prometheus.scrape", "stage.json"), fc.constantFrom("", ' "lbl"', ' ""'), fc.constantFrom("\n", " "), tie("statements"))
    .map(([name, label, open, body]) => `${name}${label} {${body.trim() === "" ? open : `\n${body}`}}`),
}));

describe("formatting generated Alloy", () => {
  it("parses, keeps the tree and the comments, and is idempotent", () => {
    fc.assert(
      fc.property(statements, (src) => {
        const parsed = parseAlloy(src);
        expect(parsed.diagnostics).toEqual([]);
        const once = formatAlloy(src);
        if (!once.ok) throw new Error(`did not format: ${JSON.stringify(once.diagnostics)}`);
        const reparsed = parseAlloy(once.text);
        expect(reparsed.diagnostics).toEqual([]);
        expect(fileShape(reparsed.file)).toEqual(fileShape(parsed.file));
        const twice = formatAlloy(once.text);
        expect(twice.ok && twice.text).toBe(once.text);
      }),
      { numRuns: 300 },
    );
  });
});
