// Test helpers: a syntax tree without positions, and a compact S-expression
// of an expression, to compare trees whatever the layout.
import type { AlloyFile, Expression, Statement } from "../../src/alloy/index.js";

export function sexpr(e: Expression): string {
  switch (e.kind) {
    case "Identifier":
      return e.name;
    case "Literal":
      return e.text;
    case "Unary":
      return `(${e.op} ${sexpr(e.operand)})`;
    case "Binary":
      return `(${e.op} ${sexpr(e.left)} ${sexpr(e.right)})`;
    case "Paren":
      return `(paren ${sexpr(e.inner)})`;
    case "Access":
      return `(. ${sexpr(e.value)} ${e.name.name})`;
    case "Index":
      return `([] ${sexpr(e.value)} ${sexpr(e.index)})`;
    case "Call":
      return `(call ${[e.callee, ...e.args].map(sexpr).join(" ")})`;
    case "Array":
      return `[${e.elements.map(sexpr).join(" ")}]`;
    case "Object":
      return `{${e.fields.map((f) => `${f.key.quoted ? JSON.stringify(f.key.name) : f.key.name}=${sexpr(f.value)}`).join(" ")}}`;
  }
}

export function stmtShape(s: Statement): unknown {
  return s.kind === "Attribute"
    ? { attr: s.name.name, value: sexpr(s.value) }
    : { block: s.name.join("."), label: s.label, body: s.body.map(stmtShape) };
}

/** The tree without positions, plus the comments' texts in order. */
export function fileShape(file: AlloyFile): unknown {
  return { body: file.body.map(stmtShape), comments: file.comments.flatMap((g) => g.comments.map((c) => c.text)) };
}
