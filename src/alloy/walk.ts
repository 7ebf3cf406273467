// Walking a syntax tree, and the two notions the checks and callers share:
// a block's identity and a reference (upstream: traversal).
import type { AlloyFile, BlockStatement, Expression, Position, Statement } from "./ast.js";

export type AlloyNode = Statement | Expression;

/**
 * Calls `visit` on every statement and expression, parents before children,
 * in source order. `visit` returning false skips the node's children.
 */
export function walkAlloy(root: AlloyFile | Statement | Expression, visit: (node: AlloyNode) => boolean | void): void {
  const stack: AlloyNode[] = [];
  const pushAll = (list: readonly AlloyNode[]) => {
    for (let i = list.length - 1; i >= 0; i--) stack.push(list[i]!);
  };
  if (root.kind === "File") pushAll(root.body);
  else stack.push(root);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (visit(node) === false) continue;
    switch (node.kind) {
      case "Attribute":
        stack.push(node.value);
        break;
      case "Block":
        pushAll(node.body);
        break;
      case "Array":
        pushAll(node.elements);
        break;
      case "Object":
        pushAll(node.fields.map((f) => f.value));
        break;
      case "Access":
        stack.push(node.value);
        break;
      case "Index":
        pushAll([node.value, node.index]);
        break;
      case "Call":
        pushAll([node.callee, ...node.args]);
        break;
      case "Unary":
        stack.push(node.operand);
        break;
      case "Binary":
        pushAll([node.left, node.right]);
        break;
      case "Paren":
        stack.push(node.inner);
        break;
      case "Identifier":
      case "Literal":
        break;
    }
  }
}

/** `prometheus.scrape "a"` → `prometheus.scrape.a`; `logging` → `logging` (upstream's block ID). */
export function blockIdentity(block: BlockStatement): string {
  const name = block.name.join(".");
  return block.label === "" ? name : `${name}.${block.label}`;
}

/** A name read in an expression: an identifier and the `.name` accesses after it. */
export interface AlloyReference {
  /** `["discovery", "kubernetes", "pods", "targets"]` */
  readonly path: string[];
  readonly pos: Position;
}

/**
 * Every reference in an expression: an identifier followed by `.name`
 * accesses, stopping at the first index or call (`a.b[0].c` → `a.b`;
 * `sys.env("X")` → `sys.env`). Object keys are not references.
 */
export function referencesIn(expr: Expression): AlloyReference[] {
  const refs: AlloyReference[] = [];
  walkAlloy(expr, (node) => {
    if (node.kind !== "Access" && node.kind !== "Identifier") return true;
    const path: string[] = [];
    let e: Expression = node;
    while (e.kind === "Access") {
      path.push(e.name.name);
      e = e.value;
    }
    if (e.kind !== "Identifier") return true; // `f(x).y`: the references are inside
    path.push(e.name);
    path.reverse();
    refs.push({ path, pos: e.pos });
    return false;
  });
  return refs;
}
