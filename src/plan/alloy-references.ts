// What one Alloy pipeline offers to and takes from the others, read from its
// syntax tree: the `export` blocks it defines, the other pipelines' exports
// it reads through `argument.pipeline_exports.value["PIPELINE"]["EXPORT"]`,
// and the collector attributes it reads through `argument.attributes.value["KEY"]`
// (the names Fleet Management injects into every pipeline's module).
import { alloyStringValue, type AlloyFile, type Expression, type Statement } from "../alloy/index.js";

/** One place a pipeline reads another pipeline's export (or all of its exports). */
export interface ExportReference {
  pipeline: string;
  /** Absent when the whole `value["PIPELINE"]` object is read. */
  export?: string;
  line: number;
  column: number;
}

/** One place a pipeline reads an injected collector attribute. */
export interface AttributeReference {
  key: string;
  line: number;
  column: number;
}

export interface PipelineInterface {
  /** Labels of the top-level `export "NAME"` blocks. */
  exports: Set<string>;
  exportReferences: ExportReference[];
  attributeReferences: AttributeReference[];
}

/** One step of a postfix chain: `.name` or `[index]` with the index as a string when it is a literal. */
type Step = { kind: "name"; name: string } | { kind: "index"; key: string | undefined };

export function pipelineInterface(file: AlloyFile): PipelineInterface {
  const result: PipelineInterface = { exports: new Set(), exportReferences: [], attributeReferences: [] };
  for (const statement of file.body) {
    if (statement.kind === "Block" && statement.name.length === 1 && statement.name[0] === "export" && statement.label !== "") {
      result.exports.add(statement.label);
    }
  }
  // Iterative: a deeply nested value must not overflow the stack.
  const statements: Statement[] = [...file.body];
  const expressions: Expression[] = [];
  while (statements.length > 0 || expressions.length > 0) {
    const statement = statements.pop();
    if (statement !== undefined) {
      if (statement.kind === "Attribute") expressions.push(statement.value);
      // A nested `declare` is its own scope: `argument` there is the declare's own.
      else if (!(statement.name.length === 1 && statement.name[0] === "declare")) for (const s of statement.body) statements.push(s);
      continue;
    }
    const expression = expressions.pop()!;
    if (expression.kind === "Access" || expression.kind === "Index") {
      const computed = recordReference(expression, result);
      if (computed !== undefined) {
        for (const e of computed) expressions.push(e);
        continue;
      }
    }
    pushChildren(expression, expressions);
  }
  const byPosition = (a: { line: number; column: number }, b: { line: number; column: number }) => a.line - b.line || a.column - b.column;
  result.exportReferences.sort(byPosition);
  result.attributeReferences.sort(byPosition);
  return result;
}

function pushChildren(e: Expression, out: Expression[]): void {
  switch (e.kind) {
    case "Array":
      for (const element of e.elements) out.push(element);
      break;
    case "Object":
      for (const field of e.fields) out.push(field.value);
      break;
    case "Access":
      out.push(e.value);
      break;
    case "Index":
      out.push(e.value, e.index);
      break;
    case "Call":
      // A loop, not push(...args): a call can have more arguments than a call takes.
      out.push(e.callee);
      for (const arg of e.args) out.push(arg);
      break;
    case "Unary":
      out.push(e.operand);
      break;
    case "Binary":
      out.push(e.left, e.right);
      break;
    case "Paren":
      out.push(e.inner);
      break;
    case "Identifier":
    case "Literal":
      break;
  }
}

/**
 * Records `argument.pipeline_exports.value[…]…` or `argument.attributes.value[…]`
 * when `e` is the outermost node of such a chain, and returns the chain's
 * computed indexes (still to be visited); undefined when `e` is no such chain.
 */
function recordReference(e: Expression, into: PipelineInterface): Expression[] | undefined {
  const steps: Step[] = [];
  let node: Expression = e;
  const computed: Expression[] = [];
  while (node.kind === "Access" || node.kind === "Index") {
    if (node.kind === "Access") {
      steps.push({ kind: "name", name: node.name.name });
    } else {
      const key = stringLiteral(node.index);
      if (key === undefined) computed.push(node.index);
      steps.push({ kind: "index", key });
    }
    node = node.value;
  }
  if (node.kind !== "Identifier" || node.name !== "argument") return undefined;
  steps.reverse();
  const [what, value, first, second] = steps;
  if (what?.kind !== "name" || value?.kind !== "name" || value.name !== "value") return undefined;
  const keyOf = (step: Step | undefined) => (step === undefined ? undefined : step.kind === "name" ? step.name : step.key);
  const at = { line: node.pos.line, column: node.pos.column };
  if (what.name === "pipeline_exports") {
    const pipeline = keyOf(first);
    // A computed pipeline name cannot be checked offline.
    if (pipeline !== undefined) {
      const exportName = keyOf(second);
      const ref: ExportReference = { pipeline, ...at };
      if (exportName !== undefined) ref.export = exportName;
      into.exportReferences.push(ref);
    }
    return computed;
  }
  if (what.name === "attributes") {
    const key = keyOf(first);
    if (key !== undefined) into.attributeReferences.push({ key, ...at });
    return computed;
  }
  return undefined;
}

/** The value of a string literal (quoted: Go escapes; raw: CR removed), else undefined. */
function stringLiteral(e: Expression): string | undefined {
  if (e.kind === "Paren") return stringLiteral(e.inner);
  if (e.kind !== "Literal" || e.literalKind !== "STRING") return undefined;
  return alloyStringValue(e.text);
}
